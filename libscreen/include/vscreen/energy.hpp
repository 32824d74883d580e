// Energy of a ligand pose on grid maps (intermolecular) plus its intramolecular pairs, with gradient (team form).
#pragma once

#include "vscreen/atom_type.hpp"
#include "vscreen/grid_view.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/kinematics.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/team.hpp"

namespace vscreen {

/// The force of one intramolecular pair on its atom j (minus that on i); `on` is 0 for a pair beyond the cutoff.
struct PairForce {
    Vec3 f;
    float on;
};

/// What one evaluation needs besides the pose: the models, caps and scratch (shared by the lanes of a team).
struct EnergyContext {
    LigandView ligand;
    GridView grid;
    PairTableView table;
    Vec3* coords;           ///< per atom
    Vec3* atom_grad;        ///< per atom
    FrameScratch frames;
    PairForce* pair_force;  ///< per intramolecular pair
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

/// Grid energy of atom a (0 for a hydrogen) and its gradient.
VSCREEN_HD float grid_term(const EnergyContext& c, int a, EnergyCaps caps, Vec3& g) {
    g = make_vec3(0, 0, 0);
    const int t = c.ligand.xs[a];
    return t != kXsNone ? c.grid.eval(c.grid.map_of_type[t], c.coords[a], caps.inter, g) : 0.0f;
}

/// Energy e and force f (on atom j; minus f on atom i) of intramolecular pair k; false beyond the cutoff.
VSCREEN_HD bool pair_term(const EnergyContext& c, const IntraPair& pr, Vec3 ci, EnergyCaps caps, float& e, Vec3& f) {
    const Vec3 d = c.coords[pr.j] - ci;
    const float r2 = norm_sqr(d);
    if (!(r2 < kCutoffSqr)) return false;  // also skips NaN from a diverged step
    float dor;
    c.table.eval_within_cutoff(pr.type_pair, r2, e, dor);
    curl(e, dor, caps.intra);
    f = dor * d;
    return true;
}

/// Evaluates inter (grid) + intra energy of `pose`; fills `grad` (change_size floats) when not null.
/// Team form: the lanes split the pairs (each pair's force goes to its own slot), then the atoms (grid term plus
/// a gather of the pair forces in pair order), so no two lanes add into one place and the result does not depend
/// on scheduling. A team of one lane adds each pair's force straight into the atom gradients instead, in the
/// serial loop's order (the same terms, grid_term and pair_term; about a quarter fewer instructions on the CPU
/// than the gather). Every lane gets the energies.
template <typename Team>
VSCREEN_HD EnergyParts evaluate_pose(Team& team, EnergyContext& c, const float* pose, EnergyCaps caps, float* grad) {
    const LigandView& L = c.ligand;
    const int lane = team.lane(), lanes = team.lanes();
    if (c.evaluations && lane == 0) ++*c.evaluations;
    place_atoms(team, L, pose, c.frames, c.coords);
    float inter = 0, intra = 0;
    if (lanes == 1) {
        for (int a = 0; a < L.num_atoms; ++a) {
            Vec3 g;
            inter += grid_term(c, a, caps, g);
            c.atom_grad[a] = g;
        }
        // Pairs come grouped by their first atom (LigandModel builds them i-major): its gradient stays in registers.
        for (int k = 0; k < L.num_pairs;) {
            const int i = L.pairs[k].i;
            const Vec3 ci = c.coords[i];
            Vec3 gi = make_vec3(0, 0, 0);
            for (; k < L.num_pairs && L.pairs[k].i == i; ++k) {
                float e;
                Vec3 f;
                if (!pair_term(c, L.pairs[k], ci, caps, e, f)) continue;
                intra += e;
                gi -= f;
                c.atom_grad[L.pairs[k].j] += f;
            }
            c.atom_grad[i] += gi;
        }
    } else {
        for (int k = lane; k < L.num_pairs; k += lanes) {
            const IntraPair pr = L.pairs[k];
            PairForce pf;
            float e;
            pf.on = pair_term(c, pr, c.coords[pr.i], caps, e, pf.f) ? 1.0f : 0.0f;
            if (pf.on != 0) intra += e;
            c.pair_force[k] = pf;
        }
        team.sync();
        for (int a = lane; a < L.num_atoms; a += lanes) {
            Vec3 g;
            inter += grid_term(c, a, caps, g);
            for (int q = L.pair_j_begin[a]; q < L.pair_j_begin[a + 1]; ++q) {
                const PairForce pf = c.pair_force[L.pair_by_j[q]];
                if (pf.on != 0) g += pf.f;
            }
            const int first = L.pair_i_begin[a], last = L.pair_i_begin[a + 1];
            if (first < last) {
                Vec3 gi = make_vec3(0, 0, 0);
                for (int k = first; k < last; ++k) {
                    const PairForce pf = c.pair_force[k];
                    if (pf.on != 0) gi -= pf.f;
                }
                g += gi;
            }
            c.atom_grad[a] = g;
        }
    }
    EnergyParts parts;
    parts.inter = team.reduce_sum(inter);
    parts.intra = team.reduce_sum(intra);
    if (grad) {
        clear_accumulators(team, L, c.frames);  // ends with a sync: every atom gradient is written
        pose_gradient(team, L, c.coords, c.atom_grad, c.frames, grad);
    }
    return parts;
}

/// evaluate_pose with one lane (the CPU back-end, BFGS and Monte Carlo as they run on one thread).
VSCREEN_HD EnergyParts evaluate_pose(EnergyContext& c, const float* pose, EnergyCaps caps, float* grad) {
    SerialTeam team;
    return evaluate_pose(team, c, pose, caps, grad);
}

}  // namespace vscreen
