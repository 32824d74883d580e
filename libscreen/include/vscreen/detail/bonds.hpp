// Covalent bond perception from distances (Vina's rule: r < 1.1 * sum of covalent radii).
#pragma once

#include <array>
#include <vector>

#include "vscreen/ligand.hpp"

namespace vscreen::detail {

/// Bonds among the atoms listed in `members` (indices into atoms), found by distance on a cell grid.
std::vector<std::array<int, 2>> bonds_by_distance(const std::vector<LigandAtom>& atoms, const std::vector<int>& members);

}  // namespace vscreen::detail
