// The analytic pose gradient (grid + intramolecular, through the torsion tree) matches finite differences.
#include <gtest/gtest.h>

#include <cmath>

#include "docking_fixture.hpp"
#include "test_helpers.hpp"
#include "vscreen/conformer.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/rng.hpp"
#include "vscreen/scoring.hpp"
#include "vscreen/workspace.hpp"

using namespace vscreen;

using Fixture = DockingFixture;

TEST(Kinematics, ReferencePoseReproducesInputCoordinates) {
    Fixture f;
    const auto coords = f.model.coordinates(f.model.reference_pose());
    ASSERT_EQ(coords.size(), f.ligand.atoms.size());
    for (size_t i = 0; i < coords.size(); ++i) EXPECT_LT(norm(coords[i] - f.ligand.atoms[i].coords), 1e-4f) << i;
}

TEST(Kinematics, TorsionKeepsBondLengths) {
    Fixture f;
    std::vector<float> pose = f.model.reference_pose();
    for (int t = 0; t < f.ligand.num_torsions(); ++t) pose[7 + t] = 0.7f * (t + 1);
    const auto a = f.model.coordinates(f.model.reference_pose());
    const auto b = f.model.coordinates(pose);
    for (const auto& bond : f.ligand.bonds)
        EXPECT_NEAR(norm(a[bond[0]] - a[bond[1]]), norm(b[bond[0]] - b[bond[1]]), 1e-4);
}

TEST(Gradient, MatchesFiniteDifferences) {
    Fixture f;
    const LigandView L = f.model.view();
    std::vector<float> pose = f.model.reference_pose();
    pose[0] += 0.31f;
    pose[1] -= 0.17f;
    const Quat q = quat_increment(Quat{}, make_vec3(0.05f, -0.08f, 0.03f));
    pose[3] = q.w; pose[4] = q.x; pose[5] = q.y; pose[6] = q.z;
    for (int t = 0; t < L.num_torsions(); ++t) pose[7 + t] = 0.05f * (t % 3 - 1);
    const EnergyCaps caps;  // no effective cap
    std::vector<float> grad(L.change_size());
    evaluate_pose(f.ctx, pose.data(), caps, grad.data());
    const float h = 1e-3f;
    std::vector<float> change(L.change_size()), plus(L.pose_size()), minus(L.pose_size());
    for (int i = 0; i < L.change_size(); ++i) {
        std::fill(change.begin(), change.end(), 0.0f);
        change[i] = 1.0f;
        pose_increment(L.num_torsions(), pose.data(), change.data(), h, plus.data());
        pose_increment(L.num_torsions(), pose.data(), change.data(), -h, minus.data());
        const EnergyParts ep = evaluate_pose(f.ctx, plus.data(), caps, nullptr);
        const EnergyParts em = evaluate_pose(f.ctx, minus.data(), caps, nullptr);
        const double fd = ((ep.inter + ep.intra) - (em.inter + em.intra)) / (2.0 * h);
        EXPECT_NEAR(grad[i], fd, 0.05 + 0.03 * std::fabs(fd)) << "component " << i;
    }
}

TEST(Grid, MapValuesEqualExactEnergyAtGridPoints) {
    Fixture f;
    const GridView g = f.maps.view();
    const ExactScorer exact(f.receptor, f.sf);
    Rng rng = Rng::for_chain(3, 0, 0);
    int checked = 0;
    for (int i = 0; i < 300; ++i) {
        const Vec3 p = g.origin + g.spacing * make_vec3(static_cast<float>(rng.below(g.dims[0])),
                                                        static_cast<float>(rng.below(g.dims[1])),
                                                        static_cast<float>(rng.below(g.dims[2])));
        for (unsigned char xs : {static_cast<unsigned char>(kXsC_H), static_cast<unsigned char>(kXsO_A)}) {
            const double e = exact.inter(&p, &xs, 1, nullptr);
            if (e > 1.0) continue;  // exact scoring caps large clashes (curl); maps store raw sums
            Vec3 grad;
            EXPECT_NEAR(g.eval(g.map_of_type[xs], p, 1e30f, grad), e, 0.01) << "point " << i;
            ++checked;
        }
    }
    EXPECT_GT(checked, 50);  // most random grid points lie inside the protein
}

TEST(Grid, CrystalPoseGridEnergyCloseToExact) {
    Fixture f;
    const EnergyParts e = evaluate_pose(f.ctx, f.model.reference_pose().data(), EnergyCaps{}, nullptr);
    // Trilinear interpolation smooths the steep contacts of a crystal pose: within 10% of Vina's -17.634.
    EXPECT_NEAR(e.inter, -17.634, 1.8);
}

TEST(Grid, PenaltyPullsAtomsBackIntoTheBox) {
    Fixture f;
    const GridView g = f.maps.view();
    Vec3 grad;
    const Vec3 outside = f.box.upper() + make_vec3(1.0f, 0, 0);
    const float e = g.eval(g.map_of_type[kXsC_H], outside, 1000.0f, grad);
    EXPECT_GT(e, 1e5f);
    EXPECT_GT(grad.x, 1e5f);
}

TEST(Kinematics, RandomizedConformerKeepsGeometryAndMovesAtoms) {
    Fixture f;
    const Ligand r = randomized_conformer(f.ligand, 5, make_vec3(1, 2, 3));
    const auto a = reference_coords(f.ligand), b = reference_coords(r);
    for (const auto& bond : f.ligand.bonds)
        EXPECT_NEAR(norm(a[bond[0]] - a[bond[1]]), norm(b[bond[0]] - b[bond[1]]), 1e-3);
    EXPECT_GT(rmsd_heavy(f.ligand, a, b), 2.0f);
    const Ligand again = randomized_conformer(f.ligand, 5, make_vec3(1, 2, 3));
    EXPECT_EQ(reference_coords(again)[7].x, b[7].x);  // seeded
}
