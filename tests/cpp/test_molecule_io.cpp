// Tests of the RDKit-based readers and writers (vscreen::prep): typing, torsion trees, riders, SDF output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_helpers.hpp"
#include "vscreen/atom_type.hpp"
#include "vscreen/error.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/molecule_io.hpp"
#include "vscreen/pdbqt.hpp"

using namespace vscreen;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string temp_file(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + "vscreen_molio_" + name;
    std::ofstream f(path);
    f << text;
    return path;
}

std::map<int, int> xs_counts(const Ligand& lig) {
    std::map<int, int> m;
    for (const auto& a : lig.atoms)
        if (a.element != 1) ++m[a.xs];
    return m;
}

std::map<std::string, int> ad_counts(const Ligand& lig) {
    std::map<std::string, int> m;
    for (const auto& a : lig.atoms) ++m[a.ad_type];
    return m;
}

int polar_h(const Ligand& lig) {
    int n = 0;
    for (const auto& a : lig.atoms) n += a.ad_type == "HD";
    return n;
}

float dist(Vec3 a, Vec3 b) { return norm(a - b); }

/// The SDF text of imatinib, one record without the "$$$$" line.
std::string imatinib_record() {
    std::string s = slurp(data_path("1iep_ligand.sdf"));
    return s.substr(0, s.find("$$$$"));
}

/// Methylboronic acid with 3D coordinates (boron has no Vina parameters).
const char* kBoronicAcid =
    "boronic\n  test              3D\n\n"
    "  4  3  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 B   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.5500    0.0000    0.1000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "   -0.7000    1.2000    0.2000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "   -0.7000   -1.2000   -0.2000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\n  1  3  1  0\n  1  4  1  0\n"
    "M  END\n";

}  // namespace

TEST(MoleculeIo, ImatinibFromSdfMatchesPdbqt) {
    const std::vector<LigandRecord> recs = read_ligand_records(data_path("1iep_ligand.sdf"));
    ASSERT_EQ(recs.size(), 1u);
    ASSERT_TRUE(recs[0].ok) << recs[0].error;
    const Ligand& sdf = recs[0].ligand;
    const Ligand pdbqt = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));

    EXPECT_EQ(sdf.num_heavy_atoms(), 37);
    EXPECT_EQ(pdbqt.num_heavy_atoms(), 37);
    EXPECT_EQ(polar_h(sdf), polar_h(pdbqt));
    EXPECT_EQ(polar_h(sdf), 3);
    EXPECT_EQ(xs_counts(sdf), xs_counts(pdbqt));
    EXPECT_EQ(ad_counts(sdf), ad_counts(pdbqt));  // A/C, NA/N, OA, HD as Meeko typed them
    EXPECT_FLOAT_EQ(sdf.num_rotors, 7.0f);
    EXPECT_FLOAT_EQ(sdf.num_rotors, pdbqt.num_rotors);
    EXPECT_EQ(sdf.num_torsions(), 7);
    EXPECT_EQ(sdf.name, "STI");
    EXPECT_EQ(recs[0].name, "STI");
    EXPECT_NE(recs[0].source.find("1iep_ligand.sdf:1"), std::string::npos);
}

TEST(MoleculeIo, ImatinibTreeAndRiders) {
    const Ligand lig = read_ligand_file(data_path("1iep_ligand.sdf"));
    EXPECT_NO_THROW(validate(lig, "imatinib"));
    EXPECT_EQ(lig.atoms.size() + lig.riders.size(), 69u);  // every input atom is kept somewhere
    EXPECT_EQ(lig.riders.size(), 29u);
    ASSERT_EQ(lig.molblock_index.size(), lig.atoms.size());
    std::vector<int> seen(69, 0);
    for (int m : lig.molblock_index) ++seen.at(m);
    for (const auto& r : lig.riders) ++seen.at(r.molblock_index);
    for (int s : seen) EXPECT_EQ(s, 1);
    EXPECT_FALSE(lig.molblock.empty());
    EXPECT_FALSE(lig.pdbqt_lines.empty());
    for (const auto& a : lig.atoms) EXPECT_FALSE(a.name.empty());
    // Gasteiger charges: finite, amide O negative.
    for (const auto& a : lig.atoms) {
        EXPECT_TRUE(std::isfinite(a.charge));
        if (a.ad_type == "OA") EXPECT_LT(a.charge, 0.0f);
    }
    // Rotatable bonds join atoms of different nodes and each node's bond atom is bonded to its parent atom.
    for (size_t k = 1; k < lig.nodes.size(); ++k) {
        const TorsionNode& n = lig.nodes[k];
        bool bonded = false;
        for (const auto& b : lig.bonds)
            bonded = bonded || (b[0] == n.parent_atom && b[1] == n.child_atom) || (b[1] == n.parent_atom && b[0] == n.child_atom);
        EXPECT_TRUE(bonded) << "node " << k;
    }
}

