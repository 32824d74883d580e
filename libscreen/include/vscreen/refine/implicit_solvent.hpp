// OBC2 implicit solvent for refinement: per-atom GB parameters as OpenMM assigns them, the force, E_ligand.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vscreen/error.hpp"

namespace RDKit {
class ROMol;
}
namespace OpenMM {
class GBSAOBCForce;
}

namespace vscreen {

/// GB parameters of one atom: intrinsic radius (nm) and descreening scale factor.
struct GbParameters {
    double radius_nm;
    double scale;
};

/// OBC2 (Amber igb=5) parameters of every atom of `mol` exactly as OpenMM's GBSAOBC2Force.getStandardParameters
/// (implicit/obc2.xml) assigns them from elements and bonds: mbondi2 radii (H on N 1.3 A, other H 1.2 A, C 1.7,
/// N 1.55, O 1.5, F 1.5, Si 2.1, P 1.85, S 1.8, Cl 1.7, others 1.5) and Amber's screening factors.
std::vector<GbParameters> obc2_parameters(const RDKit::ROMol& mol);

/// The same rules for atoms given by atomic number and bonds (atom index pairs, e.g. an Amber System's
/// HarmonicBondForce); a hydrogen's radius follows the first bond that names it.
std::vector<GbParameters> obc2_parameters(const std::vector<int>& atomic_numbers,
                                          const std::vector<std::pair<int, int>>& bonds);

/// A new OpenMM GBSAOBCForce (no cutoff, solute dielectric 1, solvent 78.5, OpenMM's default ACE surface term)
/// over particles with these charges (e) and parameters, in force group `group`; the caller's System takes it.
/// InputError when the two lists differ in length.
OpenMM::GBSAOBCForce* make_obc2_force(const std::vector<double>& charges, const std::vector<GbParameters>& params,
                                      int group);

/// Energy (kcal/mol) of the molecule alone in MMFF94 with OBC2 solvation (the E_ligand term of MM-GBSA) for
/// conformer `conf_id`, computed on the named OpenMM platform.
double ligand_obc2_energy(const RDKit::ROMol& mol, const std::string& platform = "Reference", int conf_id = -1);

}  // namespace vscreen
