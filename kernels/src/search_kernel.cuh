// The search kernel: one 32-lane warp per (ligand, chain) task running the team-form chain (search_task.hpp) with
// cuda::WarpTeam; several warps per block; the chain's scratch in dynamic shared memory or in global memory.
#pragma once

#include "warp_team.cuh"
#include "vscreen/search_plan.hpp"
#include "vscreen/search_task.hpp"

namespace vscreen::cuda {

/// VSCREEN_SEARCH_MIN_BLOCKS (CMake VSCREEN_CUDA_SEARCH_MIN_BLOCKS, unset by default): resident 128-thread blocks per SM
/// the compiler must allow, i.e. a register cap (4: 128 registers; at that cap the shared variant spills 68 bytes).
#if defined(VSCREEN_SEARCH_MIN_BLOCKS) && VSCREEN_SEARCH_MIN_BLOCKS > 0
#define VSCREEN_SEARCH_BOUNDS __launch_bounds__(128, VSCREEN_SEARCH_MIN_BLOCKS)
#else
#define VSCREEN_SEARCH_BOUNDS
#endif

template <bool kShared>
__global__ void VSCREEN_SEARCH_BOUNDS search_warps_kernel(const LigandView* ligands, const MonteCarloParams* params,
                                    const unsigned long long* keys, const LaunchTask* tasks, long num_tasks,
                                    GridView grid, PairTableView table, unsigned long long seed, long scratch_stride,
                                    float* global_scratch, float* outputs) {
    extern __shared__ float4 shared_scratch[];
    const int warp = static_cast<int>(threadIdx.x / 32);
    const long t = static_cast<long>(blockIdx.x) * (blockDim.x / 32) + warp;
    if (t >= num_tasks) return;
    const LaunchTask task = tasks[t];
    const LigandView L = ligands[task.job];
    float* scratch = kShared ? reinterpret_cast<float*>(shared_scratch) + warp * scratch_stride
                             : global_scratch + task.scratch;
    WarpTeam team;
    run_search_task(team, L, params[task.job], grid, table, seed, keys[task.job], task.chain, scratch,
                    outputs + task.output);
}

}  // namespace vscreen::cuda