TEST(MoleculeIo, TruncatedRecordBetweenTwoGoodOnes) {
    const std::string good = imatinib_record();
    std::istringstream in(good);
    std::string truncated, line;
    for (int i = 0; i < 20 && std::getline(in, line); ++i) truncated += line + "\n";  // atom block cut short
    const std::string path = temp_file("truncated.sdf", good + "$$$$\n" + truncated + "$$$$\n" + good + "$$$$\n");
    const auto recs = read_ligand_records(path);
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_TRUE(recs[0].ok) << recs[0].error;
    EXPECT_FALSE(recs[1].ok);
    EXPECT_TRUE(recs[2].ok) << recs[2].error;
    EXPECT_EQ(recs[1].index, 1);
    EXPECT_FALSE(recs[1].error.empty());
    EXPECT_NE(recs[1].error.find(path), std::string::npos) << recs[1].error;
    EXPECT_TRUE(recs[1].ligand.atoms.empty());
    EXPECT_EQ(recs[2].ligand.num_heavy_atoms(), 37);
    EXPECT_EQ(recs[2].index, 2);
}

// The boronic acid with germanium in boron's place: an element no Vina type stands in for.
std::string germanium_acid() {
    std::string block = kBoronicAcid;
    block.replace(block.find(" B   0"), 6, " Ge  0");
    return block;
}

TEST(MoleculeIo, UnsupportedElementFails) {
    const std::string path = temp_file("germanium.sdf", germanium_acid() + "$$$$\n" + imatinib_record() + "$$$$\n");
    const auto recs = read_ligand_records(path);
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_FALSE(recs[0].ok);
    EXPECT_NE(recs[0].error.find("unsupported element Ge"), std::string::npos) << recs[0].error;
    EXPECT_EQ(recs[0].name, "boronic");
    EXPECT_TRUE(recs[1].ok) << recs[1].error;
    try {
        ligand_from_molblock(germanium_acid(), "germanium");
        FAIL() << "germanium accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unsupported element Ge"), std::string::npos) << e.what();
    }
}

TEST(MoleculeIo, BoronDocksTypedAsCarbonAndKeepsItsElementInSdf) {
    const Ligand lig = ligand_from_molblock(kBoronicAcid, "boronic");
    const auto boron = std::find_if(lig.atoms.begin(), lig.atoms.end(),
                                    [](const LigandAtom& a) { return a.name.rfind("B", 0) == 0; });
    ASSERT_NE(boron, lig.atoms.end());
    EXPECT_EQ(boron->ad_type, "C");
    EXPECT_EQ(boron->xs, kXsC_P);  // bonded to the two oxygens: a polar carbon, no hydrophobic term
    std::vector<Vec3> coords;
    for (const auto& a : lig.atoms) coords.push_back(a.coords);
    std::vector<Vec3> riders;
    for (const auto& r : lig.riders) riders.push_back(r.coords);
    std::ostringstream sdf;
    write_sdf_pose(sdf, lig, coords, riders, {});
    EXPECT_NE(sdf.str().find(" B   0"), std::string::npos) << sdf.str();  // the pose is written with boron
}

TEST(MoleculeIo, SanitizeFailureIsReportedWithReason) {
    const char* pentavalent =
        "bad\n  test              3D\n\n"
        "  6  5  0  0  0  0  0  0  0  0999 V2000\n"
        "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "    1.5000    0.0000    0.1000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "   -1.5000    0.0000    0.1000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "    0.0000    1.5000    0.1000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "    0.0000   -1.5000    0.1000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "    0.0000    0.0000    1.5000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "  1  2  1  0\n  1  3  1  0\n  1  4  1  0\n  1  5  1  0\n  1  6  1  0\n"
        "M  END\n";
    const std::string path = temp_file("valence.sdf", imatinib_record() + "$$$$\n" + pentavalent + "$$$$\n");
    const auto recs = read_ligand_records(path);
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_TRUE(recs[0].ok);
    ASSERT_FALSE(recs[1].ok);
    EXPECT_NE(recs[1].error.find("valence"), std::string::npos) << recs[1].error;
    EXPECT_NE(recs[1].error.find(path + ":"), std::string::npos) << recs[1].error;
    const std::string first = imatinib_record();
    const int first_lines = static_cast<int>(std::count(first.begin(), first.end(), '\n')) + 1;  // + "$$$$"
    EXPECT_EQ(recs[1].source, path + ":" + std::to_string(first_lines + 1));
}

