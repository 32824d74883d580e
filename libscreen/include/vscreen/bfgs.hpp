// Quasi-Newton (BFGS) local optimisation of a pose with a backtracking Armijo line search, host and device.
#pragma once

#include <cmath>

#include "vscreen/energy.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/kinematics.hpp"
#include "vscreen/team.hpp"

namespace vscreen {

/// Scratch of one BFGS run; arrays sized by change size n (hessian n*n) and pose size.
struct BfgsScratch {
    float* hessian;  ///< inverse Hessian approximation, row-major n x n (kept symmetric)
    float* g;
    float* g_new;
    float* p;
    float* y;
    float* hy;
    float* x_new;
    float* x_orig;
    float* g_orig;
};

namespace detail {
VSCREEN_HD float dotn(const float* a, const float* b, int n) {
    float s = 0;
    for (int i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}
/// Step length of the first iteration (identity Hessian, direction -g): no coordinate moves further than
/// kFirstStepMax A or rad on the first trial, so that a clash gradient does not throw the pose out of the box.
constexpr float kFirstStepMax = 3.0f;
VSCREEN_HD float first_step_length(const float* p, int n) {
    float m = 0;
    for (int i = 0; i < n; ++i) m = fmaxf(m, fabsf(p[i]));
    return m > kFirstStepMax ? kFirstStepMax / m : 1.0f;
}

// Team forms of the vector steps: lanes split the elements (or the rows), the sums are reduced, a sync closes
// every step that writes shared memory. With one lane each is the serial loop.

/// a . b, on every lane.
template <typename Team>
VSCREEN_HD float team_dot(Team& team, const float* a, const float* b, int n) {
    float s = 0;
    for (int i = team.lane(); i < n; i += team.lanes()) s += a[i] * b[i];
    return team.reduce_sum(s);
}
/// out = -H v (a row per lane).
template <typename Team>
VSCREEN_HD void team_minus_hv(Team& team, const float* h, const float* v, float* out, int n) {
    for (int i = team.lane(); i < n; i += team.lanes()) out[i] = -dotn(h + i * n, v, n);
    team.sync();
}
template <typename Team>
VSCREEN_HD void team_copy(Team& team, const float* from, float* to, int n) {
    for (int i = team.lane(); i < n; i += team.lanes()) to[i] = from[i];
    team.sync();
}
/// H = d I.
template <typename Team>
VSCREEN_HD void team_set_diagonal(Team& team, float* h, int n, float d) {
    for (int k = team.lane(); k < n * n; k += team.lanes()) h[k] = k / n == k % n ? d : 0.0f;
    team.sync();
}
}  // namespace detail

/// Minimises the energy of `pose` in place for at most `max_steps` iterations; returns the total
/// energy (inter + intra). `parts` receives the split of the returned energy.
/// Vina's BFGS with two changes (benchmarks/README.md, "Redocking results with the current local optimiser"):
/// the first trial step is bounded (first_step_length), and the run stops at the first line search without
/// sufficient decrease. Team form: `pose` and the scratch are shared; every decision comes from reduced values,
/// which all lanes hold bit for bit, so the lanes take the same branches; lane 0 alone steps the pose.
template <typename Team>
VSCREEN_HD float bfgs_minimize(Team& team, EnergyContext& c, float* pose, EnergyCaps caps, int max_steps,
                               BfgsScratch& s, EnergyParts& parts) {
    using namespace detail;
    const int nt = c.ligand.num_torsions();
    const int n = c.ligand.change_size();
    const int np = c.ligand.pose_size();
    const int lane = team.lane(), lanes = team.lanes();
    EnergyParts cur = evaluate_pose(team, c, pose, caps, s.g);
    float f0 = cur.inter + cur.intra;
    const float f_orig = f0;
    const EnergyParts parts_orig = cur;
    team_copy(team, pose, s.x_orig, np);
    team_copy(team, s.g, s.g_orig, n);
    team_set_diagonal(team, s.hessian, n, 1.0f);
    for (int step = 0; step < max_steps; ++step) {
        team_minus_hv(team, s.hessian, s.g, s.p, n);
        // Backtracking line search (Armijo, c = 1e-4, halving, 10 trials).
        const float pg = team_dot(team, s.p, s.g, n);
        float alpha = 1.0f;
        if (step == 0) alpha = team.broadcast(lane == 0 ? first_step_length(s.p, n) : 0.0f, 0);
        float f1 = 0;
        EnergyParts trial;
        bool decreased = false;
        for (int t = 0; t < 10 && !decreased; ++t) {
            if (lane == 0) pose_increment(nt, pose, s.p, alpha, s.x_new);
            team.sync();
            trial = evaluate_pose(team, c, s.x_new, caps, s.g_new);
            f1 = trial.inter + trial.intra;
            decreased = f1 - f0 < 1e-4f * alpha * pg;
            if (!decreased) alpha *= 0.5f;
        }
        // No sufficient decrease even at alpha / 2^9: the pose sits at a minimum of the (piecewise trilinear,
        // single-precision) energy or on one of its kinks. Vina takes the step anyway and goes on; the further
        // iterations mostly repeat ten failing trials each (a quarter of all evaluations in a typical chain).
        if (!decreased) break;
        for (int i = lane; i < n; i += lanes) s.y[i] = s.g_new[i] - s.g[i];
        f0 = f1;
        cur = trial;
        team.sync();
        team_copy(team, s.x_new, pose, np);
        team_copy(team, s.g_new, s.g, n);
        if (!(sqrtf(team_dot(team, s.g, s.g, n)) >= 1e-5f)) break;
        const float yp = team_dot(team, s.y, s.p, n);
        if (step == 0) {
            const float yy = team_dot(team, s.y, s.y, n);
            if (fabsf(yy) > 1e-30f) team_set_diagonal(team, s.hessian, n, alpha * yp / yy);
        }
        // BFGS update of the inverse Hessian with s = alpha p (row i and its mirror column by one lane).
        if (alpha * yp < 1e-30f) continue;
        team_minus_hv(team, s.hessian, s.y, s.hy, n);  // hy = -H y
        const float yhy = -team_dot(team, s.y, s.hy, n);
        const float r = 1.0f / (alpha * yp);
        for (int i = lane; i < n; i += lanes)
            for (int j = i; j < n; ++j) {
                const float d = alpha * r * (s.hy[i] * s.p[j] + s.hy[j] * s.p[i]) +
                                alpha * alpha * (r * r * yhy + r) * s.p[i] * s.p[j];
                s.hessian[i * n + j] += d;
                if (j != i) s.hessian[j * n + i] += d;
            }
        team.sync();
    }
    if (!(f0 <= f_orig)) {
        f0 = f_orig;
        cur = parts_orig;
        team_copy(team, s.x_orig, pose, np);
        team_copy(team, s.g_orig, s.g, n);
    }
    parts = cur;
    return f0;
}

/// bfgs_minimize with one lane (the CPU back-end and the search kernel's threads).
VSCREEN_HD float bfgs_minimize(EnergyContext& c, float* pose, EnergyCaps caps, int max_steps, BfgsScratch& s,
                               EnergyParts& parts) {
    SerialTeam team;
    return bfgs_minimize(team, c, pose, caps, max_steps, s, parts);
}

}  // namespace vscreen
