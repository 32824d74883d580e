// One function per reader of outside input: what each fuzz target and the regression replay feed their bytes to.
// A reader may refuse an input only with a vscreen::Error; anything else (another exception, a crash, a sanitizer
// report) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "vscreen/error.hpp"
#include "vscreen/pdbqt.hpp"
#ifdef VSCREEN_FUZZ_PREP
#include "vscreen/molecule_io.hpp"
#include "vscreen/preparation.hpp"
#endif

namespace vscreen::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// The file readers take paths: the input goes to one scratch file per process (in $TMPDIR, else /tmp).
inline std::string scratch_file(const std::string& text, const std::string& extension) {
    const char* dir = std::getenv("TMPDIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/vscreen_fuzz_" + std::to_string(getpid()) +
                             extension;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

inline void ligand_pdbqt(const uint8_t* data, size_t size) {
    std::istringstream in(text_of(data, size));
    try {
        read_ligand_pdbqt(in, "fuzz.pdbqt");
    } catch (const Error&) {
    }
}

inline void receptor_pdbqt(const uint8_t* data, size_t size) {
    std::istringstream in(text_of(data, size));
    try {
        read_receptor_pdbqt(in, "fuzz.pdbqt");
    } catch (const Error&) {
    }
}

#ifdef VSCREEN_FUZZ_PREP
/// A ligand file through read_ligand_records (record splitting, RDKit, the docking ligand builder).
inline void ligand_file(const uint8_t* data, size_t size, const std::string& extension) {
    const std::string path = scratch_file(text_of(data, size), extension);
    try {
        read_ligand_records(path);
    } catch (const Error&) {
    }
}

inline void sdf(const uint8_t* data, size_t size) { ligand_file(data, size, ".sdf"); }
inline void mol2(const uint8_t* data, size_t size) { ligand_file(data, size, ".mol2"); }

/// A PDB receptor with hydrogens: typing with Gasteiger charges (prepare_receptor_pdbqt) and without.
inline void pdb_receptor(const uint8_t* data, size_t size) {
    const std::string path = scratch_file(text_of(data, size), ".pdb");
    try {
        prepare_receptor_pdbqt(path);
    } catch (const Error&) {
    }
    try {
        read_receptor_pdb_file(path);
    } catch (const Error&) {
    }
}

/// SMILES or InChI through the whole preparation (one thread, one form, small molecules: the fuzzer looks for
/// crashes in parsing and standardisation, not for slow embeddings of large ones). prepare_ligands never throws
/// for a molecule; an entry says why it failed.
inline void prepare_text(const uint8_t* data, size_t size, const char* format) {
    PreparationOptions options;
    options.threads = 1;
    options.max_stereoisomers = 1;
    options.max_heavy_atoms = 30;
    MoleculeInput input;
    input.text = text_of(data, size);
    input.format = format;
    prepare_ligands({input}, options);
    try {
        inchikey(input);
    } catch (const Error&) {
    }
}

inline void smiles(const uint8_t* data, size_t size) { prepare_text(data, size, "smiles"); }
inline void inchi(const uint8_t* data, size_t size) { prepare_text(data, size, "inchi"); }
#endif

}  // namespace vscreen::fuzz
