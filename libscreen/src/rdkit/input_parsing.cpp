// Parses one MoleculeInput (SMILES, InChI, MDL molblock, MOL2) into a sanitised RDKit molecule.
#include <memory>
#include <string>

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>

#include "preparation_steps.hpp"
#include "rdkit_common.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

std::string first_line(const std::string& text) {
    const auto end = text.find_first_of("\r\n");
    std::string line = text.substr(0, end);
    if (line.size() > 80) line = line.substr(0, 77) + "...";
    return line;
}

MolPtr parse_smiles(const std::string& text) {
    // a SMILES line may carry a title after whitespace; the caller passes the SMILES field only, but be lenient
    const auto end = text.find_first_of(" \t\r\n");
    const std::string smiles = text.substr(0, end);
    if (smiles.empty()) fail("empty SMILES");
    MolPtr mol;
    try {
        mol.reset(RDKit::SmilesToMol(smiles));
    } catch (const std::exception& e) {
        fail("cannot parse SMILES '", first_line(smiles), "': ", e.what());
    }
    if (!mol) fail("cannot parse SMILES '", first_line(smiles), "': invalid SMILES syntax");
    return mol;
}

}  // namespace

MolPtr parse_molecule(const MoleculeInput& input) {
    const std::string& f = input.format;
    MolPtr mol;
    if (f == "smiles") return parse_smiles(input.text);
    if (f == "inchi") return molecule_from_inchi(input.text);
    if (f != "molblock" && f != "mol2") fail("unknown molecule format '", f, "' (smiles, inchi, molblock or mol2)");
    if (input.text.find_first_not_of(" \t\r\n") == std::string::npos) fail("empty ", f, " record");
    if (f == "mol2")
        if (const std::string why = mol2_layout_error(input.text); !why.empty())
            fail("cannot read the mol2 record: ", why);
    try {
        if (f == "molblock")
            mol.reset(RDKit::MolBlockToMol(input.text, true, false));
        else
            mol.reset(RDKit::Mol2BlockToMol(input.text, true, false));
    } catch (const std::exception& e) {
        fail("cannot read the ", f, " record: ", e.what());
    }
    if (!mol || mol->getNumAtoms() == 0) fail("cannot read the ", f, " record: no atoms in it");
    return mol;
}

}  // namespace vscreen::detail
