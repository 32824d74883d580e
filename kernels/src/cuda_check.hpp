// Turns CUDA runtime errors into DeviceError exceptions naming the call, file, line and device.
#pragma once

#include <cuda_runtime.h>

#include "vscreen/error.hpp"

namespace vscreen::cuda {

[[noreturn]] inline void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
    int device = -1;
    cudaGetDevice(&device);
    fail<DeviceError>("CUDA error ", cudaGetErrorName(err), " (", cudaGetErrorString(err), ") in ", call, " at ", file,
                      ":", line, " on device ", device);
}

}  // namespace vscreen::cuda

#define VSCREEN_CUDA_CHECK(call)                                                          \
    do {                                                                                  \
        const cudaError_t vscreen_err_ = (call);                                          \
        if (vscreen_err_ != cudaSuccess)                                                  \
            ::vscreen::cuda::throw_cuda_error(vscreen_err_, #call, __FILE__, __LINE__);   \
    } while (0)
