// Random conformers of a ligand (torsions, orientation, position) for redocking from a randomised start.
#pragma once

#include <cstdint>

#include "vscreen/ligand.hpp"

namespace vscreen {

/// A copy of `ligand` whose coordinates (atoms and riders) are a random pose of its torsion tree: uniform
/// torsions and orientation, root placed at `center`. Bond lengths, angles and ring shapes are kept.
Ligand randomized_conformer(const Ligand& ligand, std::uint64_t seed, Vec3 center);

}  // namespace vscreen
