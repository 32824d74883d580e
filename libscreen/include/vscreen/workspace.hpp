// Carves the per-chain scratch of kinematics, BFGS and Monte Carlo out of one flat float buffer.
#pragma once

#include "vscreen/bfgs.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/ligand_model.hpp"

namespace vscreen {

/// Bump allocator over a float buffer (all scratch types are made of 4-byte scalars).
struct Arena {
    float* next;
    template <typename T>
    VSCREEN_HD T* take(long count) {
        static_assert(sizeof(T) % sizeof(float) == 0, "4-byte multiples only");
        T* out = reinterpret_cast<T*>(next);
        next += count * static_cast<long>(sizeof(T) / sizeof(float));
        return out;
    }
};

/// Everything one Monte Carlo chain needs besides the shared models.
struct ChainScratch {
    Vec3* coords;
    Vec3* atom_grad;
    FrameScratch frames;
    PairForce* pair_force;
    BfgsScratch bfgs;
    float* current;    ///< current pose of the chain
    float* candidate;  ///< mutated pose
    float* heavy;      ///< heavy-atom coordinates of the last refined pose (3 * num_heavy)
};

/// Floats needed by ChainScratch for ligand L.
VSCREEN_HD long chain_scratch_floats(const LigandView& L) {
    const long n = L.change_size(), np = L.pose_size();
    return 6L * L.num_atoms + 25L * L.num_nodes + 4L * L.num_pairs + n * n + 6 * n + 4 * np + 3L * L.num_heavy;
}

/// The energy context of ligand L on `grid` and `table` over a chain's scratch.
VSCREEN_HD EnergyContext make_energy_context(const LigandView& L, const GridView& grid, const PairTableView& table,
                                             ChainScratch& s, long* evaluations = nullptr) {
    return EnergyContext{L, grid, table, s.coords, s.atom_grad, s.frames, s.pair_force, evaluations};
}

/// Lays ChainScratch out in `buffer` (chain_scratch_floats(L) floats).
VSCREEN_HD ChainScratch make_chain_scratch(const LigandView& L, float* buffer) {
    Arena a{buffer};
    const long n = L.change_size(), np = L.pose_size();
    ChainScratch s;
    s.coords = a.take<Vec3>(L.num_atoms);
    s.atom_grad = a.take<Vec3>(L.num_atoms);
    s.frames.origin = a.take<Vec3>(L.num_nodes);
    s.frames.axis = a.take<Vec3>(L.num_nodes);
    s.frames.orient = a.take<Quat>(L.num_nodes);
    s.frames.rot = a.take<Mat3>(L.num_nodes);
    s.frames.force = a.take<Vec3>(L.num_nodes);
    s.frames.torque = a.take<Vec3>(L.num_nodes);
    s.pair_force = a.take<PairForce>(L.num_pairs);
    s.bfgs.hessian = a.take<float>(n * n);
    s.bfgs.g = a.take<float>(n);
    s.bfgs.g_new = a.take<float>(n);
    s.bfgs.p = a.take<float>(n);
    s.bfgs.y = a.take<float>(n);
    s.bfgs.hy = a.take<float>(n);
    s.bfgs.g_orig = a.take<float>(n);
    s.bfgs.x_new = a.take<float>(np);
    s.bfgs.x_orig = a.take<float>(np);
    s.current = a.take<float>(np);
    s.candidate = a.take<float>(np);
    s.heavy = a.take<float>(3L * L.num_heavy);
    return s;
}

}  // namespace vscreen
