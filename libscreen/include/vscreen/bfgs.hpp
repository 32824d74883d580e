// Quasi-Newton (BFGS) local optimisation of a pose with a backtracking Armijo line search, host and device.
#pragma once

#include <cmath>

#include "vscreen/energy.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/kinematics.hpp"

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
/// out = -H v.
VSCREEN_HD void minus_hv(const float* h, const float* v, float* out, int n) {
    for (int i = 0; i < n; ++i) out[i] = -dotn(h + i * n, v, n);
}
/// Step length of the first iteration (identity Hessian, direction -g): no coordinate moves further than
/// kFirstStepMax A or rad on the first trial, so that a clash gradient does not throw the pose out of the box.
constexpr float kFirstStepMax = 3.0f;
VSCREEN_HD float first_step_length(const float* p, int n) {
    float m = 0;
    for (int i = 0; i < n; ++i) m = fmaxf(m, fabsf(p[i]));
    return m > kFirstStepMax ? kFirstStepMax / m : 1.0f;
}
VSCREEN_HD void set_diagonal(float* h, int n, float d) {
    for (int i = 0; i < n * n; ++i) h[i] = 0.0f;
    for (int i = 0; i < n; ++i) h[i * n + i] = d;
}
}  // namespace detail

/// Minimises the energy of `pose` in place for at most `max_steps` iterations; returns the total
/// energy (inter + intra). `parts` receives the split of the returned energy.
/// Vina's BFGS with two changes (benchmarks/README.md, "Redocking results with the current local optimiser"):
/// the first trial step is bounded (first_step_length), and the run stops at the first line search without
/// sufficient decrease.
VSCREEN_HD float bfgs_minimize(EnergyContext& c, float* pose, EnergyCaps caps, int max_steps, BfgsScratch& s,
                               EnergyParts& parts) {
    using namespace detail;
    const int nt = c.ligand.num_torsions();
    const int n = c.ligand.change_size();
    const int np = c.ligand.pose_size();
    EnergyParts cur = evaluate_pose(c, pose, caps, s.g);
    float f0 = cur.inter + cur.intra;
    const float f_orig = f0;
    const EnergyParts parts_orig = cur;
    for (int i = 0; i < np; ++i) s.x_orig[i] = pose[i];
    for (int i = 0; i < n; ++i) s.g_orig[i] = s.g[i];
    set_diagonal(s.hessian, n, 1.0f);
    for (int step = 0; step < max_steps; ++step) {
        minus_hv(s.hessian, s.g, s.p, n);
        // Backtracking line search (Armijo, c = 1e-4, halving, 10 trials).
        const float pg = dotn(s.p, s.g, n);
        float alpha = 1.0f;
        if (step == 0) alpha = first_step_length(s.p, n);
        float f1 = 0;
        EnergyParts trial;
        bool decreased = false;
        for (int t = 0; t < 10 && !decreased; ++t) {
            pose_increment(nt, pose, s.p, alpha, s.x_new);
            trial = evaluate_pose(c, s.x_new, caps, s.g_new);
            f1 = trial.inter + trial.intra;
            decreased = f1 - f0 < 1e-4f * alpha * pg;
            if (!decreased) alpha *= 0.5f;
        }
        // No sufficient decrease even at alpha / 2^9: the pose sits at a minimum of the (piecewise trilinear,
        // single-precision) energy or on one of its kinks. Vina takes the step anyway and goes on; the further
        // iterations mostly repeat ten failing trials each (a quarter of all evaluations in a typical chain).
        if (!decreased) break;
        for (int i = 0; i < n; ++i) s.y[i] = s.g_new[i] - s.g[i];
        f0 = f1;
        cur = trial;
        for (int i = 0; i < np; ++i) pose[i] = s.x_new[i];
        for (int i = 0; i < n; ++i) s.g[i] = s.g_new[i];
        if (!(sqrtf(dotn(s.g, s.g, n)) >= 1e-5f)) break;
        const float yp = dotn(s.y, s.p, n);
        if (step == 0) {
            const float yy = dotn(s.y, s.y, n);
            if (fabsf(yy) > 1e-30f) set_diagonal(s.hessian, n, alpha * yp / yy);
        }
        // BFGS update of the inverse Hessian with s = alpha p.
        if (alpha * yp < 1e-30f) continue;
        minus_hv(s.hessian, s.y, s.hy, n);  // hy = -H y
        const float yhy = -dotn(s.y, s.hy, n);
        const float r = 1.0f / (alpha * yp);
        for (int i = 0; i < n; ++i)
            for (int j = i; j < n; ++j) {
                const float d = alpha * r * (s.hy[i] * s.p[j] + s.hy[j] * s.p[i]) +
                                alpha * alpha * (r * r * yhy + r) * s.p[i] * s.p[j];
                s.hessian[i * n + j] += d;
                if (j != i) s.hessian[j * n + i] += d;
            }
    }
    if (!(f0 <= f_orig)) {
        f0 = f_orig;
        cur = parts_orig;
        for (int i = 0; i < np; ++i) pose[i] = s.x_orig[i];
        for (int i = 0; i < n; ++i) s.g[i] = s.g_orig[i];
    }
    parts = cur;
    return f0;
}

}  // namespace vscreen
