// CPU and CUDA back-ends agree: pose energies to 1e-4 relative, 1IEP redocking top-1 within 1 A; same seed, same GPU result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "test_helpers.hpp"
#include "vscreen/cpu_backend.hpp"
#include "vscreen/cuda_backend.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/rng.hpp"

using namespace vscreen;

namespace {
bool have_gpu() { return cuda_device_count() > 0; }
DockingSettings imatinib_box() {
    DockingSettings s;
    s.box.center = make_vec3(15.190f, 53.903f, 16.917f);
    s.box.size = make_vec3(20, 20, 20);
    return s;
}
}  // namespace

TEST(Cuda, RegistersAndReportsAvailability) {
    register_cuda_backend();
    const auto names = available_backends();
    const bool listed = std::find(names.begin(), names.end(), "cuda") != names.end();
    EXPECT_EQ(listed, have_gpu());
    if (!have_gpu()) EXPECT_THROW(make_backend("cuda"), DeviceError);
}

TEST(Cuda, PoseEnergiesMatchCpu) {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    const ScoringFunction sf = ScoringFunction::make(ScoringKind::Vina);
    const PairTable table(sf);
    const LigandModel model(l);
    std::vector<bool> types(kXsCount, false);
    for (const auto& a : l.atoms)
        if (a.xs != kXsNone) types[a.xs] = true;
    const DockingSettings s = imatinib_box();
    const GridMaps maps(r, table, s.box, types);
    const MonteCarloParams mc{0, 0, 1.2f, 2.0f, 1.0f, s.box.lower(), s.box.upper()};
    Rng rng = Rng::for_chain(11, 0, 0);
    std::vector<std::vector<float>> poses{model.reference_pose()};
    for (int i = 0; i < 64; ++i) {
        std::vector<float> p(model.view().pose_size());
        random_pose(model.view(), mc, rng, p.data());
        poses.push_back(p);
    }
    const auto gpu = cuda_pose_energies(0, maps.view(), table, model, poses, EnergyCaps{});
    std::vector<float> buf(chain_scratch_floats(model.view()));
    ChainScratch sc = make_chain_scratch(model.view(), buf.data());
    EnergyContext ctx = make_energy_context(model.view(), maps.view(), table.view(), sc);
    for (size_t i = 0; i < poses.size(); ++i) {
        const EnergyParts cpu = evaluate_pose(ctx, poses[i].data(), EnergyCaps{}, nullptr);
        const float e_cpu = cpu.inter + cpu.intra, e_gpu = gpu[i].inter + gpu[i].intra;
        EXPECT_NEAR(e_gpu, e_cpu, 1e-4f * std::max(1.0f, std::fabs(e_cpu))) << "pose " << i;
    }
}

TEST(Cuda, RedockingTop1MatchesCpuAndIsDeterministic) {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
    register_cuda_backend();
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    DockingSettings s = imatinib_box();
    s.seed = 2024;
    CpuBackend cpu;
    auto gpu = make_backend("cuda:0");
    const auto a = dock(r, {l}, s, *gpu);
    const auto b = dock(r, {l}, s, *gpu);
    const auto c = dock(r, {l}, s, cpu);
    ASSERT_FALSE(a[0].modes.empty());
    EXPECT_LT(rmsd_heavy(l, reference_coords(l), a[0].modes[0].coords), 2.0f);
    EXPECT_LT(rmsd_heavy(l, c[0].modes[0].coords, a[0].modes[0].coords), 1.0f);
    ASSERT_EQ(a[0].modes.size(), b[0].modes.size());
    for (size_t i = 0; i < a[0].modes.size(); ++i) EXPECT_EQ(a[0].modes[i].affinity, b[0].modes[i].affinity);
}

namespace {
Ligand ligand_at(const std::string& name) { return read_ligand_pdbqt_file(data_path(name + "_ligand.pdbqt")); }
}  // namespace

TEST(Cuda, DeviceGridMapsEqualTheCpuMapsBitForBit) {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const PairTable table(ScoringFunction::make(ScoringKind::Vina));
    std::vector<bool> types(kXsCount, false);
    for (const auto& a : ligand_at("1iep").atoms)
        if (a.xs != kXsNone) types[a.xs] = true;
    const DockingSettings s = imatinib_box();
    const GridMaps cpu(r, table, s.box, types);
    const std::vector<float> gpu = cuda_grid_maps(0, r, table, s.box, types);
    ASSERT_EQ(gpu.size(), cpu.data().size());
    long differ = 0;
    for (size_t i = 0; i < gpu.size(); ++i) differ += gpu[i] != cpu.data()[i];
    EXPECT_EQ(differ, 0) << "of " << gpu.size() << " grid values";
}

// The warp kernel's results depend on the seed, the ligand's index and its chains only: the same ligands docked
// alone or with others, on the shared- or the global-memory variant, give the same modes; maps are built once per target.
TEST(Cuda, WarpSearchIndependentOfBatchAndVariantAndReportsIt) {
    if (!have_gpu()) GTEST_SKIP() << "no CUDA device on this machine";
    register_cuda_backend();
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    const Ligand a = ligand_at("1iep"), b = ligand_at("1s63");
    DockingSettings s = imatinib_box();
    s.seed = 7;
    s.exhaustiveness = 4;
    s.search_scale = 0.02f;
    auto gpu = make_backend("cuda:0");
    const auto pair = dock(r, {a, b}, s, *gpu);
    const auto one = dock(r, {a}, s, *gpu);
    const auto again = dock(r, {a, b}, s, *gpu);
    ASSERT_FALSE(pair[0].modes.empty());
    ASSERT_EQ(pair[0].modes.size(), one[0].modes.size());
    for (size_t i = 0; i < one[0].modes.size(); ++i) EXPECT_EQ(pair[0].modes[i].affinity, one[0].modes[i].affinity);
    for (int k = 0; k < 2; ++k) {
        ASSERT_EQ(pair[k].modes.size(), again[k].modes.size());
        for (size_t i = 0; i < pair[k].modes.size(); ++i) EXPECT_EQ(pair[k].modes[i].coords[0].x, again[k].modes[i].coords[0].x);
        EXPECT_EQ(pair[k].backend.rfind("cuda:0/warp-", 0), 0u) << pair[k].backend;
    }
    const SearchProfile p = gpu->profile();
    EXPECT_LE(p.grid_builds, 1);  // one target: the maps of both ligands' types once (0 if an earlier test built them)
    EXPECT_GE(p.grid_reuses, 2);
    EXPECT_GE(p.launches.size(), 3u);
    // Another back-end on the device (as the Python binding makes one per dock() call) finds the maps computed.
    auto other = make_backend("cuda:0");
    dock(r, {b}, s, *other);
    EXPECT_EQ(other->profile().grid_builds, 0);
    EXPECT_EQ(other->profile().grid_reuses, 1);
    setenv("VSCREEN_CUDA_SEARCH", "global", 1);
    auto global = make_backend("cuda:0");
    unsetenv("VSCREEN_CUDA_SEARCH");
    const auto g = dock(r, {a, b}, s, *global);
    for (int k = 0; k < 2; ++k) {
        EXPECT_EQ(g[k].backend, "cuda:0/warp-global");
        ASSERT_EQ(g[k].modes.size(), pair[k].modes.size());
        for (size_t i = 0; i < g[k].modes.size(); ++i) EXPECT_EQ(g[k].modes[i].affinity, pair[k].modes[i].affinity);
    }
}
