// PDBQT reading (torsion tree, errors with file and line) and writing (Vina's layout, atom order kept).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_helpers.hpp"
#include "vscreen/error.hpp"
#include "vscreen/pdbqt.hpp"

using namespace vscreen;

namespace {
std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
std::string error_of(const std::string& text, bool receptor = false) {
    std::istringstream in(text);
    try {
        if (receptor) read_receptor_pdbqt(in, "bad.pdbqt");
        else read_ligand_pdbqt(in, "bad.pdbqt");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}
const char* kAtom1 = "ATOM      1  C   UNL     1      16.600  51.810  14.798  1.00  0.00     0.100 C \n";
const char* kAtom2 = "ATOM      2  C   UNL     1      17.600  51.810  14.798  1.00  0.00     0.100 C \n";
}  // namespace

TEST(Pdbqt, ImatinibTreeMatchesFile) {
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    EXPECT_EQ(l.name, "1iep_ligand");
    EXPECT_EQ(l.atoms.size(), 40u);        // 37 heavy + 3 polar H
    EXPECT_EQ(l.num_torsions(), 7);        // BRANCH records
    EXPECT_EQ(l.nodes[0].end - l.nodes[0].begin, 4);  // ROOT holds N, C, O, H
    for (size_t k = 1; k < l.nodes.size(); ++k) EXPECT_LT(l.nodes[k].parent, static_cast<int>(k));
}

TEST(Pdbqt, WritingReferenceCoordinatesReproducesInputLines) {
    const std::string path = data_path("1iep_ligand.pdbqt");
    const Ligand l = read_ligand_pdbqt_file(path);
    std::ostringstream out;
    write_pdbqt(out, l, reference_coords(l));
    EXPECT_EQ(out.str(), slurp(path));
}

TEST(Pdbqt, ModelHasVinaRemarks) {
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    ModeRemarks r;
    r.affinity = -13.234f;
    r.inter_plus_intra = -19.105f;
    r.inter = -18.649f;
    r.intra = -0.456f;
    r.unbound = -0.456f;
    std::ostringstream out;
    write_pdbqt_model(out, l, reference_coords(l), 1, r);
    const std::string s = out.str();
    // Same layout as Vina 1.2.3's own output file for this ligand.
    const std::string vina = slurp(data_path("1iep_ligand_vina_out.pdbqt"));
    for (const char* line : {"MODEL 1\n", "REMARK VINA RESULT:   -13.234      0.000      0.000\n",
                             "REMARK INTER + INTRA:         -19.105\n", "REMARK INTER:                 -18.649\n",
                             "REMARK INTRA:                  -0.456\n", "REMARK UNBOUND:                -0.456\n"}) {
        EXPECT_NE(s.find(line), std::string::npos) << line;
        EXPECT_NE(vina.find(line), std::string::npos) << line;
    }
    EXPECT_EQ(s.substr(s.size() - 7), "ENDMDL\n");
}

TEST(Pdbqt, ReadsFirstModelOfVinaOutput) {
    const Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand_vina_out.pdbqt"));
    EXPECT_EQ(l.atoms.size(), 40u);
    EXPECT_NEAR(l.atoms[0].coords.x, 16.714f, 1e-4);  // model 1, atom 1
}

TEST(Pdbqt, ReceptorKeepsOnlyScoredAtoms) {
    const Receptor r = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    EXPECT_EQ(r.size(), 2229u);  // 2702 atom lines minus 473 HD
}

TEST(Pdbqt, ErrorsNameFileAndLine) {
    EXPECT_NE(error_of(std::string("ROOT\n") + kAtom1 + "ATOM      2  C   UNL     1      17.600  5x.810  14.798  1.00  0.00     0.100 C \nENDROOT\n")
                  .find("bad.pdbqt:3: cannot read y"),
              std::string::npos);
    EXPECT_NE(error_of(std::string("ROOT\n") + "ATOM      1  C   UNL     1      16.600  51.810  14.798  1.00  0.00     0.100 Qq\nENDROOT\n")
                  .find("bad.pdbqt:2: unsupported AutoDock atom type 'Qq'"),
              std::string::npos);
    EXPECT_NE(error_of(std::string("ROOT\nATOM      1  C   UNL     1      16.600  51.810\nENDROOT\n")).find("bad.pdbqt:2:"),
              std::string::npos);
    EXPECT_NE(error_of(kAtom1).find("bad.pdbqt:1: atom outside ROOT/BRANCH"), std::string::npos);
    EXPECT_NE(error_of("").find("no ROOT"), std::string::npos);
    EXPECT_NE(error_of(std::string("ROOT\n") + kAtom1 + "ENDROOT\nBRANCH 1 9\n" + kAtom2 + "ENDBRANCH 1 9\n")
                  .find("unknown atom"),
              std::string::npos);
    EXPECT_NE(error_of(std::string("ROOT\n") + kAtom1 + "ENDROOT\nBRANCH 1 2\n" + kAtom2).find("unterminated BRANCH"),
              std::string::npos);
    EXPECT_NE(error_of("REMARK nothing\n", true).find("no atoms"), std::string::npos);
    EXPECT_NE(error_of(std::string("ROOT\n") + kAtom1 + "ENDROOT\n", true).find("flexible"), std::string::npos);
    EXPECT_THROW(read_ligand_pdbqt_file("/nonexistent/x.pdbqt"), InputError);
}

TEST(Pdbqt, TemplateFromTreeRoundTrips) {
    Ligand l = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    make_pdbqt_template(l);
    std::ostringstream out;
    write_pdbqt(out, l, reference_coords(l));
    std::istringstream in(out.str());
    const Ligand back = read_ligand_pdbqt(in, "template");
    ASSERT_EQ(back.atoms.size(), l.atoms.size());
    EXPECT_EQ(back.num_torsions(), l.num_torsions());
    EXPECT_FLOAT_EQ(back.num_rotors, l.num_rotors);
    for (size_t i = 0; i < l.atoms.size(); ++i) {
        EXPECT_EQ(back.atoms[i].xs, l.atoms[i].xs);
        EXPECT_NEAR(back.atoms[i].coords.x, l.atoms[i].coords.x, 1e-3);
    }
}
