// The shared per-point grid math (grid_point.hpp, which the CUDA builder runs too) gives the CPU grid's values, and
// its candidate filter drops no receptor atom that reaches a point.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_helpers.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/grid_point.hpp"
#include "vscreen/pdbqt.hpp"

using namespace vscreen;

namespace {

struct Site {
    Receptor receptor = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    Ligand ligand = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    PairTable table{ScoringFunction::make(ScoringKind::Vina)};
    Box box;
    std::vector<bool> types = std::vector<bool>(kXsCount, false);
    std::vector<int> map_types;
    Site() {
        box.center = make_vec3(15.190f, 53.903f, 16.917f);
        box.size = make_vec3(9.0f, 7.5f, 8.0f);
        for (const auto& a : ligand.atoms)
            if (a.xs != kXsNone) types[a.xs] = true;
        for (int t = 0; t < kXsCount; ++t)
            if (types[t]) map_types.push_back(t);
    }
};

}  // namespace

TEST(GridPoint, PerPointFunctionGivesTheCpuGridValuesBitForBit) {
    const Site s;
    const GridMaps maps(s.receptor, s.table, s.box, s.types, 0.375f, 1);
    const GridView v = maps.view();
    const GridView layout = grid_layout(s.box, 0.375f);
    ASSERT_EQ(layout.dims[0], v.dims[0]);
    ASSERT_EQ(layout.points(), v.points());
    const GridAtoms near = grid_atoms(s.receptor, layout);
    const std::vector<int> pair_of = grid_pair_index(s.map_types);
    const int nmaps = static_cast<int>(s.map_types.size());
    const int n = static_cast<int>(near.coords.size());
    std::vector<int> cand(n);
    std::vector<float> dyz2(n);
    std::vector<double> acc(nmaps);
    long nonzero = 0, compared = 0;
    for (int iz = 0; iz < v.dims[2]; ++iz)
        for (int iy = 0; iy < v.dims[1]; ++iy) {
            const int ncand = grid_row_candidates(grid_row(layout, iy, iz), near.coords.data(), n, cand.data(), dyz2.data());
            for (int ix = 0; ix < v.dims[0]; ++ix) {
                grid_point_energies(s.table.view(), pair_of.data(), nmaps, near.coords.data(), near.xs.data(),
                                    cand.data(), dyz2.data(), ncand, grid_point_x(layout, ix), acc.data());
                const long p = (static_cast<long>(iz) * v.dims[1] + iy) * v.dims[0] + ix;
                for (int m = 0; m < nmaps; ++m) {
                    const float cpu = maps.data()[m * v.points() + p];
                    ASSERT_EQ(static_cast<float>(acc[m]), cpu) << "map " << m << " point " << ix << " " << iy << " " << iz;
                    nonzero += cpu != 0.0f;
                    ++compared;
                }
            }
        }
    EXPECT_GT(nonzero, compared / 2);  // the box lies in the pocket: the maps are not empty
}

TEST(GridPoint, CandidateFilterKeepsEveryAtomThatReachesAPoint) {
    // Sum over every receptor atom (no grid_atoms cut, no row filter) at a sample of points: the same energies.
    const Site s;
    const GridMaps maps(s.receptor, s.table, s.box, s.types, 0.375f, 1);
    const GridView v = maps.view();
    const PairTableView tv = s.table.view();
    int checked = 0;
    for (int iz = 0; iz < v.dims[2]; iz += 5)
        for (int iy = 0; iy < v.dims[1]; iy += 4)
            for (int ix = 0; ix < v.dims[0]; ix += 3) {
                const Vec3 p = v.origin + v.spacing * make_vec3(static_cast<float>(ix), static_cast<float>(iy),
                                                                 static_cast<float>(iz));
                for (size_t m = 0; m < s.map_types.size(); ++m) {
                    double e = 0;
                    for (size_t a = 0; a < s.receptor.size(); ++a) {
                        const float r2 = norm_sqr(s.receptor.coords[a] - p);
                        if (r2 < kCutoffSqr) e += tv.energy(xs_pair_index(s.map_types[m], s.receptor.xs[a]), r2);
                    }
                    const long q = (static_cast<long>(iz) * v.dims[1] + iy) * v.dims[0] + ix;
                    const float cpu = maps.data()[m * v.points() + q];
                    EXPECT_NEAR(cpu, e, 1e-4 * std::max(1.0, std::fabs(e))) << "map " << m << " point " << q;
                    ++checked;
                }
            }
    EXPECT_GT(checked, 100);
}

TEST(GridPoint, LayoutCentresTheGridOnTheBox) {
    Box box;
    box.center = make_vec3(1, 2, 3);
    box.size = make_vec3(3.0f, 1.5f, 0.1f);
    const GridView v = grid_layout(box, 0.375f);
    EXPECT_EQ(v.dims[0], 9);
    EXPECT_EQ(v.dims[1], 5);
    EXPECT_EQ(v.dims[2], 2);
    EXPECT_FLOAT_EQ(v.origin.x + 0.5f * 0.375f * (v.dims[0] - 1), 1.0f);
    EXPECT_FLOAT_EQ(v.origin.z + 0.5f * 0.375f * (v.dims[2] - 1), 3.0f);
    for (int t = 0; t < kXsCount; ++t) EXPECT_EQ(v.map_of_type[t], -1);
    EXPECT_THROW(grid_layout(box, 0.0f), InputError);
}
