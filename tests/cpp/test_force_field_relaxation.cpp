// Tests of the preparation's MMFF94 clean-up: RDKit's energy and gradient, RDKit's minimum, straight angles bent.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <ForceField/ForceField.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MolTransforms/MolTransforms.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include "force_field_relaxation.hpp"

using namespace vscreen::detail;

namespace {

struct Embedded {
    std::unique_ptr<RDKit::RWMol> mol;
    std::unique_ptr<RDKit::MMFF::MMFFMolProperties> typing;
    int cid = -1;
};

/// `smiles` with hydrogens, one ETKDG conformer (not minimised) and its MMFF94 typing.
Embedded embedded(const std::string& smiles) {
    Embedded e;
    e.mol.reset(RDKit::SmilesToMol(smiles));
    RDKit::MolOps::addHs(*e.mol);
    RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
    params.randomSeed = 7;
    e.cid = RDKit::DGeomHelpers::EmbedMolecule(*e.mol, params);
    e.typing = std::make_unique<RDKit::MMFF::MMFFMolProperties>(*e.mol);
    return e;
}

/// RDKit's own MMFF94 force field over conformer `cid`.
std::unique_ptr<ForceFields::ForceField> rdkit_mmff(Embedded& e) {
    std::unique_ptr<ForceFields::ForceField> ff(RDKit::MMFF::constructForceField(*e.mol, e.typing.get(), 100.0, e.cid));
    ff->initialize();
    return ff;
}

// Charged groups and 1-4 pairs (electrostatics, scaled), aromatic and sp3 rings, an amide, a sulfonamide, halogens.
const std::vector<std::string> kMolecules = {
    "CC(=O)Oc1ccccc1C(=O)O",                          // aspirin
    "C[NH+](C)CCC=C1c2ccccc2CCc2ccccc21",             // amitriptyline, protonated
    "NC(=O)c1ccc(S(N)(=O)=O)cc1Cl",                   // an aryl sulfonamide
    "OC(=O)[C@@H]1CCCN1C(=O)[C@@H](N)Cc1ccc(O)cc1",   // Tyr-Pro
    "[O-]C(=O)CC(F)(F)F",                             // a charged carboxylate
};

/// Every 5th SMILES of the project's 300 approved drugs (tests/data/approved_drugs_300.csv): charged, aromatic,
/// macrocyclic, sulfur, phosphorus and halogen chemistry; salts and what RDKit cannot read are skipped.
std::vector<std::string> approved_drug_sample() {
    std::ifstream in(std::string(VSCREEN_TEST_DATA) + "/approved_drugs_300.csv");
    std::vector<std::string> out;
    std::string line;
    std::getline(in, line);  // header
    for (int row = 0; std::getline(in, line); ++row) {
        const std::string smiles = line.substr(line.rfind(',') + 1);
        if (row % 5 == 0 && smiles.find('.') == std::string::npos) out.push_back(smiles);
    }
    return out;
}

}  // namespace

TEST(ForceFieldRelaxation, EnergyAndGradientAreRdkitsOverApprovedDrugs) {
    const auto sample = approved_drug_sample();
    ASSERT_GE(sample.size(), 50u);
    int compared = 0;
    for (const std::string& smiles : sample) {
        Embedded e = embedded(smiles);
        if (!e.mol || e.cid < 0 || !e.typing->isValid()) continue;
        auto ff = rdkit_mmff(e);
        const double reference = ff->calcEnergy();
        std::vector<double> gradient;
        const double ours = mmff_energy(*e.mol, e.cid, *e.typing, &gradient);
        ASSERT_NEAR(ours, reference, 1e-8 * std::max(1.0, std::fabs(reference))) << smiles;
        // the gradient against central differences of RDKit's energy, on every atom of the molecule
        std::vector<double> x(gradient.size());
        const RDKit::Conformer& conf = e.mol->getConformer(e.cid);
        for (unsigned a = 0; a < e.mol->getNumAtoms(); ++a)
            for (int k = 0; k < 3; ++k) x[3 * a + k] = conf.getAtomPos(a)[k];
        constexpr double h = 1e-5;
        for (size_t c = 0; c < x.size(); ++c) {
            std::vector<double> plus = x, minus = x;
            plus[c] += h, minus[c] -= h;
            const double fd = (ff->calcEnergy(plus.data()) - ff->calcEnergy(minus.data())) / (2 * h);
            ASSERT_NEAR(gradient[c], fd, 1e-4 * std::max(1.0, std::fabs(fd))) << smiles << " coordinate " << c;
        }
        ++compared;
    }
    EXPECT_GE(compared, 45);
}

