// Stereoisomers of a molecule with unspecified tetrahedral centres or double bonds (specified ones are kept).
#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <GraphMol/Chirality.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

constexpr int kMaxEnumeratedCentres = 20;  // 2^20 assignments; beyond this only a sample is drawn anyway

/// Masks of the assignments to make: all of them when there are at most `cap`, else `cap` distinct seeded draws.
std::vector<std::uint64_t> choose_masks(int centres, int cap, std::uint64_t seed) {
    const int k = std::min(centres, kMaxEnumeratedCentres);
    const std::uint64_t total = std::uint64_t{1} << k;
    std::vector<std::uint64_t> masks;
    if (total <= static_cast<std::uint64_t>(cap)) {
        for (std::uint64_t m = 0; m < total; ++m) masks.push_back(m);
        return masks;
    }
    std::mt19937_64 rng(seed);
    std::set<std::uint64_t> seen;
    while (static_cast<int>(masks.size()) < cap) {
        const std::uint64_t m = rng() & (total - 1);
        if (seen.insert(m).second) masks.push_back(m);
    }
    return masks;
}

/// The stereo elements of `input` that could be set and are not.
std::vector<RDKit::Chirality::StereoInfo> open_stereo(const RDKit::ROMol& input) {
    RDKit::RWMol probe(input);
    std::vector<RDKit::Chirality::StereoInfo> open;
    for (const auto& info : RDKit::Chirality::findPotentialStereo(probe, true, true)) {
        if (info.specified != RDKit::Chirality::StereoSpecified::Unspecified) continue;
        // nitrogen configurations invert in solution (and protonated amines exchange their proton): not isomers
        if (info.type == RDKit::Chirality::StereoType::Atom_Tetrahedral &&
            input.getAtomWithIdx(info.centeredOn)->getAtomicNum() != 7)
            open.push_back(info);
        if (info.type == RDKit::Chirality::StereoType::Bond_Double && info.controllingAtoms.size() == 4 &&
            info.controllingAtoms[0] != RDKit::Chirality::StereoInfo::NOATOM &&
            info.controllingAtoms[2] != RDKit::Chirality::StereoInfo::NOATOM)
            open.push_back(info);
    }
    return open;
}

}  // namespace

int count_unspecified_stereo(const RDKit::ROMol& mol) { return static_cast<int>(open_stereo(mol).size()); }

std::vector<MolPtr> enumerate_stereoisomers(const RDKit::ROMol& input, int cap, std::uint64_t seed) {
    if (cap < 1) fail("max_stereoisomers must be at least 1 (got ", cap, ")");
    const std::vector<RDKit::Chirality::StereoInfo> open = open_stereo(input);
    std::vector<MolPtr> out;
    if (open.empty()) {
        out.push_back(std::make_unique<RDKit::RWMol>(input));
        return out;
    }
    std::set<std::string> seen;
    for (std::uint64_t mask : choose_masks(static_cast<int>(open.size()), cap, seed)) {
        auto mol = std::make_unique<RDKit::RWMol>(input);
        for (size_t c = 0; c < open.size(); ++c) {
            const bool bit = c < kMaxEnumeratedCentres ? (mask >> c) & 1 : false;
            const auto& info = open[c];
            if (info.type == RDKit::Chirality::StereoType::Atom_Tetrahedral) {
                mol->getAtomWithIdx(info.centeredOn)
                    ->setChiralTag(bit ? RDKit::Atom::CHI_TETRAHEDRAL_CW : RDKit::Atom::CHI_TETRAHEDRAL_CCW);
            } else {
                RDKit::Bond* b = mol->getBondWithIdx(info.centeredOn);
                b->setStereoAtoms(info.controllingAtoms[0], info.controllingAtoms[2]);
                b->setStereo(bit ? RDKit::Bond::STEREOCIS : RDKit::Bond::STEREOTRANS);
            }
        }
        // cis/trans labels become bond directions, then E/Z: the form every later RDKit step keeps
        RDKit::MolOps::setDoubleBondNeighborDirections(*mol);
        RDKit::MolOps::assignStereochemistry(*mol, true, true);
        // dependent centres can make two assignments the same molecule; keep one of each
        if (!seen.insert(RDKit::MolToSmiles(*mol)).second) continue;
        out.push_back(std::move(mol));
    }
    return out;
}

}  // namespace vscreen::detail
