// AutoDock 4 atom types: element, covalent radius and the XS typing rules built on them.
#pragma once

#include <string>

namespace vscreen {

/// Properties of an AutoDock atom type needed by Vina-family scoring.
struct AdTypeInfo {
    int element = 0;          ///< atomic number; 0 when unknown
    float covalent_radius = 0;///< A, for bond perception
    bool acceptor = false;    ///< NA or OA (X-Score ignores SA)
    bool heteroatom = false;  ///< not C, A or hydrogen
    bool metal = false;       ///< metal ion: XS donor Met_D
};

/// Looks up an AD type ("C", "A", "NA", "OA", "HD", "Zn", ...); returns false when unknown.
bool ad_type_info(const std::string& ad_type, AdTypeInfo& out);

/// Element symbol for an atomic number ("C", "Cl", ...).
std::string element_symbol(int z);

/// Atomic number of an element symbol (case-insensitive), 0 when unknown.
int element_from_symbol(const std::string& symbol);

/// Covalent radius of an element (A), for bond perception when no AD type is at hand.
float covalent_radius(int element);

}  // namespace vscreen
