// Shared helpers of the C++ tests: test data paths and reference coordinates of a ligand.
#pragma once

#include <string>
#include <vector>

#include "vscreen/ligand.hpp"

inline std::string data_path(const std::string& name) { return std::string(VSCREEN_TEST_DATA) + "/" + name; }

inline std::vector<vscreen::Vec3> reference_coords(const vscreen::Ligand& lig) {
    std::vector<vscreen::Vec3> c;
    for (const auto& a : lig.atoms) c.push_back(a.coords);
    return c;
}
