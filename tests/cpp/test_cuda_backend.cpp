// CPU and CUDA back-ends agree: pose energies to 1e-4 relative, 1IEP redocking top-1 within 1 A; same seed, same GPU result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
