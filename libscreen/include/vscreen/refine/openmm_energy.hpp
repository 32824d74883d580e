// OpenMM plumbing shared by the refinement's C++ side: platforms by name, RDKit conformers as positions, energies.
#pragma once

#include <string>
#include <vector>

#include "vscreen/error.hpp"

namespace RDKit {
class ROMol;
}
namespace OpenMM {
class Platform;
class System;
class Vec3;
}

namespace vscreen {

/// The OpenMM platform of that name, the plugin platforms (CPU, CUDA) loaded on first use; InputError names the
/// platforms available when it is absent.
OpenMM::Platform& openmm_platform(const std::string& name);

/// Coordinates of conformer `conf_id` of `mol` in nm (OpenMM's unit); InputError when it has no conformer.
std::vector<OpenMM::Vec3> conformer_positions_nm(const RDKit::ROMol& mol, int conf_id = -1);

/// Potential energies (kcal/mol) of `system` at `positions` on the named platform, one per entry of
/// `group_masks` (bit g set = force group g counted; -1 = every group). OpenMM failures become vscreen::Error.
std::vector<double> potential_energies_kcal(const OpenMM::System& system, const std::vector<OpenMM::Vec3>& positions,
                                            const std::string& platform, const std::vector<int>& group_masks = {-1});

}  // namespace vscreen
