// Tests of the fragment builder: ring templates + ideal geometry give the specified stereo, MMFF lengths, trans amides.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <GraphMol/Conformer.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolTransforms/MolTransforms.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>

#include "preparation_steps.hpp"
#include "ring_templates.hpp"

using namespace vscreen::detail;

namespace {

struct Built {
    std::unique_ptr<RDKit::RWMol> mol;
    std::unique_ptr<RDKit::MMFF::MMFFMolProperties> typing;
    int cid = -1;
};

Built build(const std::string& smiles) {
    Built b;
    b.mol.reset(RDKit::SmilesToMol(smiles));
    EXPECT_TRUE(b.mol) << smiles;
    if (!b.mol) return b;
    RDKit::MolOps::addHs(*b.mol);
    b.typing = std::make_unique<RDKit::MMFF::MMFFMolProperties>(*b.mol);
    if (!b.typing->isValid()) b.typing.reset();  // the builder takes covalent radii then
    b.cid = build_from_fragments(*b.mol, b.typing.get(), 42, false);
    return b;
}

/// Canonical isomeric SMILES of the heavy atoms with the stereo read from conformer `cid`.
std::string stereo_from_3d(const RDKit::ROMol& mol, int cid) {
    RDKit::RWMol copy(mol);
    RDKit::MolOps::assignStereochemistryFrom3D(copy, cid);
    RDKit::MolOps::removeHs(copy);
    return RDKit::MolToSmiles(copy);
}

std::string canonical(const std::string& smiles) {
    std::unique_ptr<RDKit::RWMol> m(RDKit::SmilesToMol(smiles));
    return RDKit::MolToSmiles(*m);
}

}  // namespace

TEST(FragmentBuilder, SetsEverySpecifiedCentreAndDoubleBond) {
    const std::vector<std::string> cases = {
        "C[C@H](N)C(=O)O", "C[C@@H](N)C(=O)O",                      // an acyclic centre, both ways
        "C/C=C/C(=O)O", "C/C=C\\C(=O)O", "CC/C(C)=C(\\C)CO",         // acyclic double bonds, E and Z
        "CC[C@]1(C)CC(=O)NC1=O", "CC[C@@]1(C)CC(=O)NC1=O",            // ring centre, alike stubs (ethosuximide)
        "C[C@H]1CC[C@@H](O)CC1", "C[C@H]1CC[C@H](O)CC1",              // trans and cis 1,4-cyclohexane
        "O=C(N[C@@H](Cc1ccccc1)C(=O)N[C@H](C)C(=O)O)c1ccccc1",        // a peptide: centres next to amides
        "C[C@@H]1O[C@H](CO)[C@@H](O)[C@H](O)[C@H]1O",                  // a sugar: five ring centres
        "CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O",                             // menthol
        "C[C@]12CC[C@H]3[C@@H](CC=C4C[C@@H](O)CC[C@]43C)[C@@H]1CC[C@@H]2O",  // a steroid: fused centres
        "C=C1CC[C@H](O)C/C1=C/C=C1\\CCC[C@]2(C)[C@@H]([C@H](C)CCCC(C)C)CC[C@@H]12",  // vitamin D3: exocyclic E/Z
    };
    for (const auto& s : cases) {
        Built b = build(s);
        ASSERT_GE(b.cid, 0) << s;
        EXPECT_EQ(stereo_from_3d(*b.mol, b.cid), canonical(s)) << s;
    }
}

