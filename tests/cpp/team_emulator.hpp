// CPU emulator of a GPU team: N lanes as N std::threads that share memory and meet at a barrier for every
// sync, reduction and broadcast, so the team code of energy.hpp/kinematics.hpp can be tested (and raced) on a CPU.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace vscreen::test {

/// State the lanes of one emulated team share: a reusable barrier and one exchange slot per lane.
class TeamRendezvous {
public:
    explicit TeamRendezvous(int lanes) : lanes_(lanes), slots_(lanes, 0.0f) {}
    int lanes() const { return lanes_; }

    /// Blocks until all lanes arrived (a generation-counting barrier; mutex + condition variable, so that
    /// ThreadSanitizer sees the ordering it gives).
    void arrive_and_wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        const long generation = generation_;
        if (++arrived_ == lanes_) {
            arrived_ = 0;
            ++generation_;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return generation_ != generation; });
        }
    }
    float& slot(int lane) { return slots_[lane]; }

private:
    int lanes_;
    std::mutex mutex_;
    std::condition_variable cv_;
    int arrived_ = 0;
    long generation_ = 0;
    std::vector<float> slots_;
};

/// One lane's handle: the Team interface of vscreen/team.hpp. Private variables of the team code stay in the
/// lane's own thread; only what the code writes through shared pointers is shared.
class EmulatedTeam {
public:
    EmulatedTeam(int lane, TeamRendezvous& r) : lane_(lane), r_(&r) {}
    int lane() const { return lane_; }
    int lanes() const { return r_->lanes(); }
    void sync() { r_->arrive_and_wait(); }

    /// The xor butterfly of __shfl_xor_sync, step by step: lane i adds lane (i ^ m)'s partial to its own.
    float reduce_sum(float v) {
        const int n = lanes();
        for (int m = 1; m < n; m <<= 1) {
            r_->slot(lane_) = v;
            sync();
            const float other = r_->slot(lane_ ^ m);
            sync();
            v = v + other;
        }
        return v;
    }

    float broadcast(float v, int from) {
        r_->slot(lane_) = v;
        sync();
        const float out = r_->slot(from);
        sync();
        return out;
    }

private:
    int lane_;
    TeamRendezvous* r_;
};

/// Runs body(team) on `lanes` threads (a power of two, as a warp's butterfly needs) and joins them.
/// The body must not throw: a lane that left early would leave the others waiting at the barrier.
template <typename Body>
void run_team(int lanes, Body body) {
    if (lanes < 1 || (lanes & (lanes - 1)) != 0) throw std::invalid_argument("run_team: lanes must be a power of two");
    TeamRendezvous rendezvous(lanes);
    std::vector<std::thread> threads;
    threads.reserve(lanes);
    for (int l = 0; l < lanes; ++l)
        threads.emplace_back([&, l] {
            EmulatedTeam team(l, rendezvous);
            body(team);
        });
    for (std::thread& t : threads) t.join();
}

}  // namespace vscreen::test
