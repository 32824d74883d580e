// 3D forms of a prepared molecule: ETKDGv3 embedding, MMFF94 clean-up (UFF fallback), distinct ring conformers.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <GraphMol/Conformer.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/ForceFieldHelpers/FFConvenience.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/UFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/UFF/UFF.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolTransforms/MolTransforms.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "force_field_relaxation.hpp"
#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

// A clean-up of bond lengths and angles, not a search (torsions are the docking's): after 350 L-BFGS iterations
// (or RDKit's 200 dense-BFGS ones) bond lengths are within 0.001 A RMS and angles within 0.3 deg RMS of the
// converged MMFF94 minimum (benchmarks/README.md, "MMFF94 clean-up").
constexpr int kForceFieldIterations = 350;
constexpr int kUffIterations = 200;  // RDKit's dense BFGS, for the molecules MMFF94 has no parameters for
constexpr double kDistinctRingTorsionDeg = 30.0;  // two ring shapes differ when a ring torsion differs by this
// Non-bonded heavy atoms 3+ bonds apart closer than this after the clean-up: the fragment builder's structure is
// refused (MMFF94 contacts between such atoms are 2.9 A and more; 1-4 pairs in a gauche or cis torsion 2.5 A and more)
constexpr double kClashDistance = 2.2;

/// Consecutive atom quadruples around every flexible ring (>= 5 atoms, at least one non-aromatic sp3 atom).
std::vector<std::array<unsigned, 4>> flexible_ring_torsions(const RDKit::ROMol& mol) {
    std::vector<std::array<unsigned, 4>> out;
    for (const auto& ring : mol.getRingInfo()->atomRings()) {
        const size_t n = ring.size();
        if (n < 5) continue;
        bool flexible = false;
        for (int a : ring) {
            const RDKit::Atom* atom = mol.getAtomWithIdx(a);
            flexible = flexible || (!atom->getIsAromatic() && atom->getHybridization() == RDKit::Atom::SP3);
        }
        if (!flexible) continue;
        for (size_t i = 0; i < n; ++i)
            out.push_back({static_cast<unsigned>(ring[i]), static_cast<unsigned>(ring[(i + 1) % n]),
                           static_cast<unsigned>(ring[(i + 2) % n]), static_cast<unsigned>(ring[(i + 3) % n])});
    }
    return out;
}

double angle_difference_deg(double a, double b) {
    double d = std::fabs(a - b);
    while (d > 360.0) d -= 360.0;
    return std::min(d, 360.0 - d);
}

/// Relaxes conformer `cid` with MMFF94 (typing `mmff`, computed once per molecule; force_field_relaxation.hpp), or
/// UFF when MMFF has no parameters (mmff null); returns its energy.
double relax(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties* mmff) {
    if (!mmff) return RDKit::UFF::UFFOptimizeMolecule(mol, kUffIterations, 100.0, cid).second;
    return relax_mmff(mol, cid, *mmff, kForceFieldIterations).energy;
}

/// Isomeric SMILES of the heavy atoms with nitrogen configurations left out (RDKit does not perceive bridgehead
/// nitrogens from 3D consistently); from conformer `cid`'s geometry when cid >= 0, else from the stereo tags. With
/// `requested` (the same atoms in the same order), only the centres and double bonds it specifies are compared:
/// a phosphate's or sulfoxide's 3D "configuration" that nobody asked for is no mismatch.
std::string stereo_signature(const RDKit::ROMol& mol, int cid, const RDKit::ROMol* requested = nullptr) {
    RDKit::RWMol copy(mol);
    if (cid >= 0) RDKit::MolOps::assignStereochemistryFrom3D(copy, cid);
    if (requested) {
        for (RDKit::Atom* a : copy.atoms())
            if (requested->getAtomWithIdx(a->getIdx())->getChiralTag() == RDKit::Atom::CHI_UNSPECIFIED)
                a->setChiralTag(RDKit::Atom::CHI_UNSPECIFIED);
        for (RDKit::Bond* b : copy.bonds())
            if (requested->getBondWithIdx(b->getIdx())->getStereo() <= RDKit::Bond::STEREOANY)
                b->setStereo(RDKit::Bond::STEREONONE);
    }
    RDKit::MolOps::removeHs(copy);
    for (RDKit::Atom* a : copy.atoms())
        if (a->getAtomicNum() == 7) a->setChiralTag(RDKit::Atom::CHI_UNSPECIFIED);
    return RDKit::MolToSmiles(copy);
}

