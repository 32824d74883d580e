// The C++ refinement (receptor System from XML, pocket, complex, minimisation, MM-GBSA, strain, MD) reproduces
// the Python stage on 1S3V: the same pose, settings and platform give the same numbers.
#include <gtest/gtest.h>

#include <GraphMol/FileParsers/MolSupplier.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include <openmm/System.h>

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "vscreen/refine/pose_refiner.hpp"
#include "vscreen/refine/openmm_energy.hpp"
#include "vscreen/refine/refine_batch.hpp"

using namespace vscreen;

namespace {

// Written by tests/cpp/refine_reference.py (the ctest fixture refine_reference_python).
const std::string kDir = VSCREEN_REFINE_REFERENCE;

struct Reference {
    std::map<std::string, std::string> values;
    std::vector<OpenMM::Vec3> ligand;  // minimised, A
    double number(const std::string& key) const { return std::stod(values.at(key)); }
};

const Reference& reference() {
    static const Reference ref = [] {
        Reference r;
        std::ifstream in(kDir + "/reference.txt");
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream is(line);
            std::string key;
            is >> key;
            if (key == "ligand") {
                int i;
                double x, y, z;
                is >> i >> x >> y >> z;
                r.ligand.emplace_back(x, y, z);
            } else {
                is >> r.values[key];
            }
        }
        return r;
    }();
    return ref;
}

std::shared_ptr<const ReceptorModel> receptor() {
    static const auto model = std::make_shared<const ReceptorModel>(
        ReceptorModel::load(kDir + "/1s3v_H.pdb", kDir + "/1s3v_ff14sb.xml"));
    return model;
}

std::unique_ptr<RDKit::ROMol> ligand() {
    RDKit::SDMolSupplier sdf(kDir + "/ligand_H.sdf", true, false);
    return std::unique_ptr<RDKit::ROMol>(sdf.next());
}

RefineSettings reference_settings() {
    const Reference& ref = reference();
    RefineSettings s;
    s.pocket_radius = ref.number("pocket_radius");
    s.restrain_beyond = ref.number("restrain_beyond");
    s.restraint_k = ref.number("restraint_k");
    s.tolerance = ref.number("tolerance");
    s.max_iterations = static_cast<int>(ref.number("max_iterations"));
    s.md_ps = ref.number("md_ps");
    s.md_report_ps = ref.number("md_report_ps");
    s.seed = static_cast<std::uint32_t>(ref.number("seed"));
    s.platform = ref.values.at("platform");
    return s;
}

Pocket reference_pocket(const RDKit::ROMol& mol) {
    return Pocket(receptor(), receptor()->pocket_atoms(heavy_atom_positions_nm(mol), reference_settings().pocket_radius));
}

// Phenylboronic acid with hydrogens, its atoms on the crystal ligand's first atoms (in the pocket): MMFF94 has
// no type for boron.
std::unique_ptr<RDKit::RWMol> boronic_acid_in_the_pocket() {
    std::unique_ptr<RDKit::RWMol> boron(RDKit::SmilesToMol("OB(O)c1ccccc1"));
    RDKit::MolOps::addHs(*boron);
    const auto crystal = ligand();
    auto* conf = new RDKit::Conformer(boron->getNumAtoms());
    for (unsigned i = 0; i < boron->getNumAtoms(); ++i) conf->setAtomPos(i, crystal->getConformer().getAtomPos(i));
    boron->addConformer(conf, true);
    return boron;
}

const RefinedPose& refined_crystal() {
    static const RefinedPose pose = [] {
        auto mol = ligand();
        PoseRefiner refiner(reference_pocket(*mol), reference_settings());
        return refiner.refine(*mol);
    }();
    return pose;
}

}  // namespace

