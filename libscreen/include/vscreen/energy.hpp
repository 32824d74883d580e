// Energy of a ligand pose on grid maps (intermolecular) plus its intramolecular pairs, with gradient.
#pragma once

#include "vscreen/grid_view.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/kinematics.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pair_table.hpp"

namespace vscreen {

/// What one evaluation needs besides the pose: the models, caps and scratch.
struct EnergyContext {
    LigandView ligand;
    GridView grid;
    PairTableView table;
    Vec3* coords;      ///< per atom
    Vec3* atom_grad;   ///< per atom
    FrameScratch frames;
    long* evaluations = nullptr;  ///< when set, counts evaluate_pose calls (benchmarks; Vina's evalcount)
};

/// Per-atom caps of positive energies (Vina's "hunt cap" while searching, effectively none when refining).
struct EnergyCaps {
    float intra = 1000.0f;
    float inter = 1000.0f;
};

/// Intermolecular and intramolecular parts of an evaluation.
struct EnergyParts {
    float inter = 0;
    float intra = 0;
};

/// Evaluates inter (grid) + intra energy of `pose`; fills `grad` (change_size floats) when not null.
VSCREEN_HD EnergyParts evaluate_pose(EnergyContext& c, const float* pose, EnergyCaps caps, float* grad) {
    const LigandView& L = c.ligand;
    if (c.evaluations) ++*c.evaluations;
    place_atoms(L, pose, c.frames, c.coords);
    EnergyParts parts;
    for (int a = 0; a < L.num_atoms; ++a) c.atom_grad[a] = make_vec3(0, 0, 0);
    for (int h = 0; h < L.num_heavy; ++h) {
        const int a = L.heavy[h];
        Vec3 g;
        parts.inter += c.grid.eval(c.grid.map_of_type[L.xs[a]], c.coords[a], caps.inter, g);
        c.atom_grad[a] = g;
    }
    // Pairs come grouped by their first atom (LigandModel builds them i-major): its gradient stays in registers.
    for (int k = 0; k < L.num_pairs;) {
        const int i = L.pairs[k].i;
        const Vec3 ci = c.coords[i];
        Vec3 gi = make_vec3(0, 0, 0);
        for (; k < L.num_pairs && L.pairs[k].i == i; ++k) {
            const IntraPair pr = L.pairs[k];
            const Vec3 d = c.coords[pr.j] - ci;
            const float r2 = norm_sqr(d);
            if (!(r2 < kCutoffSqr)) continue;  // also skips NaN from a diverged step
            float e, dor;
            c.table.eval_within_cutoff(pr.type_pair, r2, e, dor);
            curl(e, dor, caps.intra);
            parts.intra += e;
            const Vec3 f = dor * d;
            gi -= f;
            c.atom_grad[pr.j] += f;
        }
        c.atom_grad[i] += gi;
    }
    if (grad) {
        clear_accumulators(L, c.frames);
        pose_gradient(L, c.coords, c.atom_grad, c.frames, grad);
    }
    return parts;
}

}  // namespace vscreen