TEST(FragmentBuilder, BondLengthsAreMmffsAndNothingOverlaps) {
    Built b = build("CN1CCN(CC1)Cc1ccc(cc1)C(=O)Nc1ccc(C)c(Nc2nccc(n2)-c2cccnc2)c1");  // imatinib
    ASSERT_GE(b.cid, 0);
    ASSERT_TRUE(b.typing);
    const RDKit::Conformer& conf = b.mol->getConformer(b.cid);
    const RDKit::RingInfo* rings = b.mol->getRingInfo();
    int acyclic = 0;
    for (const RDKit::Bond* bond : b.mol->bonds()) {
        const unsigned i = bond->getBeginAtomIdx(), j = bond->getEndAtomIdx();
        const double len = (conf.getAtomPos(i) - conf.getAtomPos(j)).length();
        EXPECT_GT(len, 0.9) << i << "-" << j;
        EXPECT_LT(len, 1.7) << i << "-" << j;
        // bonds placed around acyclic atoms have MMFF94's reference length (ring and ring-substituent bonds
        // come from the template)
        if (rings->numAtomRings(i) || rings->numAtomRings(j)) continue;
        unsigned type = 0;
        ForceFields::MMFF::MMFFBond params{};
        ASSERT_TRUE(b.typing->getMMFFBondStretchParams(*b.mol, i, j, type, params));
        EXPECT_NEAR(len, params.r0, 1e-6) << i << "-" << j;
        ++acyclic;
    }
    EXPECT_GT(acyclic, 10);
    const double* topological = RDKit::MolOps::getDistanceMat(*b.mol);
    const unsigned n = b.mol->getNumAtoms();
    for (unsigned i = 0; i < n; ++i)
        for (unsigned j = i + 1; j < n; ++j) {
            if (b.mol->getAtomWithIdx(i)->getAtomicNum() == 1 || b.mol->getAtomWithIdx(j)->getAtomicNum() == 1 ||
                topological[i * n + j] < 3)
                continue;
            EXPECT_GT((conf.getAtomPos(i) - conf.getAtomPos(j)).length(), 2.0) << i << " " << j;
        }
}

TEST(FragmentBuilder, SecondaryAmidesAreTrans) {
    // N-methylacetamide and an anilide: the carbonyl oxygen anti to the amide hydrogen (amide C-N does not rotate in
    // the docking, so the builder's choice is the docked one)
    for (const std::string s : {"CC(=O)NC", "CC(=O)Nc1ccccc1", "O=C(NCc1ccccc1)C1CCCCC1"}) {
        Built b = build(s);
        ASSERT_GE(b.cid, 0) << s;
        const RDKit::Conformer& conf = b.mol->getConformer(b.cid);
        int amides = 0;
        for (const RDKit::Bond* bond : b.mol->bonds()) {
            const RDKit::Atom *c = bond->getBeginAtom(), *nn = bond->getEndAtom();
            if (c->getAtomicNum() == 7) std::swap(c, nn);
            if (c->getAtomicNum() != 6 || nn->getAtomicNum() != 7) continue;
            int o = -1, h = -1;
            for (const RDKit::Atom* x : b.mol->atomNeighbors(c))
                if (x->getAtomicNum() == 8) o = static_cast<int>(x->getIdx());
            for (const RDKit::Atom* x : b.mol->atomNeighbors(nn))
                if (x->getAtomicNum() == 1) h = static_cast<int>(x->getIdx());
            if (o < 0 || h < 0) continue;
            const double t = MolTransforms::getDihedralDeg(conf, static_cast<unsigned>(o), c->getIdx(), nn->getIdx(),
                                                           static_cast<unsigned>(h));
            EXPECT_GT(std::fabs(t), 170.0) << s;
            ++amides;
        }
        EXPECT_EQ(amides, 1) << s;
    }
}

TEST(FragmentBuilder, ResultDoesNotDependOnTheTemplateCache) {
    const std::string target = "Cc1ccc(cc1)S(=O)(=O)N[C@@H]1CCN(C1)C(=O)c1ccncc1";
    clear_ring_template_cache();
    Built cold = build(target);
    clear_ring_template_cache();
    build("O=C1CCN(C1)c1ccncc1");  // fills the cache with other fragments and the same rings in another atom order
    build("NS(=O)(=O)c1ccc(C)cc1");
    Built warm = build(target);
    ASSERT_GE(cold.cid, 0);
    ASSERT_GE(warm.cid, 0);
    const auto& a = cold.mol->getConformer(cold.cid).getPositions();
    const auto& w = warm.mol->getConformer(warm.cid).getPositions();
    ASSERT_EQ(a.size(), w.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ((a[i] - w[i]).lengthSq(), 0.0) << i;
}

TEST(FragmentBuilder, LeavesHypervalentCentresToDistanceGeometry) {
    Built b = build("FS(F)(F)(F)(F)c1ccccc1");  // pentafluorosulfanyl: no ideal star of six here
    EXPECT_EQ(b.cid, -1);
}