TEST(PoseRefiner, ReceptorAndPocketAsThePythonStage) {
    ASSERT_FALSE(reference().values.empty()) << "no " << kDir << "/reference.txt (run the ctest fixture)";
    EXPECT_EQ(receptor()->size(), receptor()->system->getNumParticles());
    auto mol = ligand();
    EXPECT_EQ(reference_pocket(*mol).size(), static_cast<int>(reference().number("pocket_atoms")));
    // Whole residues only: an atom is in the pocket exactly when its residue is.
    const Pocket pocket = reference_pocket(*mol);
    std::vector<bool> kept(receptor()->size(), false);
    for (int i : pocket.atoms()) kept[i] = true;
    for (int i = 1; i < receptor()->size(); ++i)
        if (receptor()->residue_of[i] == receptor()->residue_of[i - 1]) EXPECT_EQ(kept[i], kept[i - 1]) << i;
}

TEST(PoseRefiner, EnergiesEqualThePythonStage) {
    const RefinedPose& pose = refined_crystal();
    const Reference& ref = reference();
    const struct {
        const char* key;
        double value;
    } cases[] = {{"e_complex", pose.mmgbsa.e_complex}, {"e_receptor", pose.mmgbsa.e_receptor},
                 {"e_ligand", pose.mmgbsa.e_ligand},   {"dg_mmgbsa", pose.mmgbsa.dg},
                 {"dg_coulomb", pose.mmgbsa.coulomb},  {"dg_vdw", pose.mmgbsa.vdw},
                 {"dg_gb", pose.mmgbsa.gb},            {"rmsd_minimised", pose.rmsd_minimised}};
    for (const auto& c : cases) {
        const double expected = ref.number(c.key);
        EXPECT_NEAR(c.value, expected, 1e-3 + 1e-5 * std::fabs(expected)) << c.key;
        ::testing::Test::RecordProperty(std::string("diff_") + c.key, std::to_string(c.value - expected));
    }
    // The strain's second minimisation (the ligand alone, 150 L-BFGS steps on a flat landscape) amplifies the
    // last-bit differences between the two MMFF94 translations (term order in each force): 2e-3 kcal/mol here.
    EXPECT_NEAR(pose.ligand_strain, ref.number("ligand_strain"), 1e-2);
    ::testing::Test::RecordProperty("diff_ligand_strain", std::to_string(pose.ligand_strain - ref.number("ligand_strain")));
    // The estimate is the sum of its parts, and the crystal pose binds.
    EXPECT_NEAR(pose.mmgbsa.dg, pose.mmgbsa.coulomb + pose.mmgbsa.vdw + pose.mmgbsa.gb, 1e-6);
    EXPECT_LT(pose.mmgbsa.dg, -20.0);
}

TEST(PoseRefiner, MinimisedPoseAndMdEqualThePythonStage) {
    const RefinedPose& pose = refined_crystal();
    const Reference& ref = reference();
    ASSERT_EQ(pose.ligand_positions_angstrom.size(), ref.ligand.size());
    for (size_t i = 0; i < ref.ligand.size(); ++i)
        for (int d = 0; d < 3; ++d) EXPECT_NEAR(pose.ligand_positions_angstrom[i][d], ref.ligand[i][d], 1e-4) << i;
    ASSERT_FALSE(pose.md_rmsd.empty());
    EXPECT_NEAR(pose.md_rmsd.back(), ref.number("md_rmsd_final"), 1e-4);
    EXPECT_NEAR(pose.md_rmsd_mean_second_half, ref.number("md_rmsd_mean"), 1e-4);
    EXPECT_EQ(pose.md_stays, ref.number("md_stays") != 0);

    // The refined molecule: the minimised coordinates and the results as SD properties, as the Python stage writes.
    auto mol = ligand();
    const auto refined = refined_molecule(*mol, pose);
    EXPECT_NEAR(refined->getConformer().getAtomPos(0).x, ref.ligand[0][0], 1e-4);
    EXPECT_NEAR(std::stod(refined->getProp<std::string>("vscreen_refine_dg_mmgbsa")), ref.number("dg_mmgbsa"), 1.5e-3);
    EXPECT_EQ(refined->getProp<std::string>("vscreen_refine_md_stays"), "true");
    EXPECT_NE(refined->getConformer().getAtomPos(0).x, mol->getConformer().getAtomPos(0).x);  // a copy was changed
}

