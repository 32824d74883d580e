// Ligand files (SDF/MOL, MOL2, PDBQT) read record by record, and receptors from PDB files with hydrogens.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/MonomerInfo.h>
#include <GraphMol/PartialCharges/GasteigerCharges.h>

#include "rdkit_common.hpp"
#include "vscreen/ad_type.hpp"
#include "vscreen/atom_type.hpp"
#include "vscreen/detail/text.hpp"
#include "vscreen/error.hpp"
#include "vscreen/molecule_io.hpp"
#include "vscreen/pdbqt.hpp"

namespace vscreen {

namespace {

using detail::trim;

std::string lower_extension(const std::string& path) {
    const auto slash = path.find_last_of('/');
    const auto dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
    std::string ext = path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

std::string base_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream f(path);
    if (!f) fail(path, ": cannot open file");
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(f, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    if (f.bad()) fail(path, ": read error");
    return lines;
}

/// A record's text and the 1-based number of its first line.
struct RawRecord {
    std::string text;
    int first_line = 1;
    std::string title;
};

bool blank(const std::vector<std::string>& lines, size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
        if (!trim(lines[i]).empty()) return false;
    return true;
}

/// SD records, separated by "$$$$" lines; only the molblock part (through "M  END") is kept.
std::vector<RawRecord> split_sdf(const std::vector<std::string>& lines) {
    std::vector<RawRecord> out;
    size_t start = 0;
    auto flush = [&](size_t end) {
        if (blank(lines, start, end)) return;
        RawRecord r;
        r.first_line = static_cast<int>(start) + 1;
        r.title = trim(lines[start]);
        for (size_t i = start; i < end; ++i) {
            r.text += lines[i];
            r.text += '\n';
            if (lines[i].rfind("M  END", 0) == 0) break;
        }
        out.push_back(std::move(r));
    };
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("$$$$", 0) == 0) {
            flush(i);
            start = i + 1;
        }
    }
    flush(lines.size());
    return out;
}

/// MOL2 molecules, each starting at a "@<TRIPOS>MOLECULE" line.
std::vector<RawRecord> split_mol2(const std::vector<std::string>& lines) {
    std::vector<RawRecord> out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("@<TRIPOS>MOLECULE", 0) == 0) {
            RawRecord r;
            r.first_line = static_cast<int>(i) + 1;
            r.title = i + 1 < lines.size() ? trim(lines[i + 1]) : "";
            out.push_back(std::move(r));
        }
        if (!out.empty()) {
            out.back().text += lines[i];
            out.back().text += '\n';
        }
    }
    return out;
}

std::vector<LigandRecord> read_records(const std::string& path, size_t max_records) {
    const std::string ext = lower_extension(path);
    std::vector<LigandRecord> records;
    if (ext == "pdbqt") {
        { std::ifstream f(path); if (!f) fail(path, ": cannot open file"); }
        LigandRecord r;
        r.source = path + ":1";
        r.name = base_name(path);
        try {
            r.ligand = read_ligand_pdbqt_file(path);
            r.name = r.ligand.name;
            r.ok = true;
        } catch (const Error& e) {
            r.error = e.what();
        }
        records.push_back(std::move(r));
        return records;
    }
    const bool sdf = ext == "sdf" || ext == "sd" || ext == "mol";
    const bool mol2 = ext == "mol2";
    if (!sdf && !mol2)
        fail(path, ": unknown ligand file format '.", ext, "' (expected .sdf, .sd, .mol, .mol2 or .pdbqt)");
    const std::vector<std::string> lines = read_lines(path);
    std::vector<RawRecord> raw = sdf ? split_sdf(lines) : split_mol2(lines);
    if (mol2 && raw.empty() && !blank(lines, 0, lines.size()))
        fail(path, ": no @<TRIPOS>MOLECULE record; not a MOL2 file");
    if (raw.size() > max_records) raw.resize(max_records);
    const std::string file = base_name(path);
    for (size_t k = 0; k < raw.size(); ++k) {
        LigandRecord r;
        r.index = static_cast<int>(k);
        r.name = raw[k].title.empty() ? file + "#" + std::to_string(k + 1) : raw[k].title;
        r.source = path + ":" + std::to_string(raw[k].first_line);
        try {
            r.ligand = sdf ? ligand_from_molblock(raw[k].text, r.name) : ligand_from_mol2_block(raw[k].text, r.name);
            r.ok = true;
        } catch (const Error& e) {
            r.error = r.source + ": " + e.what();
        } catch (const std::exception& e) {  // an RDKit invariant that escaped the builder
            r.error = r.source + ": " + r.name + ": " + e.what();
        }
        if (!r.ok) r.ligand = Ligand{};
        records.push_back(std::move(r));
    }
    return records;
}

}  // namespace

