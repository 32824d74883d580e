// A ligand as a torsion tree: atoms grouped in rigid fragments joined by rotatable bonds.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "vscreen/math.hpp"

namespace vscreen {

/// One ligand atom with its AutoDock and XS types.
struct LigandAtom {
    std::string name;       ///< atom name (PDB columns 13-16)
    std::string ad_type;    ///< AutoDock 4 type ("C", "A", "NA", "OA", "HD", ...)
    int element = 0;        ///< atomic number (1 for hydrogen)
    Vec3 coords;            ///< reference (input) coordinates
    float charge = 0;       ///< partial charge as read or assigned (not used by Vina scoring)
    unsigned char xs = 255; ///< XS type; kXsNone for hydrogens
};

/// A rigid fragment of the torsion tree. Node 0 is the root; a node's atoms are contiguous.
struct TorsionNode {
    int parent = -1;       ///< parent node, -1 for the root
    int begin = 0;         ///< first atom
    int end = 0;           ///< one past the last atom
    int parent_atom = -1;  ///< atom of the parent on the rotatable bond
    int child_atom = -1;   ///< atom of this node on the rotatable bond (the rotation origin)
};

/// An atom left out of the search (a non-polar hydrogen) that rides rigidly on a fragment; kept so that
/// SDF output holds every atom of the input.
struct RiderAtom {
    int node = 0;            ///< fragment it moves with
    Vec3 coords;             ///< reference coordinates
    int molblock_index = -1; ///< its index in Ligand::molblock
};

/// A ligand ready for docking: atoms in torsion-tree order, bonds, tree, rotor count.
struct Ligand {
    std::string name;                         ///< title / identifier
    std::vector<LigandAtom> atoms;            ///< atoms, grouped by node (node order = pre-order)
    std::vector<std::array<int, 2>> bonds;    ///< covalent bonds (indices into atoms)
    std::vector<TorsionNode> nodes;           ///< torsion tree in pre-order; nodes[0] is the root
    float num_rotors = 0;                     ///< Nrot of the torsion normalisation, counted as Vina 1.2 does

    /// Lines of the PDBQT this ligand was read from or written as; an atom line holds the index of
    /// its atom in `line_atom`, other lines -1. Output poses rewrite the coordinates of these lines.
    std::vector<std::string> pdbqt_lines;
    std::vector<int> line_atom;

    /// The ligand's original molecule as an MDL molblock (SDF/MOL2 input), and the molblock index
    /// of each atom of `atoms` (-1 for atoms absent there). Lets SDF output keep the input's atoms.
    std::string molblock;
    std::vector<int> molblock_index;
    std::vector<RiderAtom> riders;            ///< non-polar hydrogens of the input, not searched

    int num_torsions() const { return static_cast<int>(nodes.size()) - 1; }
    int num_heavy_atoms() const;
};

/// Assigns XS types to atoms from their AD types and bonds, as Vina does.
void assign_xs_types(std::vector<LigandAtom>& atoms, const std::vector<std::array<int, 2>>& bonds);

/// Vina 1.2's Nrot: over rotatable bonds a-b, 0.5 for each side whose far atom is heavy and has
/// more than one heavy neighbour (so a bond to a terminal methyl or -OH counts 0.5).
float count_rotors(const Ligand& lig);

/// Checks the tree (contiguous nodes, valid bond atoms) and throws InputError with `context` otherwise.
void validate(const Ligand& lig, const std::string& context);

}  // namespace vscreen
