// One Monte Carlo + BFGS chain (Vina's search), written once for the CPU threads and the CUDA kernels.
#pragma once

#include "vscreen/bfgs.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/rng.hpp"
#include "vscreen/workspace.hpp"

namespace vscreen {

/// Parameters of a chain; defaults are Vina's.
struct MonteCarloParams {
    int steps = 0;               ///< Monte Carlo steps
    int local_steps = 0;         ///< BFGS iterations per step
    float temperature = 1.2f;    ///< Metropolis temperature
    float amplitude = 2.0f;      ///< position mutation radius (A)
    float gyration_radius = 1;   ///< orientation mutation is amplitude / gyration radius
    Vec3 box_lower, box_upper;   ///< random starts are drawn in this box
    int capacity = 20;           ///< poses kept per chain
    float min_rmsd = 1.0f;       ///< poses closer than this replace each other
    EnergyCaps hunt{10.0f, 10.0f};      ///< caps while searching (Vina 1.2: 10)
    EnergyCaps refine{1000.0f, 1000.0f};///< caps when refining a kept pose
    int stall_steps = 0;         ///< stop after this many steps without a new best (0: run all `steps`)
};

/// A chain's best must drop by more than this (kcal/mol) to count as progress for `stall_steps`.
constexpr float kStallGain = 0.01f;

/// The poses a chain keeps, best first: `count` entries of energy, pose and heavy-atom coordinates; and the
/// number of energy evaluations the chain made (its cost, reported with each docking result).
struct ChainPoses {
    int* count;
    unsigned int* evaluations;
    float* energy;   ///< [capacity]
    float* inter;    ///< [capacity]
    float* intra;    ///< [capacity]
    float* poses;    ///< [capacity][pose_size]
    float* heavy;    ///< [capacity][3 * num_heavy]
};

/// Floats needed by ChainPoses (the count and the evaluations are stored in the first two float slots as ints).
VSCREEN_HD long chain_poses_floats(const LigandView& L, int capacity) {
    return 2 + 3L * capacity + static_cast<long>(capacity) * (L.pose_size() + 3L * L.num_heavy);
}

VSCREEN_HD ChainPoses make_chain_poses(const LigandView& L, int capacity, float* buffer) {
    Arena a{buffer};
    ChainPoses p;
    p.count = reinterpret_cast<int*>(a.take<float>(1));
    p.evaluations = reinterpret_cast<unsigned int*>(a.take<float>(1));
    p.energy = a.take<float>(capacity);
    p.inter = a.take<float>(capacity);
    p.intra = a.take<float>(capacity);
    p.poses = a.take<float>(static_cast<long>(capacity) * L.pose_size());
    p.heavy = a.take<float>(static_cast<long>(capacity) * 3 * L.num_heavy);
    return p;
}

/// Root-mean-square distance between two heavy-atom coordinate arrays of n atoms.
VSCREEN_HD float rmsd_flat(const float* a, const float* b, int n) {
    float s = 0;
    for (int i = 0; i < 3 * n; ++i) {
        const float d = a[i] - b[i];
        s += d * d;
    }
    return n > 0 ? sqrtf(s / n) : 0.0f;
}

namespace detail {
VSCREEN_HD void swap_entries(const LigandView& L, ChainPoses& out, int a, int b) {
    const int np = L.pose_size(), nh3 = 3 * L.num_heavy;
    float t;
    t = out.energy[a]; out.energy[a] = out.energy[b]; out.energy[b] = t;
    t = out.inter[a]; out.inter[a] = out.inter[b]; out.inter[b] = t;
    t = out.intra[a]; out.intra[a] = out.intra[b]; out.intra[b] = t;
    for (int i = 0; i < np; ++i) { t = out.poses[a * np + i]; out.poses[a * np + i] = out.poses[b * np + i]; out.poses[b * np + i] = t; }
    for (int i = 0; i < nh3; ++i) { t = out.heavy[a * nh3 + i]; out.heavy[a * nh3 + i] = out.heavy[b * nh3 + i]; out.heavy[b * nh3 + i] = t; }
}
VSCREEN_HD void write_entry(const LigandView& L, ChainPoses& out, int dst, float e, EnergyParts parts,
                            const float* pose, const float* heavy) {
    const int np = L.pose_size(), nh3 = 3 * L.num_heavy;
    out.energy[dst] = e;
    out.inter[dst] = parts.inter;
    out.intra[dst] = parts.intra;
    for (int i = 0; i < np; ++i) out.poses[dst * np + i] = pose[i];
    for (int i = 0; i < nh3; ++i) out.heavy[dst * nh3 + i] = heavy[i];
}
}  // namespace detail

/// Adds a pose to the container as Vina does: it replaces a worse pose closer than min_rmsd, otherwise
/// it is inserted if there is room or it beats the worst; entries stay sorted by energy.
VSCREEN_HD void add_pose(const LigandView& L, ChainPoses& out, int capacity, float min_rmsd, float e,
                         EnergyParts parts, const float* pose, const float* heavy) {
    const int nh3 = 3 * L.num_heavy;
    int n = *out.count;
    int closest = -1;
    float best = 1e30f;
    for (int i = 0; i < n; ++i) {
        const float r = rmsd_flat(out.heavy + i * nh3, heavy, L.num_heavy);
        if (r < best) { best = r; closest = i; }
    }
    int slot;
    if (closest >= 0 && best < min_rmsd) {
        if (!(e < out.energy[closest])) return;
        slot = closest;
    } else if (n < capacity) {
        slot = n++;
        *out.count = n;
    } else {
        if (!(e < out.energy[n - 1])) return;
        slot = n - 1;
    }
    detail::write_entry(L, out, slot, e, parts, pose, heavy);
    // Restore the order by moving the new entry to its place.
    while (slot > 0 && out.energy[slot] < out.energy[slot - 1]) {
        detail::swap_entries(L, out, slot, slot - 1);
        --slot;
    }
    while (slot + 1 < n && out.energy[slot] > out.energy[slot + 1]) {
        detail::swap_entries(L, out, slot, slot + 1);
        ++slot;
    }
}

/// Random pose: position uniform in the box, uniform orientation, torsions uniform in [-pi, pi).
VSCREEN_HD void random_pose(const LigandView& L, const MonteCarloParams& mc, Rng& rng, float* pose) {
    pose[0] = rng.uniform(mc.box_lower.x, mc.box_upper.x);
    pose[1] = rng.uniform(mc.box_lower.y, mc.box_upper.y);
    pose[2] = rng.uniform(mc.box_lower.z, mc.box_upper.z);
    const Quat q = rng.orientation();
    pose[3] = q.w; pose[4] = q.x; pose[5] = q.y; pose[6] = q.z;
    for (int t = 0; t < L.num_torsions(); ++t) pose[7 + t] = rng.uniform(-kPi, kPi);
}

/// Mutates one degree of freedom group: position, orientation or one torsion (Vina's mutate_conf).
VSCREEN_HD void mutate_pose(const LigandView& L, const MonteCarloParams& mc, Rng& rng, float* pose) {
    const int which = rng.below(2 + L.num_torsions());
    if (which == 0) {
        const Vec3 d = mc.amplitude * rng.in_unit_sphere();
        pose[0] += d.x; pose[1] += d.y; pose[2] += d.z;
    } else if (which == 1) {
        if (mc.gyration_radius > 1e-6f) {
            const Vec3 rv = (mc.amplitude / mc.gyration_radius) * rng.in_unit_sphere();
            const Quat q = quat_increment(pose_orientation(pose), rv);
            pose[3] = q.w; pose[4] = q.x; pose[5] = q.y; pose[6] = q.z;
        }
    } else {
        pose[7 + which - 2] = rng.uniform(-kPi, kPi);
    }
}

/// The Monte Carlo steps of one chain (run_chain without the evaluation count). Team form: lane 0 owns the random
/// stream, the mutations and the kept-pose container; the lanes share the BFGS runs and the atom placement, and
/// every branch is taken on values all lanes hold (energies from reductions, lane 0's choices broadcast).
template <typename Team>
VSCREEN_HD void run_chain_steps(Team& team, EnergyContext& ctx, const MonteCarloParams& mc, Rng& rng, ChainScratch& s,
                                ChainPoses& out) {
    const LigandView& L = ctx.ligand;
    const int np = L.pose_size();
    const bool lead = team.lane() == 0;
    if (lead) {
        *out.count = 0;
        random_pose(L, mc, rng, s.current);
    }
    team.sync();
    float current_e = 1e30f;
    float best_e = 1e30f;
    int last_gain = 0;  // the step of the last new best (stall_steps)
    int kept = 0;       // *out.count, as every lane knows it
    EnergyParts parts;
    for (int step = 0; step < mc.steps; ++step) {
        if (mc.stall_steps > 0 && step - last_gain > mc.stall_steps) break;
        if (lead) {
            for (int i = 0; i < np; ++i) s.candidate[i] = s.current[i];
            mutate_pose(L, mc, rng, s.candidate);
        }
        team.sync();
        const float e = bfgs_minimize(team, ctx, s.candidate, mc.hunt, mc.local_steps, s.bfgs, parts);
        bool accept = step == 0 || e < current_e;
        if (!accept) {
            const float draw = lead && rng.uniform() < expf((current_e - e) / mc.temperature) ? 1.0f : 0.0f;
            accept = team.broadcast(draw, 0) != 0.0f;
        }
        if (!accept) continue;
        for (int i = team.lane(); i < np; i += team.lanes()) s.current[i] = s.candidate[i];
        team.sync();
        current_e = e;
        if (current_e < best_e || kept < mc.capacity) {
            current_e = bfgs_minimize(team, ctx, s.current, mc.refine, mc.local_steps, s.bfgs, parts);
            place_atoms(team, L, s.current, s.frames, s.coords);
            for (int h = team.lane(); h < L.num_heavy; h += team.lanes()) {
                const Vec3 c = s.coords[L.heavy[h]];
                s.heavy[3 * h] = c.x; s.heavy[3 * h + 1] = c.y; s.heavy[3 * h + 2] = c.z;
            }
            team.sync();
            if (lead) add_pose(L, out, mc.capacity, mc.min_rmsd, current_e, parts, s.current, s.heavy);
            kept = static_cast<int>(team.broadcast(lead ? static_cast<float>(*out.count) : 0.0f, 0));
            if (current_e < best_e - kStallGain) last_gain = step;
            if (current_e < best_e) best_e = current_e;
        }
    }
    team.sync();
}

/// Runs one chain and leaves its best poses (refined with the refine caps) and its evaluation count in `out`
/// (also added to *ctx.evaluations when that is set). Team form: every lane passes the same (shared) scratch and
/// output, and its own copy of the stream (lane 0's is used).
template <typename Team>
VSCREEN_HD void run_chain(Team& team, const EnergyContext& ctx, const MonteCarloParams& mc, Rng rng, ChainScratch& s,
                          ChainPoses& out) {
    long evaluations = 0;
    EnergyContext c = ctx;  // per lane: lane 0 counts into its own `evaluations`
    c.evaluations = &evaluations;
    run_chain_steps(team, c, mc, rng, s, out);
    if (team.lane() == 0) {
        if (ctx.evaluations) *ctx.evaluations += evaluations;
        *out.evaluations = evaluations > 0xffffffffL ? 0xffffffffu : static_cast<unsigned int>(evaluations);
    }
    team.sync();
}

/// run_chain with one lane (the CPU back-end and the search kernel's threads).
VSCREEN_HD void run_chain(EnergyContext& ctx, const MonteCarloParams& mc, Rng rng, ChainScratch& s, ChainPoses& out) {
    SerialTeam team;
    run_chain(team, ctx, mc, rng, s, out);
}

}  // namespace vscreen
