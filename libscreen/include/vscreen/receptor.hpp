// A rigid receptor: the heavy atoms that are scored, with their XS types.
#pragma once

#include <string>
#include <vector>

#include "vscreen/math.hpp"

namespace vscreen {

/// Rigid receptor for scoring: heavy-atom coordinates and XS types (hydrogens only typed donors).
struct Receptor {
    std::string name;
    std::vector<Vec3> coords;          ///< scored (heavy) atoms
    std::vector<unsigned char> xs;     ///< XS type of each scored atom

    size_t size() const { return coords.size(); }
};

}  // namespace vscreen
