// Search presets and the stall stop: names, the efforts they set, DockingSettings' defaults, chains that stop early.
#include <gtest/gtest.h>

#include "test_helpers.hpp"
#include "vscreen/cpu_backend.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/error.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/search_preset.hpp"

using namespace vscreen;

TEST(SearchPreset, NamesRoundTripAndUnknownNamesAreInputErrors) {
    for (const SearchPreset p : kSearchPresets)
        EXPECT_EQ(parse_search_preset(search_preset_name(p)), p);
    EXPECT_THROW(parse_search_preset("turbo"), InputError);
}

TEST(SearchPreset, EffortGrowsFromFastToDetail) {
    const auto cost = [](SearchPreset p) {
        const SearchEffort e = search_effort(p);
        return e.exhaustiveness * e.search_scale;
    };
    EXPECT_LT(cost(SearchPreset::Fast), cost(SearchPreset::Balanced));
    EXPECT_LT(cost(SearchPreset::Balanced), cost(SearchPreset::Detail));
}

TEST(SearchPreset, DockingSettingsDefaultsAreTheDefaultPreset) {
    const DockingSettings plain;
    DockingSettings preset;
    preset.exhaustiveness = 1;
    preset.search_scale = 7;
    preset.stall_fraction = 0.5f;
    apply_search_preset(preset, kDefaultSearchPreset);
    EXPECT_EQ(plain.exhaustiveness, preset.exhaustiveness);
    EXPECT_EQ(plain.search_scale, preset.search_scale);
    EXPECT_EQ(plain.stall_fraction, preset.stall_fraction);
}

namespace {
DockingSettings imatinib_box(float stall_fraction) {
    DockingSettings s;
    s.box.center = make_vec3(15.190f, 53.903f, 16.917f);
    s.box.size = make_vec3(20, 20, 20);
    s.exhaustiveness = 2;
    s.search_scale = 0.05f;
    s.seed = 5;
    s.stall_fraction = stall_fraction;
    return s;
}
}  // namespace

TEST(StallStop, ChainsWithoutProgressStopEarlyAndStayDeterministic) {
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    CpuBackend one(1), two(2);
    const DockingResult full = dock(r, {l}, imatinib_box(0), one)[0];
    const DockingResult stalled = dock(r, {l}, imatinib_box(0.02f), one)[0];
    EXPECT_LT(stalled.evaluations, full.evaluations);  // 2 % of the steps without a new best ends a chain
    ASSERT_FALSE(stalled.modes.empty());
    const DockingResult again = dock(r, {l}, imatinib_box(0.02f), two)[0];
    EXPECT_EQ(again.evaluations, stalled.evaluations);
    EXPECT_EQ(again.modes[0].affinity, stalled.modes[0].affinity);
    // A stall window as long as the chain changes nothing.
    const DockingResult whole = dock(r, {l}, imatinib_box(1.0f), one)[0];
    EXPECT_EQ(whole.evaluations, full.evaluations);
    EXPECT_EQ(whole.modes[0].affinity, full.modes[0].affinity);
}

TEST(StallStop, RejectsFractionsOutsideZeroToOne) {
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    CpuBackend one(1);
    EXPECT_THROW(dock(r, {l}, imatinib_box(-0.1f), one), InputError);
    EXPECT_THROW(dock(r, {l}, imatinib_box(1.5f), one), InputError);
}
