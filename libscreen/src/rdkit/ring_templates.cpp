// Ring-system templates: ETKDGv3 coordinates of a ring system and its first shell, cached by canonical SMILES.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <GraphMol/Conformer.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "preparation_steps.hpp"
#include "ring_templates.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

constexpr size_t kCacheLimit = 20000;  // ~20 atoms each: a few MB; emptied when full (bounded, still correct)

class TemplateCache {
public:
    /// Coordinates in the canonical SMILES's atom order; empty when the template could not be embedded.
    std::shared_ptr<const std::vector<RDGeom::Point3D>> find(const std::string& key) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = map_.find(key);
        return it == map_.end() ? nullptr : it->second;
    }
    void put(const std::string& key, std::shared_ptr<const std::vector<RDGeom::Point3D>> value) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (map_.size() >= kCacheLimit) map_.clear();
        map_.emplace(key, std::move(value));
    }
    void clear() {
        std::lock_guard<std::mutex> lock(mutex_);
        map_.clear();
    }

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const std::vector<RDGeom::Point3D>>> map_;
};

TemplateCache& cache() {
    static TemplateCache instance;
    return instance;
}

/// Neighbour indices of `atom` in bond order (the order its chiral tag refers to).
std::vector<unsigned> neighbour_order(const RDKit::ROMol& mol, const RDKit::Atom* atom) {
    std::vector<unsigned> out;
    for (const auto& b : boost::make_iterator_range(mol.getAtomBonds(atom)))
        out.push_back(mol[b]->getOtherAtomIdx(atom->getIdx()));
    return out;
}

/// Parity of the permutation taking sequence `a` to sequence `b` (same elements): true when odd.
bool odd_permutation(std::vector<unsigned> a, const std::vector<unsigned>& b) {
    bool odd = false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i]) continue;
        for (size_t j = i + 1; j < a.size(); ++j)
            if (a[j] == b[i]) {
                std::swap(a[i], a[j]);
                odd = !odd;
                break;
            }
    }
    return odd;
}

std::shared_ptr<const std::vector<RDGeom::Point3D>> embed_template(const std::string& smiles, unsigned atoms,
                                                                   std::uint64_t seed) {
    auto none = std::make_shared<const std::vector<RDGeom::Point3D>>();
    RDKit::SmilesParserParams params;
    params.removeHs = false;
    std::unique_ptr<RDKit::RWMol> mol;
    try {
        mol.reset(RDKit::SmilesToMol(smiles, params));
    } catch (const std::exception&) {
        return none;
    }
    if (!mol || mol->getNumAtoms() != atoms) return none;
    for (int random_start = 0; random_start < 2; ++random_start) {
        const int cid = RDKit::DGeomHelpers::EmbedMolecule(*mol, embed_parameters(seed, random_start == 1, true));
        if (cid >= 0) return std::make_shared<const std::vector<RDGeom::Point3D>>(mol->getConformer(cid).getPositions());
    }
    return none;
}

/// The template of canonical SMILES `smiles` from the cache, embedded and stored when missing.
std::shared_ptr<const std::vector<RDGeom::Point3D>> cached_template(const std::string& smiles, unsigned atoms,
                                                                    std::uint64_t seed) {
    // keyed by the fragment and the seed only: the cache, filled in whatever order molecules come and on any
    // thread, never changes a result
    const std::string key = smiles + ' ' + std::to_string(seed);
    auto coords = cache().find(key);
    if (!coords) {
        coords = embed_template(smiles, atoms, seed);
        cache().put(key, coords);
    }
    return coords;
}

}  // namespace

