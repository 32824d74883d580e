// The steps of ligand preparation, one per file: parse, standardise, protonate, enumerate stereo, embed (internal).
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "vscreen/preparation.hpp"

namespace RDKit {
class ROMol;
class RWMol;
namespace DGeomHelpers {
struct EmbedParameters;
}  // namespace DGeomHelpers
namespace MMFF {
class MMFFMolProperties;
}  // namespace MMFF
}  // namespace RDKit

namespace vscreen::detail {

using MolPtr = std::unique_ptr<RDKit::RWMol>;

/// CPU seconds the calling thread has used so far.
inline double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Adds the calling thread's CPU time between construction and destruction to `slot` (a PreparationTimings field).
class StageTimer {
public:
    explicit StageTimer(double& slot) : slot_(slot), start_(thread_cpu_seconds()) {}
    ~StageTimer() { slot_ += thread_cpu_seconds() - start_; }
    StageTimer(const StageTimer&) = delete;
    StageTimer& operator=(const StageTimer&) = delete;

private:
    double& slot_;
    double start_;
};

/// Parses the input's text in its format into a sanitised molecule (input_parsing.cpp). Throws InputError.
MolPtr parse_molecule(const MoleculeInput& input);

/// Standard InChIKey of a molecule; empty when this build has no InChI support (inchi_bridge.cpp).
std::string inchikey_of(const RDKit::ROMol& mol);

/// Molecule from a standard InChI string (inchi_bridge.cpp). Throws InputError, also when InChI is unsupported.
MolPtr molecule_from_inchi(const std::string& inchi);

/// Largest fragment, neutralisation and canonical tautomer as the options ask (standardize.cpp); adds its CPU time
/// to timings.standardize and timings.tautomer.
MolPtr standardize(const RDKit::ROMol& mol, const PreparationOptions& options, PreparationTimings& timings);

/// Sets the charge states that dominate at pH 7.4 by rules, in place (protonation.cpp): carboxylic, sulfonic,
/// phosphonic acids, tetrazoles and acyl sulfonamides deprotonated; aliphatic amines (one per
/// short N-C-C-N chain), amidines and guanidines protonated.
void protonate_for_ph74(RDKit::RWMol& mol);

/// Number of stereo elements (tetrahedral centres, double bonds) that could be set but are not.
int count_unspecified_stereo(const RDKit::ROMol& mol);

/// Every assignment of the unspecified tetrahedral centres and double bonds, at most `cap` of them
/// (a seeded sample when there are more); specified stereo is kept (stereo_enumeration.cpp).
std::vector<MolPtr> enumerate_stereoisomers(const RDKit::ROMol& mol, int cap, std::uint64_t seed);

/// RDKit's distance-geometry settings for one conformer: ETKDGv3 (ETDG without `torsion_terms`) from `seed`, one
/// thread, at most 30 attempts, from random coordinates or the eigenvector start (embedding.cpp).
RDKit::DGeomHelpers::EmbedParameters embed_parameters(std::uint64_t seed, bool random_coords, bool torsion_terms);

/// Builds 3D coordinates for `mol` (every hydrogen explicit) without distance geometry (fragment_builder.cpp): ring
/// systems from templates embedded from `seed` (ring_templates.hpp), MMFF94's reference bond lengths (`typing`; covalent radii when
/// null) and ideal angles around every other atom, torsions turned away from clashes, secondary amides trans, and
/// the specified tetrahedral centres and double bonds set by construction. Adds the structure as a conformer and
/// returns its id, or -1 when the molecule needs distance geometry (an unusual coordination, a template that cannot
/// be made). The caller checks the stereo (a template can invert a ring centre) and cleans the structure up.
/// With `refuse_impossible_stereo`, throws InputError when a ring system cannot take the configuration asked for
/// at its centres (ring_template); the caller passes it for enumerated stereoisomers, whose assignments were made
/// without regard to the ring geometry.
int build_from_fragments(RDKit::RWMol& mol, RDKit::MMFF::MMFFMolProperties* typing, std::uint64_t seed,
                         bool refuse_impossible_stereo);

/// Name of the RDKit molecule property on each form made by embed_forms that says how its 3D came about.
inline constexpr const char* kEmbeddingProperty = "vscreen_embedding";

/// 3D forms with hydrogens (ETKDGv3 + MMFF94, UFF when MMFF lacks parameters): one, or up to
/// `ring_conformers` with distinct non-aromatic ring shapes (embedding.cpp). Throws InputError on failure.
/// Adds its CPU time to timings.embed and timings.force_field.
/// `enumerated`: the molecule's stereo was assigned by enumerate_stereoisomers, so an assignment a ring system
/// cannot take (independently enumerated cage bridgeheads) fails at once instead of after every method.
std::vector<MolPtr> embed_forms(const RDKit::ROMol& mol, int ring_conformers, std::uint64_t seed,
                                PreparationTimings& timings, bool enumerated = false);

}  // namespace vscreen::detail
