// MMFF94 with RDKit's own parameters, written term by term as OpenMM forces: the ligand force field of refinement.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "vscreen/error.hpp"

namespace RDKit {
class ROMol;
}
namespace OpenMM {
class System;
}

namespace vscreen {

/// A molecule MMFF94 cannot type or parameterise; the refinement records the message as the pose's reason.
class LigandParameterError : public InputError {
public:
    using InputError::InputError;
};

/// The MMFF94 term kinds, in the order of force groups used by mmff_system().
enum class MmffTerm { Bond, Angle, StretchBend, OutOfPlane, Torsion, VanDerWaals, Electrostatic };
constexpr int kMmffTermCount = 7;

/// Every MMFF94 term of one molecule with RDKit's parameters (MMFF units: kcal/mol, A, degrees), enumerated as
/// RDKit's force-field builder enumerates them.
struct MmffTerms {
    struct Bond { int i, j; double kb, r0; };
    struct Angle { int i, j, k; double ka, theta0; bool linear; };
    struct StretchBend { int i, j, k; double kba_ijk, kba_kji, r0_ij, r0_kj, theta0; };
    struct OutOfPlane { int i, j, k, l; double koop; };  ///< j is the centre, l the out-of-plane atom
    struct Torsion { int i, j, k, l; double v1, v2, v3; };
    struct VdwPair { int i, j; double r_star, epsilon; };
    struct ChargePair { int i, j; double qq; };  ///< qi * qj, times 0.75 for 1-4 pairs

    int num_atoms = 0;
    std::vector<int> atom_types;
    std::vector<double> charges;        ///< MMFF partial charges (e)
    std::vector<double> r_star_self;    ///< R*_ii (A)
    std::vector<double> epsilon_self;   ///< epsilon_ii (kcal/mol)
    std::vector<Bond> bonds;
    std::vector<Angle> angles;
    std::vector<StretchBend> stretch_bends;
    std::vector<OutOfPlane> out_of_planes;
    std::vector<Torsion> torsions;
    std::vector<VdwPair> vdw_pairs;
    std::vector<ChargePair> charge_pairs;
    std::vector<std::string> skipped;   ///< terms without parameters, left out as RDKit's builder leaves them out
};

/// Enumerates the MMFF94 (or "MMFF94s") terms of `mol`, whose hydrogens must all be explicit. A term without
/// parameters is left out and named in `skipped`, as RDKit's builder leaves it out. Throws LigandParameterError
/// when an element has no MMFF94 type or atom typing fails.
MmffTerms mmff_terms(const RDKit::ROMol& mol, const std::string& variant = "MMFF94");

/// Adds the terms of a molecule whose atoms are particles offset .. offset + num_atoms - 1 of `system`, each
/// term kind in force group groups[kind]; `nonbonded` false leaves the intramolecular van der Waals and
/// electrostatics out. Energies are MMFF94's exactly (kJ/mol and nm as OpenMM wants them).
void add_mmff_forces(OpenMM::System& system, const MmffTerms& terms, int offset,
                     const std::array<int, kMmffTermCount>& groups, bool nonbonded = true);

/// MMFF94 energy (kcal/mol) of the molecule's conformer `conf_id` computed through OpenMM (platform by name,
/// e.g. "Reference", "CPU", "CUDA"); `per_term`, when given, receives the energy of each term kind.
double openmm_mmff_energy(const RDKit::ROMol& mol, const std::string& platform = "Reference",
                          std::array<double, kMmffTermCount>* per_term = nullptr, int conf_id = -1,
                          const std::string& variant = "MMFF94");

}  // namespace vscreen