std::optional<RingTemplate> ring_template(const RDKit::ROMol& mol, const std::vector<unsigned>& core,
                                         std::uint64_t seed, bool refuse_impossible) {
    const unsigned n = mol.getNumAtoms();
    std::vector<char> in_core(n, 0), in_fragment(n, 0);
    for (unsigned a : core) in_core[a] = in_fragment[a] = 1;
    for (unsigned a : core)
        for (const auto& nb : boost::make_iterator_range(mol.getAtomNeighbors(mol.getAtomWithIdx(a))))
            in_fragment[nb] = 1;

    // The fragment: core atoms as they are (hydrogens are explicit atoms of the shell), shell atoms as bare stubs.
    RDKit::RWMol frag;
    std::vector<int> to_frag(n, -1);
    std::vector<unsigned> to_mol;
    for (unsigned a = 0; a < n; ++a) {
        if (!in_fragment[a]) continue;
        const RDKit::Atom* src = mol.getAtomWithIdx(a);
        RDKit::Atom atom(src->getAtomicNum());
        atom.setFormalCharge(in_core[a] ? src->getFormalCharge() : 0);
        atom.setIsAromatic(in_core[a] && src->getIsAromatic());
        atom.setNoImplicit(true);
        atom.setNumExplicitHs(0);
        to_frag[a] = static_cast<int>(frag.addAtom(&atom, true, false));
        to_mol.push_back(a);
    }
    for (const RDKit::Bond* b : mol.bonds()) {  // in bond order, so every atom keeps its neighbours' order
        const unsigned u = b->getBeginAtomIdx(), v = b->getEndAtomIdx();
        if (!in_fragment[u] || !in_fragment[v] || (!in_core[u] && !in_core[v])) continue;
        const bool ring_bond = in_core[u] && in_core[v];
        const auto type = b->getBondType() == RDKit::Bond::AROMATIC && !ring_bond ? RDKit::Bond::SINGLE
                                                                                    : b->getBondType();
        const unsigned count = frag.addBond(static_cast<unsigned>(to_frag[u]), static_cast<unsigned>(to_frag[v]), type);
        frag.getBondWithIdx(count - 1)->setIsAromatic(ring_bond && b->getIsAromatic());
    }
    for (unsigned a : core) {
        const RDKit::Atom* src = mol.getAtomWithIdx(a);
        const auto tag = src->getChiralTag();
        if (tag != RDKit::Atom::CHI_TETRAHEDRAL_CW && tag != RDKit::Atom::CHI_TETRAHEDRAL_CCW) continue;
        std::vector<unsigned> expected;
        for (unsigned nb : neighbour_order(mol, src)) expected.push_back(static_cast<unsigned>(to_frag[nb]));
        RDKit::Atom* dst = frag.getAtomWithIdx(static_cast<unsigned>(to_frag[a]));
        const bool odd = odd_permutation(neighbour_order(frag, dst), expected);
        const auto other = tag == RDKit::Atom::CHI_TETRAHEDRAL_CW ? RDKit::Atom::CHI_TETRAHEDRAL_CCW
                                                                 : RDKit::Atom::CHI_TETRAHEDRAL_CW;
        dst->setChiralTag(odd ? other : tag);
    }
    std::string smiles;
    std::vector<unsigned> order;
    try {
        RDKit::MolOps::sanitizeMol(frag);
        smiles = RDKit::MolToSmiles(frag);
        frag.getProp(RDKit::common_properties::_smilesAtomOutputOrder, order);
    } catch (const std::exception&) {
        return std::nullopt;  // e.g. an aromatic system that does not kekulise without its substituents
    }
    if (order.size() != frag.getNumAtoms()) return std::nullopt;

    auto coords = cached_template(smiles, frag.getNumAtoms(), seed);
    if (coords->size() != order.size() && refuse_impossible) {
        // A ring system that embeds without its centres' configurations and not with them cannot have them (a cage
        // whose bridgeheads were enumerated independently): say so now instead of after every distance-geometry
        // method on the whole molecule, which spend seconds failing on such a stereoisomer.
        bool tagged = false;
        RDKit::RWMol untagged(frag);
        for (RDKit::Atom* a : untagged.atoms()) {
            tagged = tagged || a->getChiralTag() != RDKit::Atom::CHI_UNSPECIFIED;
            a->setChiralTag(RDKit::Atom::CHI_UNSPECIFIED);
        }
        if (tagged && cached_template(RDKit::MolToSmiles(untagged), untagged.getNumAtoms(), seed)->size() ==
                          untagged.getNumAtoms())
            fail("the configuration asked for at the centres of ring system ", smiles,
                 " is impossible: the system embeds without it and not with it");
    }
    if (coords->size() != order.size()) return std::nullopt;
    RingTemplate t;
    for (size_t i = 0; i < order.size(); ++i) {
        t.atoms.push_back(to_mol[order[i]]);
        t.positions.push_back((*coords)[i]);
    }
    return t;
}

void clear_ring_template_cache() { cache().clear(); }

}  // namespace vscreen::detail
