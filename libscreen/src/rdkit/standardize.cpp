// Standardisation of a parsed molecule: largest fragment, neutralisation, imidic acids as amides, canonical tautomer.
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolStandardize/Charge.h>
#include <GraphMol/MolStandardize/Fragment.h>
#include <GraphMol/MolStandardize/MolStandardize.h>
#include <GraphMol/MolStandardize/Tautomer.h>
#include <GraphMol/MolStandardize/TautomerCatalog/TautomerCatalogParams.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

MolPtr to_rw(RDKit::ROMol* mol, const char* step) {
    if (!mol) fail(step, " returned no molecule");
    std::unique_ptr<RDKit::ROMol> owner(mol);
    return std::make_unique<RDKit::RWMol>(*owner);
}

/// RDKit's tautomer transforms, except the shift of an amide's N-H to its carbonyl oxygen (amide -> imidic acid):
/// an amide outweighs its imidic acid by about eight orders of magnitude, so the canonical tautomer never is one,
/// and the shift made a peptide's k amides 2^k tautomers, past the cap (every peptide spent its 200 there). The
/// way back (imidic acid -> amide) stays, as do the ring (lactam/lactim) and aromatic shifts.
RDKit::MolStandardize::TautomerTransformDefs tautomer_transforms() {
    RDKit::MolStandardize::TautomerTransformDefs out;
    for (const auto& t : RDKit::MolStandardize::defaults::defaultTautomerTransforms) {
        if (std::get<0>(t) != "1,3 heteroatom H shift") {
            out.push_back(t);
            continue;
        }
        // [#7+0,S,O,Se,Te;!H0]-[#7X2,#6,#15X3H0]=[#7+0,#16,#8,Se,Te] split by donor; only N-H, C, =O is left out
        if (std::get<1>(t) != "[#7+0,S,O,Se,Te;!H0]-[#7X2,#6,#15X3H0]=[#7+0,#16,#8,Se,Te]")
            fail("RDKit's \"1,3 heteroatom H shift\" tautomer rule is not the one this split was written for: ",
                 std::get<1>(t));
        out.emplace_back("1,3 heteroatom H shift (O, S, Se, Te donor)",
                         "[S,O,Se,Te;!H0]-[#7X2,#6,#15X3H0]=[#7+0,#16,#8,Se,Te]", "", "");
        out.emplace_back("1,3 heteroatom H shift (N donor)", "[#7+0;!H0]-[#7X2,#6,#15X3H0]=[#7+0,#16,Se,Te]", "", "");
        out.emplace_back("1,3 heteroatom H shift (N donor, O acceptor)", "[#7+0;!H0]-[#7X2,#15X3H0]=[#8]", "", "");
    }
    return out;
}

RDKit::MolStandardize::CleanupParameters tautomer_parameters() {
    RDKit::MolStandardize::CleanupParameters p;
    p.tautomerTransformData = tautomer_transforms();
    p.maxTautomers = 200;
    p.maxTransforms = 500;
    // specified stereo is part of the input's identity; keep it where RDKit would drop it
    p.tautomerRemoveSp3Stereo = false;
    p.tautomerRemoveBondStereo = false;
    return p;
}

/// Writes every imidic acid (R-N=C(OH)-R', outside aromatic rings) as its amide (R-NH-C(=O)-R').
/// Amides outweigh their imidic acids by about eight orders of magnitude in water, and the tautomer enumeration
/// cannot be left to find them: a peptide written as imidic acids (DrugBank's In-111 pentetreotide) has 2^k forms,
/// past the enumeration's cap from k = 8 on, so its canonical tautomer kept imidic acids, whose enumerated ring C=N
/// bonds then cost the embedding seconds.
void amides_from_imidic_acids(RDKit::RWMol& mol) {
    static const std::unique_ptr<RDKit::ROMol> pattern(RDKit::SmartsToMol("[NX2;+0;!a]=[CX3;+0;!a]-[OX2H1;+0]"));
    RDKit::MatchVectType match;  // one at a time: each rewrite changes the molecule the next match is found in
    while (RDKit::SubstructMatch(mol, *pattern, match)) {
        const unsigned n = match[0].second, c = match[1].second, o = match[2].second;
        RDKit::Bond* imine = mol.getBondBetweenAtoms(n, c);
        imine->setBondType(RDKit::Bond::SINGLE);
        imine->setStereo(RDKit::Bond::STEREONONE);
        imine->getStereoAtoms().clear();
        mol.getBondBetweenAtoms(c, o)->setBondType(RDKit::Bond::DOUBLE);
        for (unsigned a : {n, o}) {
            mol.getAtomWithIdx(a)->setNumExplicitHs(0);
            mol.getAtomWithIdx(a)->setNoImplicit(false);
        }
        RDKit::MolOps::sanitizeMol(mol);
    }
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
        amides_from_imidic_acids(*mol);
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