TEST(MoleculeIo, EmptyFileHasNoRecords) {
    const std::string path = temp_file("empty.sdf", "");
    EXPECT_TRUE(read_ligand_records(path).empty());
    EXPECT_THROW(read_ligand_file(path), InputError);
    EXPECT_TRUE(read_ligand_records(temp_file("empty.mol2", "\n")).empty());
}

TEST(MoleculeIo, BadFilesThrow) {
    EXPECT_THROW(read_ligand_records("/nonexistent/x.sdf"), InputError);
    EXPECT_THROW(read_ligand_records(temp_file("x.xyz", "1\n\nC 0 0 0\n")), InputError);
    EXPECT_THROW(read_ligand_file(temp_file("bad.sdf", "garbage\n$$$$\n")), InputError);
}

TEST(MoleculeIo, Needs3DAndOneFragment) {
    // Flatten imatinib onto z = 0 and declare it 2D.
    std::istringstream in(imatinib_record());
    std::string flat, line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (lineno == 2) line = "     RDKit          2D";
        else if (lineno >= 5 && lineno <= 73) line = line.substr(0, 20) + "    0.0000" + line.substr(30);
        flat += line + "\n";
    }
    try {
        ligand_from_molblock(flat, "flat");
        FAIL() << "2D molecule accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("needs 3D coordinates"), std::string::npos) << e.what();
    }
    const char* two =
        "two\n  test              3D\n\n"
        "  2  0  0  0  0  0  0  0  0  0999 V2000\n"
        "    0.0000    0.0000    0.5000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "    4.0000    0.0000    1.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n"
        "M  END\n";
    try {
        ligand_from_molblock(two, "two");
        FAIL() << "two fragments accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("several fragments; keep one"), std::string::npos) << e.what();
    }
}

TEST(MoleculeIo, Mol2Blocks) {
    const auto recs = read_ligand_records(data_path("BACE_1_ligand.mol2"));
    ASSERT_EQ(recs.size(), 1u);
    ASSERT_TRUE(recs[0].ok) << recs[0].error;
    const Ligand& lig = recs[0].ligand;
    EXPECT_EQ(lig.num_heavy_atoms(), 38);
    EXPECT_EQ(lig.atoms.size() + lig.riders.size(), 87u);
    EXPECT_EQ(lig.name, "lig_BACE_1.pdb");
    EXPECT_EQ(lig.atoms[0].name.empty(), false);
    EXPECT_GT(lig.num_torsions(), 0);
    // Two MOLECULE blocks in one file.
    const std::string text = slurp(data_path("BACE_1_ligand.mol2"));
    const auto two = read_ligand_records(temp_file("two.mol2", text + text));
    ASSERT_EQ(two.size(), 2u);
    EXPECT_TRUE(two[0].ok && two[1].ok);
    EXPECT_EQ(two[1].ligand.atoms.size(), lig.atoms.size());
    EXPECT_NE(two[1].source.find(":" + std::to_string(std::count(text.begin(), text.end(), '\n') + 1)), std::string::npos)
        << two[1].source;
    EXPECT_EQ(ligand_from_mol2_block(text, "bace").atoms.size(), lig.atoms.size());
}

TEST(MoleculeIo, PdbqtThroughRecords) {
    const auto recs = read_ligand_records(data_path("1iep_ligand.pdbqt"));
    ASSERT_EQ(recs.size(), 1u);
    ASSERT_TRUE(recs[0].ok) << recs[0].error;
    EXPECT_EQ(recs[0].ligand.atoms.size(), 40u);
}