TEST(PoseRefiner, PoseOutOfThePocketScoresWorse) {
    auto mol = ligand();
    RefineSettings s = reference_settings();
    s.md_ps = 0;
    s.ligand_strain = false;
    PoseRefiner refiner(reference_pocket(*mol), s);  // the crystal pose's pocket
    RDKit::ROMol shifted(*mol);
    RDKit::Conformer& conf = shifted.getConformer();
    for (unsigned i = 0; i < shifted.getNumAtoms(); ++i) conf.getAtomPos(i).x += 6.0;  // half out of the pocket
    const RefinedPose moved = refiner.refine(shifted);
    EXPECT_GT(moved.mmgbsa.dg, refined_crystal().mmgbsa.dg + 5.0);
}

TEST(PoseRefiner, UnparameterisableLigandIsRefusedWithItsReason) {
    auto mol = ligand();
    PoseRefiner refiner(reference_pocket(*mol), reference_settings());
    auto boron = boronic_acid_in_the_pocket();
    boron->getConformer().set3D(false);
    try {
        refiner.refine(*boron);
        FAIL() << "a boronic acid was refined";
    } catch (const LigandParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("3D"), std::string::npos) << e.what();  // a 2D conformer first
    }
    boron->getConformer().set3D(true);
    try {
        refiner.refine(*boron);
        FAIL() << "a boronic acid was refined";
    } catch (const LigandParameterError& e) {
        EXPECT_NE(std::string(e.what()).find("element(s) B"), std::string::npos) << e.what();
    }
}

TEST(PoseRefiner, MismatchedReceptorFilesAreRefused) {
    // The System of 1S3V with another PDB (the 1IEP receptor excerpt) must not load.
    try {
        ReceptorModel::load(std::string(VSCREEN_TEST_DATA) + "/1iep_receptorH_excerpt.pdb", kDir + "/1s3v_ff14sb.xml");
        FAIL() << "mismatched files loaded";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("particles"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ReceptorModel::load(kDir + "/1s3v_H.pdb", kDir + "/missing.xml"), InputError);
    EXPECT_THROW(ReceptorModel::load(kDir + "/1s3v_H.pdb", kDir + "/1s3v_H.pdb"), InputError);  // not XML
}

TEST(PoseRefiner, BatchRecordsFailuresAndRefinesTheRest) {
    auto crystal = ligand();
    RefineSettings s = reference_settings();
    s.md_ps = 0;
    const auto boron = boronic_acid_in_the_pocket();
    RDKit::ROMol copy(*crystal);
    const std::vector<const RDKit::ROMol*> poses = {crystal.get(), nullptr, boron.get(), &copy};
    const std::vector<PoseOutcome> out = refine_batch(receptor(), poses, s, 2);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_TRUE(out[0].ok) << out[0].error;
    EXPECT_EQ(out[1].stage, "input");
    EXPECT_FALSE(out[1].ok);
    EXPECT_EQ(out[2].stage, "parameterise");
    EXPECT_NE(out[2].error.find("element(s) B"), std::string::npos) << out[2].error;
    ASSERT_TRUE(out[3].ok) << out[3].error;
    // Same pose, same pocket (the boron sits inside the crystal pose's), other worker: the same numbers.
    EXPECT_EQ(out[0].pose.mmgbsa.dg, out[3].pose.mmgbsa.dg);
    EXPECT_EQ(out[0].pose.mmgbsa.dg, refined_crystal().mmgbsa.dg);
    EXPECT_EQ(out[0].pose.ligand_strain, refined_crystal().ligand_strain);
}

TEST(PoseRefiner, AutoPlatformIsResolvedToOneThatRuns) {
    const std::string chosen = resolve_platform_name("auto");
    EXPECT_TRUE(chosen == "CUDA" || chosen == "CPU" || chosen == "Reference") << chosen;
    EXPECT_EQ(resolve_platform_name("Reference"), "Reference");
    auto mol = ligand();
    RefineSettings s;  // platform "auto" by default
    PoseRefiner refiner(reference_pocket(*mol), s);
    EXPECT_EQ(refiner.settings().platform, chosen);
    EXPECT_THROW(PoseRefiner(reference_pocket(*mol), [] {
                     RefineSettings bad;
                     bad.platform = "NoSuchPlatform";
                     return bad;
                 }()),
                 InputError);
}
