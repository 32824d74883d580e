// RAII owner of a device allocation, with typed upload and download.
#pragma once

#include <cstddef>
#include <vector>

#include "cuda_check.hpp"

namespace vscreen::cuda {

/// Device memory of `count` elements of T; freed on destruction.
template <typename T>
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t count) { resize(count); }
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    void resize(size_t count) {
        release();
        if (count) VSCREEN_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr_), count * sizeof(T)));
        count_ = count;
    }
    void upload(const T* host, size_t count, cudaStream_t stream = nullptr) {
        if (count > count_) resize(count);
        if (count) VSCREEN_CUDA_CHECK(cudaMemcpyAsync(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream));
    }
    void upload(const std::vector<T>& host, cudaStream_t stream = nullptr) { upload(host.data(), host.size(), stream); }
    void download(T* host, size_t count, cudaStream_t stream = nullptr) const {
        if (count) VSCREEN_CUDA_CHECK(cudaMemcpyAsync(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
    }
    T* get() const { return ptr_; }
    size_t size() const { return count_; }

private:
    void release() {
        if (ptr_) cudaFree(ptr_);
        ptr_ = nullptr;
        count_ = 0;
    }
    T* ptr_ = nullptr;
    size_t count_ = 0;
};

}  // namespace vscreen::cuda
