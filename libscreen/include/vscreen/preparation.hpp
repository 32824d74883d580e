// Ligand preparation (vscreen::prep): SMILES, InChI, MOL/SDF blocks or MOL2 in, docking-ready 3D ligands out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vscreen/ligand.hpp"

namespace vscreen {

/// How molecules are standardised, protonated, enumerated and embedded.
struct PreparationOptions {
    bool largest_fragment = true;      ///< keep the largest organic fragment (strips salts, counter-ions, solvents)
    bool neutralize = true;            ///< neutralise charges before protonation (RDKit Uncharger)
    bool canonical_tautomer = true;    ///< replace by RDKit's canonical tautomer
    bool protonate = true;             ///< set charge states for pH 7.4 by rules (acids, amines, amidines, tetrazoles)
    int max_stereoisomers = 4;         ///< cap on the forms made from unspecified stereocentres / double bonds (>= 1)
    int ring_conformers = 1;           ///< forms per stereoisomer with distinct non-aromatic ring shapes (>= 1);
                                       ///< they share the input's docking chains (docking_chains); more than 1
                                       ///< costs 4 x ring_conformers embeddings and clean-ups per stereoisomer
    int max_heavy_atoms = 150;         ///< larger molecules fail with a reason ("too large")
    std::uint64_t seed = 42;           ///< embedding and enumeration seed (same seed, same output)
    int threads = 0;                   ///< worker threads; 0 = all hardware threads
};

/// One input record: the molecule's text and its identity, kept through to the results.
struct MoleculeInput {
    std::string text;                  ///< the SMILES, InChI, MDL molblock or MOL2 block
    std::string format = "smiles";     ///< "smiles", "inchi", "molblock" (2D or 3D) or "mol2"; every input is
                                       ///< embedded anew (to dock a 3D pose as it is, read it with read_ligand_records)
    std::string id;                    ///< e.g. "DB01232"; may be empty
    std::string name;                  ///< e.g. "Saquinavir"; may be empty
    std::string source;                ///< where it came from, e.g. "drugs.csv:12"
};

/// CPU seconds of the preparing thread spent in each step of one input (all its stereoisomers and forms together).
/// Measured always (a clock read per step); benchmarks sum them to rank the steps.
struct PreparationTimings {
    double parse = 0;         ///< text to a sanitised molecule
    double inchikey = 0;      ///< InChIKey of the input as given
    double standardize = 0;   ///< largest fragment and neutralisation
    double tautomer = 0;      ///< canonical tautomer
    double protonate = 0;     ///< pH 7.4 rules, element and size checks
    double stereo = 0;        ///< stereoisomer enumeration
    double embed = 0;         ///< 3D structure (fragment builder, ETKDGv3 and its fallbacks), hydrogens, typing
    double force_field = 0;   ///< MMFF94 / UFF clean-up of the embedded conformers
    double build = 0;         ///< docking ligand (typing, torsion tree, PDBQT) and form SMILES
};

/// One prepared form of an input (a stereoisomer x ring conformer), or the reason the input failed.
/// A failed input yields exactly one PreparedLigand with ok == false; a good one yields one per form.
struct PreparedLigand {
    int input_index = 0;               ///< position of the input in the batch
    int variant = 0;                   ///< 0-based form index within the input
    std::string id, name, source;      ///< copied from the input
    bool ok = false;
    std::string error;                 ///< why it failed (parse error, embedding failure, unsupported element, too large)
    std::string smiles;                ///< the prepared form (charged for pH 7.4, stereo assigned), canonical isomeric SMILES
    int ring_forms = 1;                ///< forms of this stereoisomer that differ only in ring shape (this one included)
    std::string embedding;             ///< how its 3D was made: "fragments" (ring templates + ideal geometry) or "etkdg"
    std::string inchikey;              ///< standard InChIKey of the input as given (before standardisation)
    Ligand ligand;                     ///< docking-ready; valid when ok (its name is the id, else the name)
    PreparationTimings timings;        ///< on the input's first entry (variant 0 or the failure); zeros on the rest
};

/// Prepares every input on `options.threads` threads. Never throws for a bad molecule: its entry says why.
/// Throws InputError only for bad options (a cap below 1, an unknown format).
std::vector<PreparedLigand> prepare_ligands(const std::vector<MoleculeInput>& inputs,
                                            const PreparationOptions& options = {});

/// Monte Carlo chains for one of `ring_forms` ring shapes of a stereoisomer when they share the `exhaustiveness`
/// chains of one docking: ceil(exhaustiveness / ring_forms), at least 1; give them to dock(..., chains). Rings are
/// rigid in the search, so several ring shapes widen it; sharing the chains keeps its cost that of one shape.
int docking_chains(int ring_forms, int exhaustiveness);
inline int docking_chains(const PreparedLigand& form, int exhaustiveness) {
    return docking_chains(form.ring_forms, exhaustiveness);
}

/// Whether this build reads InChI and writes InChIKeys (the IUPAC InChI library was found at build time).
bool has_inchi_support();

/// Standard InChIKey of a molecule given as text, as given (not standardised): the de-duplication key of
/// screening libraries. Throws InputError when the text cannot be parsed or the build has no InChI support.
std::string inchikey(const MoleculeInput& input);

}  // namespace vscreen
