// Scores agree with AutoDock Vina 1.2.3 --score_only on crystal poses (reference values in vina_reference.json).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "test_helpers.hpp"
#include "vscreen/atom_type.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/scoring.hpp"

using namespace vscreen;

namespace {
struct Case {
    const char* receptor;
    const char* ligand;
    ScoringKind kind;
    double affinity, inter;  // AutoDock Vina 1.2.3 --score_only
};
const Case kCases[] = {
    {"1iep_receptor.pdbqt", "1iep_ligand.pdbqt", ScoringKind::Vina, -12.513, -17.634},
    {"1iep_receptor.pdbqt", "1iep_ligand.pdbqt", ScoringKind::Vinardo, -9.180, -12.936},
    {"1s63_receptor.pdbqt", "1s63_ligand.pdbqt", ScoringKind::Vina, -8.266, -11.166},
    {"1s63_receptor.pdbqt", "1s63_ligand.pdbqt", ScoringKind::Vinardo, -6.119, -8.266},
};
}  // namespace

class VinaAgreement : public ::testing::TestWithParam<Case> {};

TEST_P(VinaAgreement, AffinityAndInterWithin005) {
    const Case& c = GetParam();
    const Receptor r = read_receptor_pdbqt_file(data_path(c.receptor));
    const Ligand l = read_ligand_pdbqt_file(data_path(c.ligand));
    const ExactScorer scorer(r, ScoringFunction::make(c.kind));
    const PoseScore s = score_pose(scorer, l, reference_coords(l));
    EXPECT_NEAR(s.affinity, c.affinity, 0.05) << c.ligand << " " << scoring_kind_name(c.kind);
    EXPECT_NEAR(s.inter, c.inter, 0.05);
    double sum = 0;
    for (double t : s.terms) sum += t;
    EXPECT_NEAR(sum, s.inter, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(CrystalPoses, VinaAgreement, ::testing::ValuesIn(kCases));

TEST(Scoring, ImatinibTypesAndRotorsAsVina) {
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    EXPECT_EQ(l.num_heavy_atoms(), 37);
    EXPECT_FLOAT_EQ(l.num_rotors, 7.0f);  // Vina's Nrot for imatinib: (-18.649)/( -13.234) = 1 + 0.05846 * 7
    std::map<int, int> count;
    for (const auto& a : l.atoms) count[a.xs]++;
    EXPECT_EQ(count[kXsN_D], 3);   // amide NH, aniline NH, piperazinium NH+
    EXPECT_EQ(count[kXsO_A], 1);   // carbonyl oxygen
    EXPECT_EQ(count[kXsN_A], 4);   // pyridine, two pyrimidine N, tertiary piperazine N (typed NA)
    EXPECT_GT(count[kXsC_H], count[kXsC_P]);
}

TEST(Scoring, PairTableFollowsAnalyticFunction) {
    const ScoringFunction sf = ScoringFunction::make(ScoringKind::Vina);
    const PairTable table(sf);
    const PairTableView v = table.view();
    for (float r = 2.0f; r < 7.9f; r += 0.173f) {
        const int p = xs_pair_index(kXsC_H, kXsO_A);
        EXPECT_NEAR(v.energy(p, r * r), sf.pair_energy(kXsC_H, kXsO_A, r), 2e-3) << "r=" << r;
        const int h = xs_pair_index(kXsN_D, kXsO_A);
        EXPECT_NEAR(v.energy(h, r * r), sf.pair_energy(kXsN_D, kXsO_A, r), 2e-3) << "r=" << r;
    }
    EXPECT_EQ(v.energy(xs_pair_index(kXsC_H, kXsC_H), 64.5f), 0.0f);
}

TEST(Scoring, TermsFollowScienceDefinitions) {
    const ScoringFunction sf = ScoringFunction::make(ScoringKind::Vina);
    float t[kTermCount];
    // Two hydrophobic carbons at surface distance 0: gauss1 = 1, hydrophobic = 1, no repulsion.
    sf.terms(kXsC_H, kXsC_H, 3.8f, t);
    EXPECT_NEAR(t[0], 1.0f, 1e-6);
    EXPECT_NEAR(t[1], std::exp(-2.25f), 1e-6);
    EXPECT_EQ(t[2], 0.0f);
    EXPECT_EQ(t[3], 1.0f);
    EXPECT_EQ(t[4], 0.0f);
    // Donor-acceptor at d = -0.35: half an H-bond, repulsion d^2.
    sf.terms(kXsN_D, kXsO_A, 3.5f - 0.35f, t);
    EXPECT_NEAR(t[4], 0.5f, 1e-5);
    EXPECT_NEAR(t[2], 0.35f * 0.35f, 1e-5);
    EXPECT_EQ(t[3], 0.0f);
    // Nothing past the cutoff.
    sf.terms(kXsC_H, kXsC_H, 8.0f, t);
    for (float v : t) EXPECT_EQ(v, 0.0f);
}
