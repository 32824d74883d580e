// Reading receptors and ligands in AutoDock PDBQT as Vina does, and writing docked poses as PDBQT.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "vscreen/ligand.hpp"
#include "vscreen/receptor.hpp"

namespace vscreen {

/// Reads a rigid receptor PDBQT; `source` names the input in error messages.
Receptor read_receptor_pdbqt(std::istream& in, const std::string& source);
Receptor read_receptor_pdbqt_file(const std::string& path);

/// Reads a ligand PDBQT with its torsion tree (ROOT/BRANCH/TORSDOF). Only the first MODEL is read.
Ligand read_ligand_pdbqt(std::istream& in, const std::string& source);
Ligand read_ligand_pdbqt_file(const std::string& path);

/// Fills lig.pdbqt_lines / line_atom from the torsion tree (for ligands not read from PDBQT).
void make_pdbqt_template(Ligand& lig);

/// Vina's REMARK lines of one mode.
struct ModeRemarks {
    float affinity = 0, rmsd_lb = 0, rmsd_ub = 0;
    float inter_plus_intra = 0, inter = 0, intra = 0, unbound = 0;
    long search_evaluations = -1;  ///< written as REMARK VSCREEN SEARCH EVALUATIONS when >= 0 (the ligand's cost)
};

/// Writes one MODEL of `lig` with the given atom coordinates (ligand atom order) and remarks.
void write_pdbqt_model(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords, int model,
                       const ModeRemarks& remarks);

/// Writes the ligand at the given coordinates as a plain PDBQT (no MODEL, no remarks).
void write_pdbqt(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords);

}  // namespace vscreen
