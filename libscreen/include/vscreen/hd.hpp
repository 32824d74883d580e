// Marks functions compiled for both the host compiler and nvcc (one copy of the math, see docs/architecture.md).
#pragma once

#if defined(__CUDACC__)
#define VSCREEN_HD __host__ __device__ __forceinline__
#else
#define VSCREEN_HD inline
#endif
