// The local optimiser: never returns a worse pose, keeps starts inside the box in it and brings outside ones back.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "docking_fixture.hpp"
#include "test_helpers.hpp"
#include "vscreen/bfgs.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/workspace.hpp"

using namespace vscreen;

using Fixture = DockingFixture;

// Starts as the Monte Carlo search makes them: the crystal pose with one random mutation, most of them clashing
// with the receptor or with the ligand itself. Vina's first BFGS step (alpha = 1 along -g with an identity
// Hessian) moves a clashing pose by the size of its gradient, up to thousands of A, and the out-of-box penalty
// then dominates; the bounded first step keeps every minimised pose inside the box.
TEST(Bfgs, ClashingStartsStayInTheBoxAndNeverGetWorse) {
    Fixture f;
    const LigandView L = f.model.view();
    const int local_steps = vina_local_steps(L);
    Rng rng = Rng::for_chain(11, 0, 0);
    EnergyParts parts;
    int clashing = 0, inside = 0;
    for (int k = 0; k < 300; ++k) {
        std::vector<float> pose = f.model.reference_pose();
        mutate_pose(L, f.mc, rng, pose.data());
        const float start = f.energy(pose.data(), f.mc.hunt);
        if (start > 0 && start < 1000.0f) ++clashing;
        const float end = bfgs_minimize(f.ctx, pose.data(), f.mc.hunt, local_steps, f.s.bfgs, parts);
        EXPECT_LE(end, start) << "start " << k;
        EXPECT_FLOAT_EQ(end, f.energy(pose.data(), f.mc.hunt)) << "start " << k;
        EXPECT_FLOAT_EQ(end, parts.inter + parts.intra) << "start " << k;
        // An atom 0.01 A outside the grid costs more than 1000 (penalty slope 1e6 per grid unit): a start inside
        // the box must end inside it.
        if (start < 1000.0f) {
            ++inside;
            EXPECT_LT(end, 1000.0f) << "start " << k << " was thrown out of the box (from " << start << ")";
        }
    }
    EXPECT_GT(inside, 200);
    EXPECT_GT(clashing, 30);  // the starts do exercise the clash case
}

// A translation mutation near the edge of the box puts atoms outside it, where the penalty gradient is 1e6 per
// grid unit: the bounded first step brings such starts back instead of throwing them across the box.
TEST(Bfgs, StartsOutsideTheBoxAreBroughtBack) {
    Fixture f;
    const LigandView L = f.model.view();
    Rng rng = Rng::for_chain(12, 0, 0);
    EnergyParts parts;
    int outside = 0, back = 0;
    for (int k = 0; k < 2000 && outside < 100; ++k) {
        std::vector<float> pose = f.model.reference_pose();
        const Vec3 d = 4.0f * rng.in_unit_sphere();
        pose[0] += d.x; pose[1] += d.y; pose[2] += d.z;
        if (f.energy(pose.data(), f.mc.hunt) < 1000.0f) continue;
        ++outside;
        if (bfgs_minimize(f.ctx, pose.data(), f.mc.hunt, vina_local_steps(L), f.s.bfgs, parts) < 1000.0f) ++back;
    }
    ASSERT_EQ(outside, 100);
    EXPECT_GE(back, 90);
}
