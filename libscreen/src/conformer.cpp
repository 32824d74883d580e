// Random conformers through the torsion-tree kinematics: draw a pose, place atoms and riders there.
#include "vscreen/conformer.hpp"

#include "vscreen/ligand_model.hpp"
#include "vscreen/monte_carlo.hpp"

namespace vscreen {

Ligand randomized_conformer(const Ligand& ligand, std::uint64_t seed, Vec3 center) {
    const LigandModel model(ligand);
    MonteCarloParams mc;
    mc.box_lower = center;
    mc.box_upper = center;
    Rng rng = Rng::for_chain(seed, 0, 0);
    std::vector<float> pose(model.view().pose_size());
    random_pose(model.view(), mc, rng, pose.data());
    pose[0] = center.x;
    pose[1] = center.y;
    pose[2] = center.z;
    const std::vector<Vec3> atoms = model.coordinates(pose);
    const std::vector<Vec3> riders = model.rider_coordinates(pose);
    Ligand out = ligand;
    for (size_t i = 0; i < atoms.size(); ++i) out.atoms[i].coords = atoms[i];
    for (size_t i = 0; i < riders.size(); ++i) out.riders[i].coords = riders[i];
    return out;
}

}  // namespace vscreen
