// A minimal parallel-for over an index range on std::threads, with exceptions carried to the caller.
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace vscreen::detail {

/// Number of worker threads to use for a request of `requested` (0 = all hardware threads).
inline int resolve_threads(int requested) {
    if (requested > 0) return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

/// Calls fn(index, worker) for every index in [0, n) on `threads` workers (dynamic scheduling).
/// The first exception thrown by fn is rethrown here after all workers stop.
template <typename Fn>
void parallel_for(long n, int threads, Fn&& fn) {
    threads = resolve_threads(threads);
    if (threads > n) threads = static_cast<int>(n > 0 ? n : 1);
    std::atomic<long> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto work = [&](int worker) {
        for (;;) {
            const long i = next.fetch_add(1);
            if (i >= n) return;
            try {
                fn(i, worker);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mutex);
                if (!error) error = std::current_exception();
                next.store(n);
                return;
            }
        }
    };
    if (threads <= 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        pool.reserve(threads);
        for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
        for (auto& t : pool) t.join();
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace vscreen::detail
