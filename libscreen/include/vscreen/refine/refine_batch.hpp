// A batch of poses against one receptor: one pocket for all, worker threads, each failure recorded with its reason.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vscreen/refine/pose_refiner.hpp"

namespace vscreen {

/// The outcome of one pose of a batch: the refined pose, or the stage and reason of its failure.
struct PoseOutcome {
    bool ok = false;
    std::string stage;   ///< on failure: "input", "parameterise" (MMFF94 typing) or "refine" (OpenMM, minimiser)
    std::string error;   ///< on failure: the reason
    RefinedPose pose;    ///< when ok
    double seconds = 0;  ///< wall time of this pose
};

/// The pocket of a batch: whole residues within `radius_angstrom` of any heavy atom of any pose (null poses and
/// poses without a conformer are skipped); InputError when no pose has coordinates.
Pocket batch_pocket(std::shared_ptr<const ReceptorModel> receptor, const std::vector<const RDKit::ROMol*>& poses,
                    double radius_angstrom);

/// Refines every pose (all hydrogens explicit, receptor frame) in the pocket of the whole batch, so the poses'
/// energies compare. `workers` threads (0 = hardware concurrency), each with its own PoseRefiner; the outcome of a
/// pose does not depend on the number of workers. A pose that fails is recorded and the others go on; only
/// failures that concern the whole batch (no pose with coordinates, no such platform) throw.
std::vector<PoseOutcome> refine_batch(std::shared_ptr<const ReceptorModel> receptor,
                                      const std::vector<const RDKit::ROMol*>& poses, const RefineSettings& settings,
                                      int workers = 0);

}  // namespace vscreen