Ligand ligand_from_mol2_block(const std::string& mol2, const std::string& name) {
    if (const std::string why = detail::mol2_layout_error(mol2); !why.empty())
        fail(name, ": cannot read the MOL2 block: ", why);
    std::unique_ptr<RDKit::RWMol> mol;
    {
        detail::QuietRdkit quiet;
        try {
            mol.reset(RDKit::Mol2BlockToMol(mol2, true, false));
        } catch (const std::exception& e) {
            fail(name, ": cannot read the MOL2 block: ", e.what());
        }
    }
    if (!mol) fail(name, ": cannot read the MOL2 block (unsupported atom types or bad format)");
    return detail::ligand_from_rdkit(*mol, name);
}

std::vector<LigandRecord> read_ligand_records(const std::string& path) {
    return read_records(path, static_cast<size_t>(-1));
}

Ligand read_ligand_file(const std::string& path) {
    std::vector<LigandRecord> records = read_records(path, 1);
    if (records.empty()) fail(path, ": no molecule in file");
    if (!records[0].ok) fail(records[0].error);
    return std::move(records[0].ligand);
}

// ---------------------------------------------------------------------------------------------------
// Receptors

namespace {

/// One receptor atom kept for scoring or output: heavy atoms and polar hydrogens.
struct ReceptorAtom {
    LigandAtom atom;
    const RDKit::AtomPDBResidueInfo* info = nullptr;
};

struct TypedReceptor {
    std::unique_ptr<RDKit::RWMol> mol;
    std::vector<ReceptorAtom> atoms;
    std::vector<std::array<int, 2>> bonds;
};

bool is_water(const std::string& resname) {
    const std::string r = trim(resname);
    return r == "HOH" || r == "WAT" || r == "H2O" || r == "DOD" || r == "TIP" || r == "TIP3" || r == "SOL";
}

std::string atom_label(const RDKit::Atom& a) {
    const auto* info = dynamic_cast<const RDKit::AtomPDBResidueInfo*>(a.getMonomerInfo());
    if (!info) return detail::cat("atom ", a.getIdx() + 1);
    return detail::cat("atom serial ", info->getSerialNumber(), " (", trim(info->getName()), " ",
                       trim(info->getResidueName()), " ", trim(info->getChainId()), info->getResidueNumber(), ")");
}

TypedReceptor type_receptor(const std::string& path, bool with_charges) {
    { std::ifstream f(path); if (!f) fail(path, ": cannot open file"); }
    TypedReceptor r;
    {
        detail::QuietRdkit quiet;
        try {
            r.mol.reset(RDKit::PDBFileToMol(path, true, false, 0, true));
        } catch (const std::exception&) {
            r.mol.reset();
        }
        if (!r.mol) {
            // Sanitising failed (odd valences are common in PDB files): keep what can be perceived.
            try {
                r.mol.reset(RDKit::PDBFileToMol(path, false, false, 0, true));
            } catch (const std::exception& e) {
                fail(path, ": cannot read PDB file: ", e.what());
            }
            if (!r.mol) fail(path, ": cannot read PDB file: no atoms");
            r.mol->updatePropertyCache(false);
            try {
                RDKit::MolOps::findSSSR(*r.mol);
                RDKit::MolOps::setAromaticity(*r.mol);
            } catch (const std::exception&) {
            }
        }
        // The file's hydrogens are the truth: no implicit ones (RDKit would put one on an unprotonated
        // histidine N), and no bonds to metal ions (proximity bonding links them to their ligands).
        std::vector<std::pair<unsigned, unsigned>> metal_bonds;
        for (const RDKit::Bond* b : r.mol->bonds()) {
            AdTypeInfo i1, i2;
            const bool m1 = ad_type_info(element_symbol(b->getBeginAtom()->getAtomicNum()), i1) && i1.metal;
            const bool m2 = ad_type_info(element_symbol(b->getEndAtom()->getAtomicNum()), i2) && i2.metal;
            if (m1 || m2) metal_bonds.emplace_back(b->getBeginAtomIdx(), b->getEndAtomIdx());
        }
        for (const auto& [u, v] : metal_bonds) r.mol->removeBond(u, v);
        for (RDKit::Atom* a : r.mol->atoms()) {
            a->setNoImplicit(true);
            a->setNumExplicitHs(0);
        }
        r.mol->updatePropertyCache(false);
        if (with_charges) {
            try {
                RDKit::computeGasteigerCharges(*r.mol, 12, false);
            } catch (const std::exception&) {
            }
        }
    }
    RDKit::RWMol& mol = *r.mol;
    if (mol.getNumAtoms() == 0) fail(path, ": no atoms in PDB file");
    if (mol.getNumConformers() == 0) fail(path, ": no atom coordinates in PDB file");
    const int n = static_cast<int>(mol.getNumAtoms());
    std::vector<int> index(n, -1);
    const RDKit::Conformer& conf = mol.getConformer();
    for (const RDKit::Atom* a : mol.atoms()) {
        const auto* info = dynamic_cast<const RDKit::AtomPDBResidueInfo*>(a->getMonomerInfo());
        if (info && is_water(info->getResidueName())) continue;
        const std::string ad = detail::ad_type_of(*a);
        if (ad.empty()) fail(path, ": ", atom_label(*a), ": unsupported element ", a->getSymbol());
        if (ad == "H") continue;  // non-polar hydrogens only tell that their carbon is not polar
        ReceptorAtom ra;
        ra.info = info;
        ra.atom.ad_type = ad;
        ra.atom.element = a->getAtomicNum();
        ra.atom.name = info ? trim(info->getName()) : a->getSymbol();
        const RDGeom::Point3D& p = conf.getAtomPos(a->getIdx());
        ra.atom.coords = make_vec3(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z));
        double q = 0;
        if (a->getPropIfPresent<double>("_GasteigerCharge", q) && std::isfinite(q)) ra.atom.charge = static_cast<float>(q);
        index[a->getIdx()] = static_cast<int>(r.atoms.size());
        r.atoms.push_back(ra);
    }
    if (r.atoms.empty()) fail(path, ": no receptor atoms (only water?)");
    for (const RDKit::Bond* b : mol.bonds()) {
        const int u = index[b->getBeginAtomIdx()], v = index[b->getEndAtomIdx()];
        if (u >= 0 && v >= 0) r.bonds.push_back({u, v});
    }
    std::vector<LigandAtom> atoms;
    atoms.reserve(r.atoms.size());
    for (const auto& a : r.atoms) atoms.push_back(a.atom);
    try {
        assign_xs_types(atoms, r.bonds);
    } catch (const InputError& e) {
        fail(path, ": ", e.what());
    }
    for (size_t i = 0; i < atoms.size(); ++i) r.atoms[i].atom.xs = atoms[i].xs;
    return r;
}

