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

/// Throws InputError ("NAME: unsupported element X (atom N); ...") for a dummy atom or an element ad_type_of
/// cannot type; hydrogens always pass.
void require_supported_elements(const RDKit::ROMol& mol, const std::string& name);

/// Whether a nitrogen accepts hydrogen bonds (pyridine, imine, nitrile, sp3 amine) by vscreen's rules.
bool nitrogen_is_acceptor(const RDKit::Atom& atom);

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
