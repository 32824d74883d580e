// Replays every input the fuzzers found (tests/data/fuzz_regressions/<target>/) through the same reader calls as
// the fuzz targets: each must be read or refused with a vscreen::Error, never crash or throw anything else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "fuzz_harness.hpp"

namespace fs = std::filesystem;

namespace {

using Harness = void (*)(const uint8_t*, size_t);

const std::map<std::string, Harness>& harnesses() {
    static const std::map<std::string, Harness> h = {
        {"ligand_pdbqt", vscreen::fuzz::ligand_pdbqt}, {"receptor_pdbqt", vscreen::fuzz::receptor_pdbqt},
#ifdef VSCREEN_FUZZ_PREP
        {"sdf", vscreen::fuzz::sdf}, {"mol2", vscreen::fuzz::mol2}, {"pdb_receptor", vscreen::fuzz::pdb_receptor},
        {"smiles", vscreen::fuzz::smiles}, {"inchi", vscreen::fuzz::inchi},
#endif
    };
    return h;
}

const fs::path kRoot = fs::path(VSCREEN_TEST_DATA) / "fuzz_regressions";

std::vector<fs::path> inputs_of(const std::string& target) {
    std::vector<fs::path> out;
    if (fs::is_directory(kRoot / target))
        for (const auto& e : fs::directory_iterator(kRoot / target))
            if (e.is_regular_file()) out.push_back(e.path());
    return out;
}

}  // namespace

TEST(FuzzRegressions, EveryFolderNamesATarget) {
    ASSERT_TRUE(fs::is_directory(kRoot));
    int inputs = 0;
    for (const auto& e : fs::directory_iterator(kRoot)) {
        if (!e.is_directory()) continue;
        const std::string name = e.path().filename().string();
        if (harnesses().count(name)) inputs += static_cast<int>(inputs_of(name).size());
#ifdef VSCREEN_FUZZ_PREP
        else ADD_FAILURE() << "no fuzz target named " << name;
#endif
    }
    EXPECT_GT(inputs, 0);
}

TEST(FuzzRegressions, InputsAreReadOrRefusedWithAnError) {
    for (const auto& [target, run] : harnesses()) {
        for (const fs::path& p : inputs_of(target)) {
            SCOPED_TRACE(p.string());
            std::ifstream f(p, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            EXPECT_NO_THROW(run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
        }
    }
}

#ifdef VSCREEN_FUZZ_PREP
// The findings' reasons: each says what is wrong with the input.
TEST(FuzzRegressions, PdbWithoutCoordinatesIsAnInputErrorNamingTheFile) {
    const fs::path p = kRoot / "pdb_receptor" / "no_coordinates.pdb";
    try {
        vscreen::read_receptor_pdb_file(p.string());
        FAIL() << "read without an error";
    } catch (const vscreen::InputError& e) {
        EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
}

TEST(FuzzRegressions, InchiNamingAnAtomItsFormulaLacksIsRefusedBeforeLibinchi) {
    if (!vscreen::has_inchi_support()) GTEST_SKIP() << "built without the IUPAC InChI library";
    const auto out = vscreen::prepare_ligands({vscreen::MoleculeInput{"InChI=1S/C.P26O/c13", "inchi"}});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].ok);
    EXPECT_NE(out[0].error.find("names atom 13 in component 1, whose formula has 1"), std::string::npos)
        << out[0].error;
    const auto second = vscreen::prepare_ligands({vscreen::MoleculeInput{"InChI=1S/C14/c14-/C14/c14-7-1-4I-1L2(9", "inchi"}});
    EXPECT_NE(second[0].error.find("unknown layer '/C14'"), std::string::npos) << second[0].error;
    // a well-formed InChI still reads
    const auto good = vscreen::prepare_ligands({vscreen::MoleculeInput{"InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3", "inchi"}});
    EXPECT_TRUE(good[0].ok) << good[0].error;
}
#endif

#ifdef VSCREEN_FUZZ_PREP
TEST(FuzzRegressions, Mol2BondToAMissingAtomIsRefusedBeforeRdkit) {
    const fs::path p = kRoot / "mol2" / "bond_to_atom_0.mol2";
    const auto records = vscreen::read_ligand_records(p.string());
    ASSERT_EQ(records.size(), 1u);
    EXPECT_FALSE(records[0].ok);
    EXPECT_NE(records[0].error.find("bond 15 joins atoms 1 and 0; the molecule has atoms 1 to 87"), std::string::npos)
        << records[0].error;
    // the same molecule as Vina ships it reads
    EXPECT_TRUE(vscreen::read_ligand_records(std::string(VSCREEN_TEST_DATA) + "/BACE_1_ligand.mol2")[0].ok);
}
#endif