/// True when two heavy atoms at least three bonds apart are closer than kClashDistance in conformer `cid`: a
/// structure the clean-up could not pull apart (a substituent threaded through a ring, say).
bool has_clash(const RDKit::ROMol& mol, int cid) {
    const RDKit::Conformer& conf = mol.getConformer(cid);
    const double* topological = RDKit::MolOps::getDistanceMat(mol);
    const unsigned n = mol.getNumAtoms();
    for (unsigned i = 0; i < n; ++i) {
        if (mol.getAtomWithIdx(i)->getAtomicNum() == 1) continue;
        for (unsigned j = i + 1; j < n; ++j) {
            if (mol.getAtomWithIdx(j)->getAtomicNum() == 1 || topological[i * n + j] < 3) continue;
            if ((conf.getAtomPos(i) - conf.getAtomPos(j)).lengthSq() < kClashDistance * kClashDistance) return true;
        }
    }
    return false;
}

}  // namespace

RDKit::DGeomHelpers::EmbedParameters embed_parameters(std::uint64_t seed, bool random_coords, bool torsion_terms) {
    constexpr int kEmbedAttempts = 30;  // per conformer; RDKit's default (10 x atoms) can run for minutes
    RDKit::DGeomHelpers::EmbedParameters p =
        torsion_terms ? RDKit::DGeomHelpers::ETKDGv3 : RDKit::DGeomHelpers::ETDG;
    p.randomSeed = static_cast<int>(seed & 0x7fffffff);
    p.numThreads = 1;  // molecules are prepared in parallel already
    p.useRandomCoords = random_coords;
    p.maxIterations = kEmbedAttempts;
    return p;
}