/// type_receptor with every RDKit exception that escapes its steps as an InputError naming the file.
TypedReceptor typed_receptor(const std::string& path, bool with_charges) {
    try {
        return type_receptor(path, with_charges);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        fail(path, ": cannot read PDB file: ", e.what());
    }
}

}  // namespace

Receptor read_receptor_pdb_file(const std::string& path) {
    const TypedReceptor t = typed_receptor(path, false);
    Receptor rec;
    rec.name = path;
    for (const auto& a : t.atoms) {
        if (a.atom.element == 1) continue;
        rec.coords.push_back(a.atom.coords);
        rec.xs.push_back(a.atom.xs);
    }
    return rec;
}

std::string prepare_receptor_pdbqt(const std::string& pdb_path) {
    const TypedReceptor t = typed_receptor(pdb_path, true);
    std::string out;
    char buf[128];
    int serial = 0;
    for (const auto& ra : t.atoms) {
        ++serial;
        const LigandAtom& a = ra.atom;
        std::string name = ra.info ? ra.info->getName() : a.name;
        if (name.size() < 4) name = " " + name;  // PDB convention: one-letter elements start in column 14
        name.resize(4, ' ');
        const std::string resname = ra.info ? trim(ra.info->getResidueName()) : "UNL";
        const std::string chain = ra.info ? trim(ra.info->getChainId()) : "";
        const std::string icode = ra.info ? trim(ra.info->getInsertionCode()) : "";
        const std::string altloc = ra.info ? trim(ra.info->getAltLoc()) : "";
        const int resnum = ra.info ? ra.info->getResidueNumber() : 1;
        const double occ = ra.info ? ra.info->getOccupancy() : 1.0;
        const double bfac = ra.info ? ra.info->getTempFactor() : 0.0;
        std::snprintf(buf, sizeof buf, "%-6s%5d %4s%1s%3.3s %1s%4d%1s   %8.3f%8.3f%8.3f%6.2f%6.2f    %6.3f %-2s\n",
                      (ra.info && ra.info->getIsHeteroAtom()) ? "HETATM" : "ATOM", serial % 100000, name.c_str(),
                      altloc.empty() ? " " : altloc.substr(0, 1).c_str(), resname.c_str(),
                      chain.empty() ? " " : chain.substr(0, 1).c_str(), resnum % 10000,
                      icode.empty() ? " " : icode.substr(0, 1).c_str(), a.coords.x, a.coords.y, a.coords.z, occ,
                      bfac, a.charge, a.ad_type.c_str());
        out += buf;
    }
    return out;
}

}  // namespace vscreen
