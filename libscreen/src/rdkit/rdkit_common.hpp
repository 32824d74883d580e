// Internal helpers shared by the RDKit-based readers and writers of vscreen::prep (not installed).
#pragma once

#include <string>

#include <RDGeneral/RDLog.h>

namespace RDKit {
class Atom;
class ROMol;
class RWMol;
}  // namespace RDKit

#include "vscreen/ligand.hpp"

namespace vscreen::detail {

/// AutoDock type of an RDKit atom by vscreen's rules ("A", "C", "NA", "N", "OA", "SA", "HD", "H", "Cl",
/// metals by their AD names); an empty string for an element the Vina scoring cannot handle.
std::string ad_type_of(const RDKit::Atom& atom);

/// AutoDock type of a ligand atom: ad_type_of, and for three elements the Vina scoring functions have no
/// parameters for, a typable stand-in (B as C, Se as SA, As as P), so that boronic acids such as bortezomib
/// and organoselenium/arsenic drugs dock. The atom keeps its element in the molblock (SDF output) and its
/// name in PDBQT output; only its AD/XS type is the stand-in's. Receptors stay strict (ad_type_of).
std::string ligand_ad_type_of(const RDKit::Atom& atom);

/// Throws InputError ("NAME: unsupported element X (atom N); ...") for a dummy atom or an element
/// ligand_ad_type_of cannot type; hydrogens always pass.
void require_supported_elements(const RDKit::ROMol& mol, const std::string& name);

/// Whether a nitrogen accepts hydrogen bonds (pyridine, imine, nitrile, sp3 amine) by vscreen's rules.
bool nitrogen_is_acceptor(const RDKit::Atom& atom);

/// Why RDKit's MOL2 parser must not be given `block` (a bond to an atom that is not there, fewer atom or bond lines
/// than the header's counts), or "" when it may; mol2_check.cpp.
std::string mol2_layout_error(const std::string& block);

/// Docking-ready ligand from a sanitised RDKit molecule with a 3D conformer (hydrogens are added,
/// with coordinates, to `mol`). Throws InputError whose message starts with `name`.
Ligand ligand_from_rdkit(RDKit::RWMol& mol, const std::string& name);

/// Silences RDKit's own logging (it writes parse warnings to stderr) for the lifetime of the object;
/// the library reports problems through exceptions instead.
class QuietRdkit {
public:
    QuietRdkit() = default;
    QuietRdkit(const QuietRdkit&) = delete;
    QuietRdkit& operator=(const QuietRdkit&) = delete;

private:
    RDLog::LogStateSetter state_;
};

}  // namespace vscreen::detail
