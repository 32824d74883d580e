// refine_batch: the batch's pocket, worker threads pulling poses in order, failures recorded per pose.
#include "vscreen/refine/refine_batch.hpp"

#include <GraphMol/GraphMol.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

namespace vscreen {

Pocket batch_pocket(std::shared_ptr<const ReceptorModel> receptor, const std::vector<const RDKit::ROMol*>& poses,
                    double radius_angstrom) {
    if (!receptor) fail<InputError>("refine_batch: no receptor");
    std::vector<OpenMM::Vec3> points;
    for (const RDKit::ROMol* mol : poses) {
        if (!mol || mol->getNumConformers() == 0) continue;
        const std::vector<OpenMM::Vec3> heavy = heavy_atom_positions_nm(*mol);
        points.insert(points.end(), heavy.begin(), heavy.end());
    }
    if (points.empty()) fail<InputError>("refine_batch: no pose with coordinates");
    std::vector<int> atoms = receptor->pocket_atoms(points, radius_angstrom);
    return Pocket(std::move(receptor), std::move(atoms));
}

std::vector<PoseOutcome> refine_batch(std::shared_ptr<const ReceptorModel> receptor,
                                      const std::vector<const RDKit::ROMol*>& poses, const RefineSettings& settings,
                                      int workers) {
    const Pocket pocket = batch_pocket(receptor, poses, settings.pocket_radius);
    std::vector<PoseOutcome> out(poses.size());
    if (workers <= 0) workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    workers = std::max(1, std::min<int>(workers, static_cast<int>(poses.size())));
    // One refiner per worker, made up front so that a batch-wide failure (no such platform) throws here.
    std::vector<std::unique_ptr<PoseRefiner>> refiners;
    for (int w = 0; w < workers; ++w) refiners.push_back(std::make_unique<PoseRefiner>(pocket, settings));

    std::atomic<size_t> next{0};
    auto work = [&](PoseRefiner& refiner) {
        for (size_t i = next++; i < poses.size(); i = next++) {
            PoseOutcome& o = out[i];
            const auto t0 = std::chrono::steady_clock::now();
            try {
                if (!poses[i]) {
                    o.stage = "input";
                    o.error = "no molecule (unreadable record)";
                } else {
                    o.pose = refiner.refine(*poses[i]);
                    o.ok = true;
                }
            } catch (const LigandParameterError& e) {
                o.stage = "parameterise";
                o.error = e.what();
            } catch (const std::exception& e) {
                o.stage = "refine";
                o.error = e.what();
            }
            o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
    };
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w) threads.emplace_back(work, std::ref(*refiners[w]));
    work(*refiners[0]);
    for (auto& t : threads) t.join();
    return out;
}

}  // namespace vscreen
