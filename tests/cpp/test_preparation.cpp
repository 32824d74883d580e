// Tests of ligand preparation: charge states at pH 7.4, salts, stereo enumeration, failures recorded, InChI.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vscreen/error.hpp"
#include "vscreen/preparation.hpp"

using namespace vscreen;

namespace {

MoleculeInput smiles(const std::string& s, const std::string& id = "") { return MoleculeInput{s, "smiles", id, "", ""}; }

std::vector<PreparedLigand> prepare(const std::vector<MoleculeInput>& in, PreparationOptions opt = {}) {
    opt.threads = 2;
    return prepare_ligands(in, opt);
}

/// The forms of a single input; fails the test if it did not prepare.
std::vector<PreparedLigand> forms_of(const std::string& s, PreparationOptions opt = {}) {
    auto out = prepare({smiles(s, "x")}, opt);
    EXPECT_FALSE(out.empty());
    for (const auto& p : out) EXPECT_TRUE(p.ok) << s << ": " << p.error;
    return out;
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST(Protonation, AcidsLoseAProtonAtPh74) {
    EXPECT_EQ(forms_of("CC(=O)Oc1ccccc1C(=O)O")[0].smiles, "CC(=O)Oc1ccccc1C(=O)[O-]");  // aspirin
    EXPECT_EQ(forms_of("c1ccc(cc1)-c1nn[nH]n1")[0].smiles, "c1ccc(-c2nn[n-]n2)cc1");      // 5-phenyltetrazole
    EXPECT_EQ(count(forms_of("CS(=O)(=O)O")[0].smiles, "[O-]"), 1);                       // methanesulfonic acid
}

TEST(Protonation, BasesGainAProtonAndAmidesAnilinesStayNeutral) {
    // imatinib: only the distal N-methyl piperazine nitrogen is protonated (pKa 8.1); anilines, amide, pyridine not
    const std::string imatinib = forms_of("CN1CCN(CC1)Cc1ccc(cc1)C(=O)Nc1ccc(C)c(Nc2nccc(n2)-c2cccnc2)c1")[0].smiles;
    EXPECT_EQ(count(imatinib, "+"), 1) << imatinib;
    EXPECT_NE(imatinib.find("[NH+](C)"), std::string::npos) << imatinib;
    EXPECT_EQ(forms_of("NC(=N)c1ccccc1")[0].smiles, "NC(=[NH2+])c1ccccc1");  // benzamidine
    EXPECT_EQ(count(forms_of("CN(C)C(=N)N=C(N)N")[0].smiles, "+"), 1);      // metformin: one proton on the biguanide
    EXPECT_EQ(count(forms_of("NCCN")[0].smiles, "+"), 1);                     // ethylenediamine: one, not two
    EXPECT_EQ(forms_of("Nc1ccccc1")[0].smiles, "Nc1ccccc1");                  // aniline
    EXPECT_EQ(forms_of("CC(=O)NC")[0].smiles, "CNC(C)=O");                    // amide
    EXPECT_EQ(forms_of("c1ccncc1")[0].smiles, "c1ccncc1");                    // pyridine
}

TEST(Protonation, ZwitterionsAndSaltsAreStandardisedFirst) {
    // a salt's counter-ion goes, the acid part is re-ionised by the pH rules
    EXPECT_EQ(forms_of("[Na+].[O-]C(=O)c1ccccc1")[0].smiles, "O=C([O-])c1ccccc1");
    // a neutral amino acid written as such comes out zwitterionic
    const std::string ala = forms_of("C[C@H](N)C(=O)O")[0].smiles;
    EXPECT_EQ(count(ala, "[NH3+]"), 1) << ala;
    EXPECT_EQ(count(ala, "[O-]"), 1) << ala;
    PreparationOptions keep;
    keep.protonate = false;
    EXPECT_EQ(forms_of("C[C@H](N)C(=O)O", keep)[0].smiles, "C[C@H](N)C(=O)O");
}

TEST(Tautomers, CanonicalTautomerNeverAddsAStereocentre) {
    // cabazitaxel: RDKit's canonical tautomer moves the C=C of the A ring through carbon, which would create an
    // unspecified stereocentre (four "isomers" of a drug that has one); the input form is kept instead
    const auto forms = forms_of(
        "CO[C@H]1C(=O)[C@]2(C)[C@@H](OC)C[C@H]3OC[C@@]3(OC(C)=O)[C@H]2[C@H](OC(=O)c2ccccc2)[C@]2(O)C[C@H]"
        "(OC(=O)[C@H](O)[C@@H](NC(=O)OC(C)(C)C)c3ccccc3)C(C)=C1C2(C)C");
    std::set<std::string> isomers;
    for (const auto& f : forms) isomers.insert(f.smiles);
    EXPECT_EQ(isomers.size(), 1u);  // one stereoisomer (in up to 4 ring shapes)
    // a real tautomer fix is still made: 2-hydroxypyridine becomes 2-pyridone
    EXPECT_EQ(forms_of("Oc1ccccn1")[0].smiles, "O=c1cccc[nH]1");
}

TEST(Tautomers, ImidicAcidsBecomeAmidesHoweverManyTheyAre) {
    // a decapeptide written with nine imidic acids has 2^9 tautomers, past the enumeration's cap: without the amide
    // rewrite its canonical tautomer kept six imidic acids
    std::string peptide = "NC(C)";
    for (int i = 0; i < 8; ++i) peptide += "C(O)=NC(C)";
    peptide += "C(O)=NCC(=O)O";
    PreparationOptions one;
    one.max_stereoisomers = 1;
    const std::string amides = forms_of(peptide, one)[0].smiles;
    EXPECT_EQ(count(amides, "=O"), 10) << amides;  // nine amides and the carboxylate
    EXPECT_EQ(count(amides, "=N"), 0) << amides;
    // an imidate ester is no imidic acid; a lactim (a ring imidic acid outside aromatic rings) becomes its lactam
    EXPECT_EQ(forms_of("CCOC(C)=N")[0].smiles, "CCOC(C)=N");
    EXPECT_EQ(forms_of("OC1=NCCC1")[0].smiles, "O=C1CCCN1");
    // the tautomer rules keep every 1,3 shift but the amide's N-H to its own oxygen: a thioimidic acid still
    // becomes its thioamide (the S-H donor part of the split rule)
    EXPECT_EQ(forms_of("CC(S)=NC")[0].smiles, "CNC(C)=S");
}

TEST(Stereo, UnspecifiedCentresAreEnumeratedSpecifiedOnesKept) {
    auto both = forms_of("NC(Cc1ccccc1)C(=O)O");  // phenylalanine without stereo
    ASSERT_EQ(both.size(), 2u);
    EXPECT_NE(both[0].smiles, both[1].smiles);
    EXPECT_EQ(both[0].variant, 0);
    EXPECT_EQ(both[1].variant, 1);
    EXPECT_EQ(forms_of("N[C@@H](Cc1ccccc1)C(=O)O").size(), 1u);  // L-phenylalanine
    PreparationOptions one;
    one.max_stereoisomers = 1;
    EXPECT_EQ(forms_of("NC(Cc1ccccc1)C(=O)O", one).size(), 1u);
    // 2-butene without E/Z gives both; three unspecified centres give 8, capped at the default 4
    EXPECT_EQ(forms_of("CC=CC").size(), 2u);
    EXPECT_EQ(forms_of("CC(O)C(O)C(O)CC").size(), 4u);
}

TEST(Embedding, GivesA3DStructureWithHydrogensAndSaneBonds) {
    auto p = forms_of("CN1CCN(CC1)Cc1ccc(cc1)C(=O)Nc1ccc(C)c(Nc2nccc(n2)-c2cccnc2)c1")[0];
    const Ligand& lig = p.ligand;
    EXPECT_EQ(std::count_if(lig.atoms.begin(), lig.atoms.end(), [](const LigandAtom& a) { return a.element != 1; }), 37);
    EXPECT_FALSE(lig.riders.empty());                                   // non-polar hydrogens ride on their carbons
    EXPECT_GT(lig.nodes.size(), 5u);                                    // a torsion tree, not a rigid body
    float zmin = 1e9f, zmax = -1e9f;
    for (const auto& a : lig.atoms) {
        zmin = std::min(zmin, a.coords.z);
        zmax = std::max(zmax, a.coords.z);
    }
    EXPECT_GT(zmax - zmin, 1.0f);
    for (const auto& b : lig.bonds) {
        const Vec3 d = lig.atoms[b[0]].coords - lig.atoms[b[1]].coords;
        const float len = std::sqrt(d.x * d.x + d.y * d.y + d.z * d.z);
        EXPECT_GT(len, 0.9f);
        EXPECT_LT(len, 1.9f);
    }
    EXPECT_NE(lig.molblock.find("V2000"), std::string::npos);
}

TEST(Embedding, RingConformersDifferInRingShape) {
    PreparationOptions opt;
    opt.ring_conformers = 3;
    auto forms = forms_of("O=C1CCCCC1", opt);  // cyclohexanone: chair and twist-boat shapes
    ASSERT_GE(forms.size(), 2u);
    ASSERT_LE(forms.size(), 3u);
    EXPECT_EQ(forms[0].smiles, forms[1].smiles);
    for (const auto& f : forms) EXPECT_EQ(f.ring_forms, static_cast<int>(forms.size()));
    EXPECT_EQ(forms_of("O=C1CCCCC1").size(), 1u);  // the default: one
    const auto phenol = forms_of("c1ccccc1O", opt);
    ASSERT_EQ(phenol.size(), 1u);  // aromatic rings have one shape
    EXPECT_EQ(phenol[0].ring_forms, 1);
}

TEST(Embedding, RingShapesShareTheDockingChains) {
    PreparedLigand form;
    EXPECT_EQ(docking_chains(form, 8), 8);  // one shape: all of them
    form.ring_forms = 2;
    EXPECT_EQ(docking_chains(form, 8), 4);
    form.ring_forms = 3;
    EXPECT_EQ(docking_chains(form, 8), 3);  // rounded up: never fewer chains in all than asked for
    form.ring_forms = 4;
    EXPECT_EQ(docking_chains(form, 1), 1);
    EXPECT_THROW(docking_chains(form, 0), InputError);
    // Stereoisomers do not share: each keeps its own chains (their ring shapes share them).
    PreparationOptions shapes;
    shapes.ring_conformers = 3;
    const auto isomers = forms_of("CC(N)C1CCCCC1O", shapes);  // three centres, capped at 4 isomers
    std::set<std::string> smiles;
    for (const auto& f : isomers) smiles.insert(f.smiles);
    EXPECT_EQ(smiles.size(), 4u);
    for (const auto& f : isomers)
        EXPECT_EQ(f.ring_forms, std::count_if(isomers.begin(), isomers.end(),
                                              [&](const PreparedLigand& g) { return g.smiles == f.smiles; }));
}

TEST(Preparation, BadRecordsAreReportedAndTheRestPrepared) {
    PreparationOptions opt;
    opt.max_heavy_atoms = 30;
    const std::vector<MoleculeInput> in = {
        smiles("CCO", "ethanol"),
        smiles("C1CC", "unclosed ring"),
        smiles("C(C)(C)(C)(C)C", "pentavalent carbon"),
        smiles("", "empty"),
        smiles("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "C40"),
        smiles("Cl[Pt](Cl)([NH3])[NH3]", "cisplatin"),
        MoleculeInput{"CCN", "cml", "wrong format", "", ""},
        smiles("c1ccccc1C(=O)O", "benzoic acid"),
    };
    EXPECT_THROW(prepare(in, opt), InputError);  // an unknown format is a caller error, not a record error
    std::vector<MoleculeInput> records(in.begin(), in.end());
    records.erase(records.begin() + 6);
    auto out = prepare(records, opt);
    ASSERT_EQ(out.size(), 7u);
    auto entry = [&](int i) -> const PreparedLigand& {
        return *std::find_if(out.begin(), out.end(), [&](const PreparedLigand& p) { return p.input_index == i; });
    };
    EXPECT_TRUE(entry(0).ok);
    EXPECT_NE(entry(1).error.find("cannot parse SMILES"), std::string::npos) << entry(1).error;
    EXPECT_NE(entry(2).error.find("valence"), std::string::npos) << entry(2).error;
    EXPECT_NE(entry(3).error.find("empty"), std::string::npos) << entry(3).error;
    EXPECT_NE(entry(4).error.find("too large"), std::string::npos) << entry(4).error;
    EXPECT_FALSE(entry(5).ok);
    EXPECT_FALSE(entry(5).error.empty());
    EXPECT_TRUE(entry(6).ok);
    EXPECT_EQ(entry(6).id, "benzoic acid");
    for (const auto& p : out) EXPECT_EQ(p.ok, p.error.empty()) << p.id;
}

// Boron, selenium and arsenic have no Vina parameters: they dock typed as C, SA and P, and keep their element.
TEST(Preparation, BoronSeleniumArsenicDrugsDockWithStandInTypes) {
    const std::vector<std::pair<std::string, std::string>> drugs = {
        {"CC(C)C[C@H](NC(=O)[C@H](Cc1ccccc1)NC(=O)c1cnccn1)B(O)O", "B"},  // bortezomib (DrugBank DB00188)
        {"OB1OCc2cc(F)ccc21", "B"},                                         // tavaborole (DB09041)
        {"C[Se]CC[C@H](N)C(=O)O", "Se"},                                    // selenomethionine (DB11142)
        {"CC(=O)Nc1ccc([As](=O)(O)O)cc1O", "As"},                           // acetarsol (DB13268)
    };
    const std::map<std::string, std::string> stand_in = {{"B", "C"}, {"Se", "SA"}, {"As", "P"}};
    for (const auto& [smi, element] : drugs) {
        const auto forms = forms_of(smi);
        ASSERT_FALSE(forms.empty()) << smi;
        const Ligand& lig = forms[0].ligand;
        const auto it = std::find_if(lig.atoms.begin(), lig.atoms.end(), [&, &el = element](const LigandAtom& a) {
            return a.name.rfind(el, 0) == 0 && !std::isalpha(static_cast<unsigned char>(a.name[el.size()]));
        });
        ASSERT_NE(it, lig.atoms.end()) << smi << ": no atom named " << element;
        EXPECT_EQ(it->ad_type, stand_in.at(element)) << smi;
        EXPECT_EQ(count(lig.molblock, " " + element + " "), 1) << lig.molblock;  // the element itself in the SDF
    }
    // Gold still fails, with its reason (auranofin's Au has no stand-in).
    const auto gold = prepare({smiles("CCP(CC)(CC)=[Au]SC1OC(COC(C)=O)C(OC(C)=O)C(OC(C)=O)C1OC(C)=O", "auranofin")});
    ASSERT_EQ(gold.size(), 1u);
    EXPECT_FALSE(gold[0].ok);
    EXPECT_NE(gold[0].error.find("unsupported element Au"), std::string::npos) << gold[0].error;
}

TEST(Preparation, SameSeedSameStructuresAnyThreadCount) {
    std::vector<MoleculeInput> in;
    for (const char* s : {"CN1CCN(CC1)Cc1ccc(cc1)C(=O)N", "OC(=O)C(N)CC1CCCCC1", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"})
        in.push_back(smiles(s));
    PreparationOptions a;
    a.threads = 1;
    a.ring_conformers = 2;
    PreparationOptions b = a;
    b.threads = 2;
    const auto x = prepare_ligands(in, a);
    const auto y = prepare_ligands(in, b);
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(x[i].ligand.molblock, y[i].ligand.molblock);
    PreparationOptions c = a;
    c.seed = 7;
    const auto z = prepare_ligands(in, c);
    bool any_different = false;
    for (size_t i = 0; i < std::min(x.size(), z.size()); ++i) any_different |= x[i].ligand.molblock != z[i].ligand.molblock;
    EXPECT_TRUE(any_different);
}

TEST(Preparation, MolblockAndMol2InputsAreRead) {
    auto eth = prepare({smiles("CCO")})[0];
    ASSERT_TRUE(eth.ok);
    auto again = prepare({MoleculeInput{eth.ligand.molblock, "molblock", "m", "", ""}})[0];
    ASSERT_TRUE(again.ok) << again.error;
    EXPECT_EQ(again.smiles, "CCO");
    auto bad = prepare({MoleculeInput{"not a molblock\n\n\n  1  0\n", "molblock", "b", "", ""}})[0];
    EXPECT_FALSE(bad.ok);
    EXPECT_NE(bad.error.find("molblock"), std::string::npos) << bad.error;
}

// Reference keys: RDKit 2026.09.1 with InChI 1.07.3 (PyPI wheel), computed when this test was written.
TEST(InChI, StandardKeysMatchTheReference) {
    if (!has_inchi_support()) GTEST_SKIP() << "built without the IUPAC InChI library";
    EXPECT_EQ(inchikey(smiles("C[C@H](N)C(=O)O")), "QNAYBMKLOCPYGJ-REOHCLBHSA-N");   // L-alanine
    EXPECT_EQ(inchikey(smiles("C[C@@H](N)C(=O)O")), "QNAYBMKLOCPYGJ-UWTATZPHSA-N");  // D-alanine
    EXPECT_EQ(inchikey(smiles("C/C=C/C")), "IAQRGUVFOMOMEM-ONEGZZNKSA-N");
    EXPECT_EQ(inchikey(smiles("C/C=C\\C")), "IAQRGUVFOMOMEM-ARJAWSKDSA-N");
    EXPECT_EQ(inchikey(smiles("CC(=O)Oc1ccccc1C(=O)O")), "BSYNRYMUTXBXSQ-UHFFFAOYSA-N");
    EXPECT_EQ(inchikey(smiles("C[S@](=O)c1ccccc1")), "JXTGICXCHWMCPM-VIFPVBQESA-N");
    EXPECT_EQ(inchikey(smiles("[2H]C([2H])([2H])Oc1ccccc1")), "RDOXTESZEPMUJZ-FIBGUPNXSA-N");
    EXPECT_EQ(inchikey(smiles("OC(=O)[C@@H]1CCCN1")), "ONIBWKKTOPOVIA-BYPYZUCNSA-N");  // L-proline
    EXPECT_EQ(inchikey(smiles("CC(C)C[C@H](NC(=O)[C@@H](Cc1ccccc1)NC(=O)c1cnccn1)B(O)O")),
              "GXJABQQUPOEUTA-WBVHZDCISA-N");  // bortezomib
}

TEST(InChI, InChIInputGivesTheSameMoleculeAsSmiles) {
    if (!has_inchi_support()) GTEST_SKIP() << "built without the IUPAC InChI library";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"InChI=1S/C3H7NO2/c1-2(4)3(5)6/h2H,4H2,1H3,(H,5,6)/t2-/m0/s1", "C[C@H](N)C(=O)O"},
        {"InChI=1S/C4H8/c1-3-4-2/h3-4H,1-2H3/b4-3-", "C/C=C\\C"},
        {"InChI=1S/C7H8OS/c1-9(8)7-5-3-2-4-6-7/h2-6H,1H3/t9-/m0/s1", "C[S@](=O)c1ccccc1"},
        {"InChI=1S/C4H9NO3/c1-2(6)3(5)4(7)8/h2-3,6H,5H2,1H3,(H,7,8)/t2-,3+/m1/s1", "C[C@@H](O)[C@H](N)C(=O)O"},
        {"InChI=1S/C5H9NO3S/c1-3(7)6-4(2-10)5(8)9/h4,10H,2H2,1H3,(H,6,7)(H,8,9)/t4-/m0/s1", "CC(=O)N[C@@H](CS)C(=O)O"},
    };
    PreparationOptions opt;
    opt.protonate = false;
    for (const auto& [inchi, smi] : cases) {
        const auto a = prepare({MoleculeInput{inchi, "inchi", "i", "", ""}}, opt);
        const auto b = prepare({smiles(smi)}, opt);
        ASSERT_TRUE(a[0].ok) << inchi << ": " << a[0].error;
        EXPECT_EQ(a[0].smiles, b[0].smiles) << inchi;
        EXPECT_EQ(a.size(), 1u) << inchi << " (stereo taken from the InChI, nothing to enumerate)";
        EXPECT_EQ(inchikey(MoleculeInput{inchi, "inchi", "", "", ""}), inchikey(smiles(smi)));
    }
    auto bad = prepare({MoleculeInput{"InChI=1S/garbage", "inchi", "bad", "", ""},
                        MoleculeInput{"CCO", "inchi", "not inchi", "", ""}});
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_FALSE(bad[0].ok);
    EXPECT_NE(bad[1].error.find("InChI="), std::string::npos) << bad[1].error;
}