TEST(ForceFieldRelaxation, EnergyIsRdkitsMmff94) {
    for (const std::string& smiles : kMolecules) {
        Embedded e = embedded(smiles);
        ASSERT_GE(e.cid, 0) << smiles;
        ASSERT_TRUE(e.typing->isValid()) << smiles;
        const double reference = rdkit_mmff(e)->calcEnergy();
        const double ours = mmff_energy(*e.mol, e.cid, *e.typing);
        EXPECT_NEAR(ours, reference, 1e-9 * std::max(1.0, std::fabs(reference))) << smiles;
        // the typing's term switches are as they were
        EXPECT_TRUE(e.typing->getMMFFVdWTerm() && e.typing->getMMFFEleTerm());
    }
}

TEST(ForceFieldRelaxation, ReachesRdkitsMinimum) {
    for (const std::string& smiles : kMolecules) {
        Embedded ours = embedded(smiles), theirs = embedded(smiles);
        const double start = mmff_energy(*ours.mol, ours.cid, *ours.typing);
        const Relaxation r = relax_mmff(*ours.mol, ours.cid, *ours.typing, 5000);
        const double e_ours = r.energy;
        EXPECT_FALSE(r.stuck) << smiles;
        auto ff = rdkit_mmff(theirs);
        ff->minimize(5000, 1e-6, 1e-8);
        const double e_theirs = ff->calcEnergy();
        // the returned energy is the conformer's, written back
        EXPECT_NEAR(e_ours, mmff_energy(*ours.mol, ours.cid, *ours.typing), 1e-9 * std::max(1.0, std::fabs(e_ours)));
        EXPECT_LT(e_ours, start - 1.0) << smiles;
        // the same local minimum from the same start (a wrong gradient term would stop elsewhere, or not converge)
        EXPECT_NEAR(e_ours, e_theirs, 0.05) << smiles << ": " << e_ours << " vs RDKit " << e_theirs;
    }
}

TEST(ForceFieldRelaxation, StopsAtTheIterationLimitAndIsDeterministic) {
    Embedded a = embedded(kMolecules[3]), b = embedded(kMolecules[3]), c = embedded(kMolecules[3]);
    const double e_short = relax_mmff(*a.mol, a.cid, *a.typing, 5).energy;
    const double e_long = relax_mmff(*b.mol, b.cid, *b.typing, 300).energy;
    EXPECT_LT(e_long, e_short - 1.0);
    EXPECT_EQ(relax_mmff(*c.mol, c.cid, *c.typing, 300).energy, e_long);
    const RDKit::Conformer &cb = b.mol->getConformer(b.cid), &cc = c.mol->getConformer(c.cid);
    for (unsigned i = 0; i < b.mol->getNumAtoms(); ++i) EXPECT_EQ((cb.getAtomPos(i) - cc.getAtomPos(i)).length(), 0.0);
}

TEST(ForceFieldRelaxation, BendsAStraightAngleThatDistanceGeometryLeft) {
    // RDKit 2022.09's ETKDGv3 (seed 7) puts amitriptyline's C4-C5=C6 at 180 deg: the angle term has no gradient
    // there, and without the nudge the clean-up left it straight (and got stuck, gradient 1e5 kcal/mol/A)
    Embedded e = embedded(kMolecules[1]);
    const RDKit::Conformer& conf = e.mol->getConformer(e.cid);
    ASSERT_GT(MolTransforms::getAngleDeg(conf, 4, 5, 6), 179.0);
    const Relaxation r = relax_mmff(*e.mol, e.cid, *e.typing, 350);
    EXPECT_FALSE(r.stuck);
    EXPECT_LT(MolTransforms::getAngleDeg(conf, 4, 5, 6), 135.0);  // sp2: MMFF94's reference ~121-125 deg
}
