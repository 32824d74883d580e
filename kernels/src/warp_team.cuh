// The GPU team: one 32-lane warp, meeting at __syncwarp and reducing with an xor butterfly of __shfl_xor_sync.
#pragma once

namespace vscreen::cuda {

/// The Team of vscreen/team.hpp on a full warp (every lane of the warp calls the team code). Host versions
/// exist only so that host-side template instantiation compiles; the team never runs on the host.
struct WarpTeam {
    static constexpr unsigned kAll = 0xffffffffu;
    __host__ __device__ int lane() const {
#ifdef __CUDA_ARCH__
        return static_cast<int>(threadIdx.x & 31u);
#else
        return 0;
#endif
    }
    __host__ __device__ int lanes() const { return 32; }
    __host__ __device__ void sync() {
#ifdef __CUDA_ARCH__
        __syncwarp(kAll);
#endif
    }
    /// Lane i adds lane (i ^ m)'s partial at m = 1, 2, ..., 16: the order tests/cpp/team_emulator.hpp emulates.
    __host__ __device__ float reduce_sum(float v) {
#ifdef __CUDA_ARCH__
        for (int m = 1; m < 32; m <<= 1) v = v + __shfl_xor_sync(kAll, v, m);
#endif
        return v;
    }
    __host__ __device__ float broadcast(float v, int from) {
#ifdef __CUDA_ARCH__
        return __shfl_sync(kAll, v, from);
#else
        (void)from;
        return v;
#endif
    }
};

}  // namespace vscreen::cuda
