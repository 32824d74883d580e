// One search task, a (ligand, chain) pair, in team form: what a warp of the CUDA search kernel (and the emulator's
// team in the tests) runs, on scratch and output it is handed.
#pragma once

#include "vscreen/hd.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/rng.hpp"
#include "vscreen/workspace.hpp"

namespace vscreen {

/// Runs chain `chain` of ligand L (the job of stream key `seed_key`) with `team`: its scratch is the
/// chain_scratch_floats(L) floats at `scratch`, its kept poses go to the chain_poses_floats(L, mc.capacity) floats at
/// `output`. The random stream is Rng::for_chain(seed, seed_key, chain), so the result depends on these alone, not on
/// where or when the task runs (batch composition, bucket, order).
template <typename Team>
VSCREEN_HD void run_search_task(Team& team, const LigandView& L, const MonteCarloParams& mc, const GridView& grid,
                                const PairTableView& table, unsigned long long seed, unsigned long long seed_key,
                                int chain, float* scratch, float* output) {
    ChainScratch s = make_chain_scratch(L, scratch);
    const EnergyContext ctx = make_energy_context(L, grid, table, s);
    ChainPoses out = make_chain_poses(L, mc.capacity, output);
    run_chain(team, ctx, mc, Rng::for_chain(seed, seed_key, static_cast<unsigned long long>(chain)), s, out);
}

}  // namespace vscreen
