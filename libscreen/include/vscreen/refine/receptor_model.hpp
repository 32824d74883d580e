// An Amber ff14SB receptor for the C++ refinement: the OpenMM System the Python stage serialised, and its PDB.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openmm/Vec3.h>

#include "vscreen/refine/implicit_solvent.hpp"

namespace RDKit {
class ROMol;
}
namespace OpenMM {
class System;
}

namespace vscreen {

/// The whole receptor, parameterised once. OpenMM's force-field machinery (ForceField, residue templates) is
/// its Python app layer, so the System comes from `vscreen.refine.ReceptorModel.save_system` (or `vscreen refine
/// --export-system`); this side reads it with the PDB it was built from (same atoms, same order).
struct ReceptorModel {
    std::string pdb_path;
    std::shared_ptr<const OpenMM::System> system;  ///< ff14SB, no cutoff, no constraints
    std::vector<OpenMM::Vec3> positions_nm;
    std::vector<int> atomic_numbers;
    std::vector<int> residue_of;                   ///< residue index (0-based, file order) of each atom
    std::vector<double> charges;                   ///< e (the NonbondedForce's)
    std::vector<double> sigma_nm;
    std::vector<double> epsilon_kj;
    std::vector<GbParameters> obc2;                ///< mbondi2 radii and screening factors, bonds from the System

    int size() const { return static_cast<int>(positions_nm.size()); }
    bool heavy(int atom) const { return atomic_numbers[atom] > 1; }

    /// Reads the PDB (all hydrogens, e.g. prepare_receptor's pdb_out) and the System XML. InputError when a file
    /// is missing or unreadable, when their atom counts differ, or when the System has no NonbondedForce.
    static ReceptorModel load(const std::string& pdb_path, const std::string& system_xml_path);

    /// Sorted indices of the atoms of every residue with an atom within `radius_angstrom` of any of the points
    /// (nm); every atom for a radius <= 0.
    std::vector<int> pocket_atoms(const std::vector<OpenMM::Vec3>& points_nm, double radius_angstrom) const;
};

/// Heavy-atom coordinates (nm) of conformer `conf_id` of `mol`: the points pocket_atoms() takes from each pose.
std::vector<OpenMM::Vec3> heavy_atom_positions_nm(const RDKit::ROMol& mol, int conf_id = -1);

}  // namespace vscreen
