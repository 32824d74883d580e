// Throughput of the scoring kernel: energy+gradient evaluations per second on fixed poses, and BFGS runs.
//
// usage: eval_throughput RECEPTOR.pdbqt LIGAND.pdbqt CX CY CZ [SIZE] [REPEATS] [POSES.bin]
// The poses are local minima from random starts within 3 A of the centre (seed 1), so the workload is the same from build to build;
// the printed checksum (sum of energies) shows whether a change altered the numbers. With POSES.bin the poses
// are read from that file when it exists (and written to it otherwise), so that builds whose arithmetic differs
// still evaluate the same poses.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "vscreen/bfgs.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/workspace.hpp"

using namespace vscreen;

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s RECEPTOR.pdbqt LIGAND.pdbqt CX CY CZ [SIZE] [REPEATS] [POSES.bin]\n", argv[0]);
        return 2;
    }
    const Receptor receptor = read_receptor_pdbqt_file(argv[1]);
    const Ligand ligand = read_ligand_pdbqt_file(argv[2]);
    Box box;
    box.center = make_vec3(std::atof(argv[3]), std::atof(argv[4]), std::atof(argv[5]));
    const float edge = argc > 6 ? static_cast<float>(std::atof(argv[6])) : 22.5f;
    box.size = make_vec3(edge, edge, edge);
    const int repeats = argc > 7 ? std::atoi(argv[7]) : 50;

    const ScoringFunction sf = ScoringFunction::make(ScoringKind::Vina);
    const PairTable table(sf);
    const LigandModel model(ligand);
    std::vector<bool> types(kXsCount, false);
    for (const auto& a : ligand.atoms)
        if (a.xs != kXsNone) types[a.xs] = true;
    const GridMaps maps(receptor, table, box, types);
    const LigandView L = model.view();
    std::vector<float> buf(chain_scratch_floats(L));
    ChainScratch s = make_chain_scratch(L, buf.data());
    EnergyContext ctx = make_energy_context(L, maps.view(), table.view(), s);
    MonteCarloParams mc;
    const Vec3 near = make_vec3(3, 3, 3);  // starts near the centre, so that the minima lie inside the box
    mc.box_lower = box.center - near;
    mc.box_upper = box.center + near;
    const int np = L.pose_size(), nc = L.change_size();
    const int count = 1000;
    std::vector<float> poses(static_cast<size_t>(count) * np);
    Rng rng = Rng::for_chain(1, 0, 0);
    EnergyParts parts;
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    double bfgs_sum = 0;
    const char* poses_path = argc > 8 ? argv[8] : nullptr;
    std::ifstream saved;
    if (poses_path) saved.open(poses_path, std::ios::binary);
    const bool reuse = saved.is_open();
    if (reuse) saved.read(reinterpret_cast<char*>(poses.data()), static_cast<std::streamsize>(poses.size() * sizeof(float)));
    for (int k = 0; k < count && !reuse; ++k) {
        float* p = &poses[static_cast<size_t>(k) * np];
        random_pose(L, mc, rng, p);
        bfgs_sum += bfgs_minimize(ctx, p, mc.hunt, 300, s.bfgs, parts);
    }
    const double bfgs_s = std::chrono::duration<double>(clock::now() - t0).count();
    if (poses_path && !reuse)
        std::ofstream(poses_path, std::ios::binary)
            .write(reinterpret_cast<const char*>(poses.data()), static_cast<std::streamsize>(poses.size() * sizeof(float)));
    std::vector<float> grad(nc);
    double sum = 0;
    const auto t1 = clock::now();
    for (int r = 0; r < repeats; ++r)
        for (int k = 0; k < count; ++k) {
            const EnergyParts e = evaluate_pose(ctx, &poses[static_cast<size_t>(k) * np], mc.hunt, grad.data());
            sum += e.inter + e.intra;
        }
    const double eval_s = std::chrono::duration<double>(clock::now() - t1).count();
    const long evals = static_cast<long>(repeats) * count;
    // The Monte Carlo step's work: mutate a minimum, minimise it for Vina's local step count.
    std::vector<float> candidate(np);
    Rng mutations = Rng::for_chain(2, 0, 0);
    std::vector<float> step_energies;
    const int local_steps = vina_local_steps(L);
    long evaluations = 0;
    ctx.evaluations = &evaluations;
    const auto t2 = clock::now();
    for (int r = 0; r < 5; ++r)
        for (int k = 0; k < count; ++k) {
            for (int i = 0; i < np; ++i) candidate[i] = poses[static_cast<size_t>(k) * np + i];
            mutate_pose(L, mc, mutations, candidate.data());
            const float e = bfgs_minimize(ctx, candidate.data(), mc.hunt, local_steps, s.bfgs, parts);
            step_energies.push_back(e);
        }
    const double step_s = std::chrono::duration<double>(clock::now() - t2).count();
    ctx.evaluations = nullptr;
    std::printf("ligand: %d atoms, %d heavy, %d torsions, %d intramolecular pairs\n", L.num_atoms, L.num_heavy,
                L.num_torsions(), L.num_pairs);
    if (!reuse) std::printf("BFGS (300 steps) from %d random starts: %.3f s (%.1f us each), energy sum %.4f\n", count, bfgs_s,
                1e6 * bfgs_s / count, bfgs_sum);
    std::printf("evaluate_pose with gradient: %ld in %.3f s = %.0f ns each, checksum %.6f\n", evals, eval_s,
                1e9 * eval_s / evals, sum / repeats);
    std::sort(step_energies.begin(), step_energies.end());
    std::printf("Monte Carlo step energies: 10th percentile %.4f, median %.4f\n", step_energies[step_energies.size() / 10],
                step_energies[step_energies.size() / 2]);
    std::printf("Monte Carlo steps (mutate + at most %d BFGS iterations): %d in %.3f s = %.1f us each, "
                "%.1f energy evaluations each\n",
                local_steps, 5 * count, step_s, 1e6 * step_s / (5 * count), static_cast<double>(evaluations) / (5 * count));
    return 0;
}