std::vector<MolPtr> embed_forms(const RDKit::ROMol& input, int ring_conformers, std::uint64_t seed,
                                PreparationTimings& timings, bool enumerated) {
    if (ring_conformers < 1) fail("ring_conformers must be at least 1 (got ", ring_conformers, ")");
    std::optional<StageTimer> clock(std::in_place, timings.embed);
    // Force-field typing needs no coordinates: check it first, so that a molecule no force field can clean up
    // (metal complexes) fails at once instead of after every embedding method.
    RDKit::RWMol mol(input);
    RDKit::MolOps::addHs(mol);
    // (The typing sets MMFF's aromaticity on `mol`; the stereo signatures re-perceive RDKit's, so they compare.)
    auto typing = std::make_unique<RDKit::MMFF::MMFFMolProperties>(mol);
    if (!typing->isValid()) typing.reset();
    if (!typing && !RDKit::UFF::getAtomTypes(mol).second)
        fail("no MMFF94 or UFF parameters for this molecule; cannot clean up its 3D structure");
    const auto torsions = flexible_ring_torsions(mol);
    const int attempts = torsions.empty() ? 1 : (ring_conformers == 1 ? 1 : 4 * ring_conformers);
    const std::string requested_stereo = stereo_signature(mol, -1);
    auto embed = [&](RDKit::RWMol& m, const RDKit::DGeomHelpers::EmbedParameters& params) {
        if (attempts > 1) return RDKit::DGeomHelpers::EmbedMultipleConfs(m, attempts, params);
        const int cid = RDKit::DGeomHelpers::EmbedMolecule(m, params);
        return cid >= 0 ? std::vector<int>{cid} : std::vector<int>{};
    };

    // conformers whose geometry has the requested stereo (an embedding can invert a centre or a double bond)
    auto with_requested_stereo = [&](const RDKit::ROMol& m, std::vector<int> ids) {
        ids.erase(std::remove_if(ids.begin(), ids.end(),
                                 [&](int cid) { return stereo_signature(m, cid, &mol) != requested_stereo; }),
                  ids.end());
        return ids;
    };

    // Fastest first: the fragment builder (ring templates + ideal geometry, no distance geometry) when one form is
    // asked for; its structure is kept only with the requested stereo and, after the clean-up, without clashes.
    std::vector<int> cids;
    const char* method_name = "etkdg";
    if (ring_conformers == 1) {
        const int cid = build_from_fragments(mol, typing.get(), seed, enumerated);
        if (cid >= 0) cids = with_requested_stereo(mol, {cid});
        if (!cids.empty()) {
            clock.emplace(timings.force_field);
            relax(mol, cids.front(), typing.get());
            clock.emplace(timings.embed);
            if (stereo_signature(mol, cids.front(), &mol) != requested_stereo || has_clash(mol, cids.front()))
                cids.clear();
        }
        if (cids.empty()) mol.clearConformers();
        else method_name = "fragments";
    }
    const bool relaxed = !cids.empty();

    // Otherwise ETKDGv3 on the heavy atoms alone, from the eigenvector start and then from random coordinates, the
    // other hydrogens placed on them afterwards: 3-10x faster than embedding with every hydrogen (which Vina's
    // united-atom scoring ignores; the clean-up below relaxes them). The hydrogens of specified stereocentres stay
    // explicit: a three-coordinate centre's chiral volume is too weak a constraint (on every 10th approved drug, 283
    // of 295 forms keep their stereo with them, 263 without). Then, with every hydrogen (macrocycles, crowded
    // centres): from the eigenvector start, from random starting coordinates, and without the torsion preferences
    // (ETDG), which some bridged bicyclics need in RDKit 2022.09.
    RDKit::UINT_VECT stereo_hydrogen_owners;
    for (const RDKit::Atom* a : input.atoms())
        if (a->getChiralTag() != RDKit::Atom::CHI_UNSPECIFIED && a->getTotalNumHs() > 0)
            stereo_hydrogen_owners.push_back(a->getIdx());
    for (int method = 0; method < 2 && cids.empty(); ++method) {
        RDKit::RWMol heavy(input);
        if (!stereo_hydrogen_owners.empty()) RDKit::MolOps::addHs(heavy, false, false, &stereo_hydrogen_owners);
        cids = embed(heavy, embed_parameters(seed, method == 1, true));
        if (cids.empty()) continue;
        RDKit::MolOps::addHs(heavy, false, true);  // same atoms as `mol`, hydrogens in another order
        cids = heavy.getNumAtoms() == mol.getNumAtoms() ? with_requested_stereo(heavy, cids) : std::vector<int>{};
        if (cids.empty()) continue;
        mol = std::move(heavy);
        typing = std::make_unique<RDKit::MMFF::MMFFMolProperties>(mol);  // the typing is per atom index
        if (!typing->isValid()) typing.reset();
    }
    for (int method = 0; method < 4 && cids.empty(); ++method) {
        cids = embed(mol, embed_parameters(seed, method == 1 || method == 3, method < 2));
        // ETKDGv3 with every hydrogen is taken as it comes, as before the heavy-atom path existed: refusing its
        // stereo mismatches would lose famotidine and the rapamycin-like macrocycles, whose ring double bonds
        // RDKit 2022.09 cannot embed as specified; ETDG is kept only with the requested stereo
        if (method >= 2) cids = with_requested_stereo(mol, cids);
        if (cids.empty()) mol.clearConformers();
    }
    if (cids.empty())
        fail("3D embedding failed (ETKDGv3 on heavy atoms and with hydrogens, from random coordinates, and ETDG "
             "without torsion terms giving the requested stereochemistry)");

    clock.emplace(timings.force_field);
    std::vector<std::pair<double, int>> by_energy;
    for (int cid : cids) by_energy.emplace_back(relaxed ? 0.0 : relax(mol, cid, typing.get()), cid);
    std::stable_sort(by_energy.begin(), by_energy.end());

    // lowest energy first, then each conformer whose ring shape differs from all kept ones
    std::vector<std::vector<double>> kept_torsions;
    std::vector<MolPtr> out;
    for (const auto& [energy, cid] : by_energy) {
        const RDKit::Conformer& conf = mol.getConformer(cid);
        std::vector<double> t;
        for (const auto& q : torsions) t.push_back(MolTransforms::getDihedralDeg(conf, q[0], q[1], q[2], q[3]));
        bool distinct = true;
        for (const auto& k : kept_torsions) {
            double worst = 0;
            for (size_t i = 0; i < t.size(); ++i) worst = std::max(worst, angle_difference_deg(t[i], k[i]));
            distinct = distinct && worst > kDistinctRingTorsionDeg;
        }
        if (!distinct) continue;
        kept_torsions.push_back(std::move(t));
        auto form = std::make_unique<RDKit::RWMol>(mol, false, cid);
        form->setProp(kEmbeddingProperty, std::string(method_name));
        RDKit::Conformer& fc = form->getConformer();
        fc.set3D(true);
        bool flat = true;  // a linear molecule can come out in the z = 0 plane; tilt it so it reads as 3D
        for (const auto& p : fc.getPositions()) flat = flat && std::fabs(p.z) < 1e-4;
        if (flat) {
            const double c = std::cos(0.5), s = std::sin(0.5);
            for (auto& p : fc.getPositions()) {
                const double y = p.y, z = p.z;
                p.y = c * y - s * z;
                p.z = s * y + c * z;
            }
        }
        // to the 4 decimals of a molblock: a form rebuilt from its molblock (the prepared-ligand cache) is the same
        for (auto& p : fc.getPositions())
            for (double* x : {&p.x, &p.y, &p.z}) *x = std::round(*x * 1e4) / 1e4;
        out.push_back(std::move(form));
        if (static_cast<int>(out.size()) == ring_conformers) break;
    }
    return out;
}

}  // namespace vscreen::detail
