// Standardisation of a parsed molecule: largest fragment, neutralisation, canonical tautomer (RDKit MolStandardize).
#include <memory>
#include <optional>

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Charge.h>
#include <GraphMol/MolStandardize/Fragment.h>
#include <GraphMol/MolStandardize/MolStandardize.h>
#include <GraphMol/MolStandardize/Tautomer.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

MolPtr to_rw(RDKit::ROMol* mol, const char* step) {
    if (!mol) fail(step, " returned no molecule");
    std::unique_ptr<RDKit::ROMol> owner(mol);
    return std::make_unique<RDKit::RWMol>(*owner);
}

RDKit::MolStandardize::CleanupParameters tautomer_parameters() {
    RDKit::MolStandardize::CleanupParameters p;
    p.maxTautomers = 200;
    p.maxTransforms = 500;
    // specified stereo is part of the input's identity; keep it where RDKit would drop it
    p.tautomerRemoveSp3Stereo = false;
    p.tautomerRemoveBondStereo = false;
    return p;
}

}  // namespace

MolPtr standardize(const RDKit::ROMol& input, const PreparationOptions& options, PreparationTimings& timings) {
    std::optional<StageTimer> clock(std::in_place, timings.standardize);
    MolPtr mol = std::make_unique<RDKit::RWMol>(input);
    RDKit::MolOps::removeHs(*mol);
    if (options.largest_fragment) {
        RDKit::MolStandardize::LargestFragmentChooser chooser(/*preferOrganic=*/true);
        mol = to_rw(chooser.choose(*mol), "largest-fragment selection");
    }
    if (options.neutralize) {
        RDKit::MolStandardize::Uncharger uncharger;
        mol = to_rw(uncharger.uncharge(*mol), "neutralisation");
    }
    if (options.canonical_tautomer) {
        clock.emplace(timings.tautomer);
        static const RDKit::MolStandardize::CleanupParameters params = tautomer_parameters();
        RDKit::MolStandardize::TautomerEnumerator enumerator(params);
        MolPtr canonical = to_rw(enumerator.canonicalize(*mol), "tautomer canonicalisation");
        // A keto-enol shift through carbon can turn an sp2 carbon into a new, unspecified stereocentre (taxanes,
        // steroids): a different molecule for docking, not a tautomer worth having. Keep the input form then.
        if (count_unspecified_stereo(*canonical) <= count_unspecified_stereo(*mol)) mol = std::move(canonical);
    }
    RDKit::MolOps::sanitizeMol(*mol);
    return mol;
}

}  // namespace vscreen::detail