TEST(MoleculeIo, RidersMoveWithTheirFragment) {
    const Ligand lig = read_ligand_file(data_path("1iep_ligand.sdf"));
    const LigandModel model(lig);
    std::vector<float> pose = model.reference_pose();
    const auto ref_riders = model.rider_coordinates(pose);
    ASSERT_EQ(ref_riders.size(), lig.riders.size());
    for (size_t i = 0; i < ref_riders.size(); ++i) EXPECT_LT(dist(ref_riders[i], lig.riders[i].coords), 1e-3f);
    pose[0] += 1;
    pose[1] += 2;
    pose[2] += 3;
    const auto moved = model.rider_coordinates(pose);
    for (size_t i = 0; i < moved.size(); ++i) {
        const Vec3 d = moved[i] - ref_riders[i];
        EXPECT_NEAR(d.x, 1.0f, 1e-4f);
        EXPECT_NEAR(d.y, 2.0f, 1e-4f);
        EXPECT_NEAR(d.z, 3.0f, 1e-4f);
    }
    // A torsion change moves a rider of the rotated fragment with it (its distance to its heavy atom is kept).
    if (lig.num_torsions() > 0) {
        std::vector<float> twisted = model.reference_pose();
        twisted[7] += 1.0f;
        const auto atoms = model.coordinates(twisted);
        const auto riders = model.rider_coordinates(twisted);
        for (size_t i = 0; i < riders.size(); ++i) {
            float best_ref = 1e9f;
            int nearest = -1;
            for (size_t a = 0; a < lig.atoms.size(); ++a) {
                const float d = dist(lig.riders[i].coords, lig.atoms[a].coords);
                if (d < best_ref) { best_ref = d; nearest = static_cast<int>(a); }
            }
            EXPECT_NEAR(dist(riders[i], atoms[nearest]), best_ref, 1e-3f) << "rider " << i;
        }
    }
}

TEST(MoleculeIo, WriteSdfPoseRoundTrip) {
    const Ligand lig = read_ligand_file(data_path("1iep_ligand.sdf"));
    const LigandModel model(lig);
    std::vector<float> pose = model.reference_pose();
    pose[0] += 1;
    pose[1] += 2;
    pose[2] += 3;
    const auto coords = model.coordinates(pose);
    const auto riders = model.rider_coordinates(pose);
    std::ostringstream out;
    write_sdf_pose(out, lig, coords, riders, {{"vscreen_score", "-9.500"}, {"vscreen_rank", "1"}});
    const std::string text = out.str();
    EXPECT_NE(text.find("> <vscreen_score>\n-9.500\n"), std::string::npos);
    EXPECT_NE(text.find("> <vscreen_rank>\n1\n"), std::string::npos);
    EXPECT_EQ(text.rfind("$$$$\n"), text.size() - 5);
    EXPECT_EQ(text.substr(0, 4), "STI\n");

    // Expected coordinates by molblock index.
    std::vector<Vec3> expected(69);
    for (size_t i = 0; i < lig.atoms.size(); ++i) expected.at(lig.molblock_index[i]) = coords[i];
    for (size_t i = 0; i < lig.riders.size(); ++i) expected.at(lig.riders[i].molblock_index) = riders[i];

    const auto back = read_ligand_records(temp_file("pose.sdf", text + text));
    ASSERT_EQ(back.size(), 2u);
    ASSERT_TRUE(back[0].ok) << back[0].error;
    const Ligand& b = back[0].ligand;
    EXPECT_EQ(b.name, "STI");
    EXPECT_EQ(b.atoms.size(), lig.atoms.size());
    EXPECT_EQ(b.riders.size(), lig.riders.size());
    for (size_t i = 0; i < b.atoms.size(); ++i) {
        EXPECT_LT(dist(b.atoms[i].coords, expected.at(b.molblock_index[i])), 1e-3f) << "atom " << i;
        EXPECT_EQ(b.atoms[i].element, lig.atoms[i].element);
    }
    for (size_t i = 0; i < b.riders.size(); ++i)
        EXPECT_LT(dist(b.riders[i].coords, expected.at(b.riders[i].molblock_index)), 1e-3f) << "rider " << i;
    EXPECT_EQ(xs_counts(b), xs_counts(lig));

    EXPECT_THROW(write_sdf_pose(out, lig, std::vector<Vec3>(3), riders, {}), Error);
}

TEST(MoleculeIo, WriteSdfFromPdbqtLigand) {
    const Ligand lig = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    ASSERT_TRUE(lig.molblock.empty());
    std::ostringstream out;
    write_sdf_pose(out, lig, reference_coords(lig), {}, {{"score", "-1"}});
    std::istringstream in(out.str());
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    ASSERT_GT(lines.size(), 4u);
    EXPECT_EQ(lines[0], lig.name);
    const int na = std::stoi(lines[3].substr(0, 3)), nb = std::stoi(lines[3].substr(3, 3));
    EXPECT_EQ(na, 40);
    EXPECT_EQ(nb, static_cast<int>(lig.bonds.size()));
    EXPECT_NE(lines[3].find("V2000"), std::string::npos);
    EXPECT_EQ(lines[4 + na + nb], "M  END");
    EXPECT_FLOAT_EQ(std::stof(lines[4].substr(0, 10)), std::round(lig.atoms[0].coords.x * 1e4f) / 1e4f);
    EXPECT_EQ(lines.back(), "$$$$");
}

