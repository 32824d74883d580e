// The complex (pocket + ligand pose) and the ligand alone as OpenMM systems: the two other systems of MM-GBSA.
#pragma once

#include <memory>
#include <vector>

#include "vscreen/refine/mmff_openmm.hpp"
#include "vscreen/refine/pocket.hpp"

namespace vscreen {

/// Pocket atoms first (0 .. n_receptor - 1), then the ligand's atoms in RDKit order.
struct ComplexSystem {
    std::unique_ptr<OpenMM::System> system;
    std::vector<OpenMM::Vec3> positions_nm;
    int n_receptor = 0;
    std::vector<int> restrained;             ///< complex indices of the restrained pocket atoms
    std::vector<double> ligand_charges;      ///< MMFF94 partial charges (e)
    std::vector<double> ligand_sigma_nm;     ///< LJ cross-term parameters from MMFF94's R*_ii and epsilon_ii
    std::vector<double> ligand_epsilon_kj;
};

/// Per-atom Lennard-Jones sigma (nm) and epsilon (kJ/mol) of the ligand for the cross terms with ff14SB: the
/// 12-6 potential whose minimum sits at MMFF94's R*_ii with MMFF94's depth epsilon_ii.
void mmff_lennard_jones(const MmffTerms& terms, std::vector<double>& sigma_nm, std::vector<double>& epsilon_kj);

/// The complex of `pocket` and conformer `conf_id` of `ligand` (all hydrogens explicit; `terms` its MMFF94
/// terms). Ligand internal energy: MMFF94 (groups refine_group::kMmff0..). Cross terms: Coulomb between ff14SB
/// and MMFF94 charges and LJ with Lorentz-Berthelot mixing, in the pocket's NonbondedForce (ligand-ligand pairs
/// excluded there). OBC2 over all atoms. Pocket heavy atoms farther than `restrain_beyond_angstrom` from every
/// ligand heavy atom are held to their start by springs of `restraint_k` kcal/mol/A^2 (group kRestraint).
ComplexSystem build_complex(const Pocket& pocket, const RDKit::ROMol& ligand, const MmffTerms& terms,
                            double restrain_beyond_angstrom = 6.0, double restraint_k = 10.0, int conf_id = -1);

/// The ligand alone: MMFF94 (groups kMmff0..) and OBC2 (group kGb); the E_ligand system of MM-GBSA.
std::unique_ptr<OpenMM::System> ligand_system(const RDKit::ROMol& ligand, const MmffTerms& terms);

}  // namespace vscreen
