// Ligands from SDF/MOL/MOL2 (through RDKit, in vscreen::prep) and docked poses written as SDF records.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "vscreen/ligand.hpp"
#include "vscreen/receptor.hpp"

namespace vscreen {

/// One input record: the prepared ligand, or the reason it could not be prepared. Never both.
struct LigandRecord {
    int index = 0;          ///< 0-based position in the input
    std::string name;       ///< title line / _Name, or "<file>#<index+1>" when empty
    std::string source;     ///< "path:line" of the record's first line
    bool ok = false;
    std::string error;      ///< why it failed (parse error, unsupported element, ...)
    Ligand ligand;          ///< valid when ok
};

/// Builds a docking-ready ligand (AD/XS types, torsion tree, riders) from an MDL molblock with 3D
/// coordinates. Missing hydrogens are added with coordinates. Throws InputError naming `name`.
Ligand ligand_from_molblock(const std::string& molblock, const std::string& name);

/// Same, from a Tripos MOL2 block.
Ligand ligand_from_mol2_block(const std::string& mol2, const std::string& name);

/// Reads every molecule of an .sdf/.sd/.mol/.mol2/.pdbqt file; a bad record yields ok = false and the
/// rest are still read. Throws InputError only if the file cannot be opened or its format is unknown.
std::vector<LigandRecord> read_ligand_records(const std::string& path);

/// Reads a single-ligand file (first record) and throws InputError with its reason on failure.
Ligand read_ligand_file(const std::string& path);

/// Writes one SDF record: the input molecule (all its atoms, riders included) at the docked coordinates,
/// with the properties as SD data fields. `coords` are in ligand order, `rider_coords` in riders order.
/// Ligands read from PDBQT (no molblock) are written from their atoms and bonds (single bonds).
void write_sdf_pose(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords,
                    const std::vector<Vec3>& rider_coords, const std::map<std::string, std::string>& properties);

/// Reads a receptor from a PDB file that already has hydrogens (RDKit typing, polar H as donors).
Receptor read_receptor_pdb_file(const std::string& path);

/// Rigid receptor PDBQT text (ATOM/HETATM lines, AutoDock types, Gasteiger charges) from a PDB file
/// with hydrogens: polar hydrogens kept as HD, non-polar ones and waters removed. AutoDock Vina reads it.
std::string prepare_receptor_pdbqt(const std::string& pdb_path);

}  // namespace vscreen
