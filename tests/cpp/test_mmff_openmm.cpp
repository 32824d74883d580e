// The C++ MMFF94 -> OpenMM translation gives RDKit's own MMFF94 energy, term by term, within 1e-3 relative.
#include <gtest/gtest.h>

#include <GraphMol/GraphMol.h>  // first: the MMFF headers need the complete molecule types
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/DistGeomHelpers/Embedder.h>
#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <ForceField/ForceField.h>

#include <cmath>
#include <memory>

#include "test_helpers.hpp"
#include "vscreen/refine/mmff_openmm.hpp"

using namespace vscreen;

namespace {

// RDKit's MMFF94 energy of the conformer with only the terms flagged on (the reference implementation).
double rdkit_energy(RDKit::ROMol& mol, const std::array<bool, kMmffTermCount>& on) {
    RDKit::MMFF::MMFFMolProperties props(mol);
    props.setMMFFBondTerm(on[0]);
    props.setMMFFAngleTerm(on[1]);
    props.setMMFFStretchBendTerm(on[2]);
    props.setMMFFOopTerm(on[3]);
    props.setMMFFTorsionTerm(on[4]);
    props.setMMFFVdWTerm(on[5]);
    props.setMMFFEleTerm(on[6]);
    std::unique_ptr<ForceFields::ForceField> ff(
        RDKit::MMFF::constructForceField(mol, &props, 1.0e6, -1, false));
    ff->initialize();
    return ff->calcEnergy();
}

void expect_same_energy(RDKit::ROMol& mol, const std::string& what) {
    std::array<double, kMmffTermCount> terms{};
    const double total = openmm_mmff_energy(mol, "Reference", &terms);
    const double reference = rdkit_energy(mol, {true, true, true, true, true, true, true});
    EXPECT_NEAR(total, reference, 1e-3 * std::max(1.0, std::fabs(reference))) << what;
    for (int k = 0; k < kMmffTermCount; ++k) {
        std::array<bool, kMmffTermCount> only{};
        only[k] = true;
        const double r = rdkit_energy(mol, only);
        EXPECT_NEAR(terms[k], r, 1e-3 * std::max(1.0, std::fabs(r))) << what << ", term " << k;
    }
}

std::unique_ptr<RDKit::RWMol> embedded(const std::string& smiles) {
    std::unique_ptr<RDKit::RWMol> mol(RDKit::SmilesToMol(smiles));
    RDKit::MolOps::addHs(*mol);
    RDKit::DGeomHelpers::EmbedParameters params = RDKit::DGeomHelpers::ETKDGv3;
    params.randomSeed = 7;
    EXPECT_GE(RDKit::DGeomHelpers::EmbedMolecule(*mol, params), 0) << smiles;
    return mol;
}

}  // namespace

TEST(MmffOpenMM, CrystalLigandsMatchRdkit) {
    for (const char* name : {"1iep_ligand.sdf", "1s3v_ligand.sdf"}) {
        RDKit::SDMolSupplier sdf(data_path(name), true, false);
        std::unique_ptr<RDKit::ROMol> raw(sdf.next());
        ASSERT_TRUE(raw) << name;
        std::unique_ptr<RDKit::ROMol> mol(RDKit::MolOps::addHs(*raw, false, true));
        expect_same_energy(*mol, name);
    }
}

TEST(MmffOpenMM, FunctionalGroupsMatchRdkit) {
    // Linear centres (nitrile, alkyne: the cos form, no stretch-bend), charged groups, sulfonamide, aromatics.
    for (const char* smiles : {"CC#N", "CC#CC(=O)O", "C[NH3+]", "CC(=O)[O-]", "NS(=O)(=O)c1ccc(cc1)C(=O)N",
                               "c1ccc2[nH]ccc2c1", "CN1CCN(CC1)C(=O)c1ccco1", "FC(F)(F)c1cc(Cl)cc(Br)c1"}) {
        auto mol = embedded(smiles);
        expect_same_energy(*mol, smiles);
    }
}

TEST(MmffOpenMM, UnsupportedInputIsAnErrorWithItsReason) {
    std::unique_ptr<RDKit::RWMol> implicit(RDKit::SmilesToMol("CCO"));
    EXPECT_THROW(
        {
            try {
                mmff_terms(*implicit);
            } catch (const LigandParameterError& e) {
                EXPECT_NE(std::string(e.what()).find("implicit hydrogens"), std::string::npos) << e.what();
                throw;
            }
        },
        LigandParameterError);
    auto boron = embedded("OB(O)c1ccccc1");
    try {
        mmff_terms(*boron);
        FAIL() << "boron has no MMFF94 type";
    } catch (const LigandParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("element(s) B"), std::string::npos) << e.what();
    }
    auto ok = embedded("CCO");
    EXPECT_THROW(openmm_mmff_energy(*ok, "NoSuchPlatform"), InputError);
}