TEST(MoleculeIo, ReceptorFromPdbMatchesPreparedPdbqt) {
    const Receptor rec = read_receptor_pdb_file(data_path("1iep_receptorH_excerpt.pdb"));
    const Receptor ref = read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    ASSERT_GT(rec.size(), 100u);
    // Every heavy atom of the excerpt is in the full prepared receptor with the same XS type.
    int matched = 0, same = 0;
    for (size_t i = 0; i < rec.size(); ++i) {
        for (size_t j = 0; j < ref.size(); ++j) {
            if (dist(rec.coords[i], ref.coords[j]) < 1e-3f) {
                ++matched;
                same += rec.xs[i] == ref.xs[j];
                EXPECT_EQ(xs_name(rec.xs[i]), std::string(xs_name(ref.xs[j]))) << "atom " << i;
                break;
            }
        }
    }
    EXPECT_EQ(matched, static_cast<int>(rec.size()));
    EXPECT_EQ(same, matched);
}

TEST(MoleculeIo, ReceptorSkipsWaterAndRejectsUnknownElements) {
    const std::string excerpt = slurp(data_path("1iep_receptorH_excerpt.pdb"));
    const std::string atoms = excerpt.substr(0, excerpt.rfind("END"));
    const std::string water =
        "HETATM 9001  O   HOH W   1      30.000  30.000  30.000  1.00  0.00           O\n"
        "HETATM 9002  H1  HOH W   1      30.957  30.000  30.000  1.00  0.00           H\n"
        "HETATM 9003  H2  HOH W   1      29.760  30.927  30.000  1.00  0.00           H\n";
    const Receptor plain = read_receptor_pdb_file(data_path("1iep_receptorH_excerpt.pdb"));
    const Receptor wet = read_receptor_pdb_file(temp_file("wet.pdb", atoms + water + "END\n"));
    EXPECT_EQ(wet.size(), plain.size());
    const std::string selenium = "HETATM 9004 SE   MSE X 900      40.000  40.000  40.000  1.00  0.00          SE\n";
    try {
        read_receptor_pdb_file(temp_file("se.pdb", atoms + selenium + "END\n"));
        FAIL() << "selenium accepted";
    } catch (const InputError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("se.pdb"), std::string::npos) << what;
        EXPECT_NE(what.find("serial 9004"), std::string::npos) << what;
        EXPECT_NE(what.find("unsupported element Se"), std::string::npos) << what;
    }
}

TEST(MoleculeIo, PreparedReceptorPdbqtReadsBack) {
    const std::string pdb = data_path("1iep_receptorH_excerpt.pdb");
    const std::string text = prepare_receptor_pdbqt(pdb);
    std::istringstream in(text);
    std::string line;
    int hd = 0, lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        ASSERT_GE(line.size(), 78u) << line;
        EXPECT_TRUE(line.rfind("ATOM  ", 0) == 0 || line.rfind("HETATM", 0) == 0) << line;
        EXPECT_EQ(line[76], ' ') << line;
        const std::string type = line.substr(77);
        EXPECT_NE(type, "H") << line;  // non-polar hydrogens are removed
        hd += type == "HD";
        EXPECT_EQ(line.substr(30, 8).find_first_not_of(" -.0123456789"), std::string::npos) << line;
        EXPECT_EQ(line[34], '.');  // %8.3f in columns 31-38
        EXPECT_EQ(line[72], '.');  // charge %6.3f in columns 71-76 ("-0.123")
    }
    EXPECT_GT(hd, 10);
    const std::string path = temp_file("receptor.pdbqt", text);
    const Receptor back = read_receptor_pdbqt_file(path);
    const Receptor direct = read_receptor_pdb_file(pdb);
    ASSERT_EQ(back.size(), direct.size());
    for (size_t i = 0; i < back.size(); ++i) {
        EXPECT_LT(dist(back.coords[i], direct.coords[i]), 1e-3f);
        EXPECT_EQ(back.xs[i], direct.xs[i]) << "atom " << i;
    }
    EXPECT_THROW(read_receptor_pdb_file("/nonexistent.pdb"), InputError);
}
