// Reads the receptor's ff14SB System (OpenMM XML) and its PDB; per-atom parameters; pocket residues near poses.
#include "vscreen/refine/receptor_model.hpp"

#include <OpenMM.h>
#include <openmm/serialization/XmlSerializer.h>

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MonomerInfo.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <tuple>

#include "vscreen/refine/openmm_energy.hpp"

namespace vscreen {
namespace {

std::unique_ptr<OpenMM::System> read_system(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail<InputError>(path, ": cannot open the receptor System XML");
    try {
        return std::unique_ptr<OpenMM::System>(OpenMM::XmlSerializer::deserialize<OpenMM::System>(in));
    } catch (const std::exception& e) {
        fail<InputError>(path, ": not an OpenMM System XML (", e.what(), ")");
    }
}

std::unique_ptr<RDKit::RWMol> read_pdb(const std::string& path) {
    if (!std::ifstream(path)) fail<InputError>(path, ": receptor file not found");
    std::unique_ptr<RDKit::RWMol> mol;
    try {
        // No sanitising, no bond perception: only atoms, elements, residues and coordinates are used.
        mol.reset(RDKit::PDBFileToMol(path, false, false, 0, false));
    } catch (const std::exception& e) {
        fail<InputError>(path, ": cannot read the PDB file (", e.what(), ")");
    }
    if (!mol || mol->getNumAtoms() == 0 || mol->getNumConformers() == 0)
        fail<InputError>(path, ": no atoms in the PDB file");
    return mol;
}

// Residue index per atom, a new residue wherever chain, number, insertion code or name changes (as OpenMM's
// PDBFile groups them).
std::vector<int> residue_indices(const RDKit::ROMol& mol, const std::string& path) {
    std::vector<int> out;
    out.reserve(mol.getNumAtoms());
    std::tuple<std::string, int, std::string, std::string> last;
    int index = -1;
    for (const RDKit::Atom* a : mol.atoms()) {
        const auto* info = dynamic_cast<const RDKit::AtomPDBResidueInfo*>(a->getMonomerInfo());
        if (!info) fail<InputError>(path, ": atom ", a->getIdx() + 1, " has no PDB residue record");
        auto key = std::make_tuple(info->getChainId(), info->getResidueNumber(), info->getInsertionCode(),
                                   info->getResidueName());
        if (index < 0 || key != last) ++index, last = key;
        out.push_back(index);
    }
    return out;
}

}  // namespace

ReceptorModel ReceptorModel::load(const std::string& pdb_path, const std::string& system_xml_path) {
    ReceptorModel r;
    r.pdb_path = pdb_path;
    const std::unique_ptr<RDKit::RWMol> pdb = read_pdb(pdb_path);
    std::unique_ptr<OpenMM::System> system = read_system(system_xml_path);
    const int n = static_cast<int>(pdb->getNumAtoms());
    if (system->getNumParticles() != n)
        fail<InputError>(system_xml_path, ": the System has ", system->getNumParticles(), " particles but ",
                         pdb_path, " has ", n, " atoms; export the System from this PDB");
    bool has_hydrogen = false;
    for (const RDKit::Atom* a : pdb->atoms()) {
        r.atomic_numbers.push_back(a->getAtomicNum());
        has_hydrogen = has_hydrogen || a->getAtomicNum() == 1;
    }
    if (!has_hydrogen) fail<InputError>(pdb_path, ": the receptor has no hydrogens; prepare it first");
    r.positions_nm = conformer_positions_nm(*pdb);
    r.residue_of = residue_indices(*pdb, pdb_path);

    const OpenMM::NonbondedForce* nonbonded = nullptr;
    std::vector<std::pair<int, int>> bonds;
    for (int f = 0; f < system->getNumForces(); ++f) {
        const OpenMM::Force& force = system->getForce(f);
        if (auto* nb = dynamic_cast<const OpenMM::NonbondedForce*>(&force)) nonbonded = nb;
        if (auto* hb = dynamic_cast<const OpenMM::HarmonicBondForce*>(&force)) {
            for (int b = 0; b < hb->getNumBonds(); ++b) {
                int i, j;
                double r0, k;
                hb->getBondParameters(b, i, j, r0, k);
                bonds.emplace_back(i, j);
            }
        }
    }
    if (!nonbonded) fail<InputError>(system_xml_path, ": the System has no NonbondedForce");
    if (bonds.empty())
        fail<InputError>(system_xml_path, ": the System has no HarmonicBondForce (export it without constraints)");
    for (int i = 0; i < n; ++i) {
        double q, sigma, epsilon;
        nonbonded->getParticleParameters(i, q, sigma, epsilon);
        r.charges.push_back(q);
        r.sigma_nm.push_back(sigma);
        r.epsilon_kj.push_back(epsilon);
    }
    r.obc2 = obc2_parameters(r.atomic_numbers, bonds);
    r.system = std::move(system);
    return r;
}

std::vector<int> ReceptorModel::pocket_atoms(const std::vector<OpenMM::Vec3>& points_nm,
                                             double radius_angstrom) const {
    std::vector<int> out;
    if (radius_angstrom <= 0) {
        for (int i = 0; i < size(); ++i) out.push_back(i);
        return out;
    }
    std::set<int> residues;
    for (int i = 0; i < size(); ++i)
        if (!residues.count(residue_of[i]) && near_any(positions_nm[i], points_nm, radius_angstrom / 10.0))
            residues.insert(residue_of[i]);
    for (int i = 0; i < size(); ++i)
        if (residues.count(residue_of[i])) out.push_back(i);
    return out;
}

std::vector<OpenMM::Vec3> heavy_atom_positions_nm(const RDKit::ROMol& mol, int conf_id) {
    const std::vector<OpenMM::Vec3> all = conformer_positions_nm(mol, conf_id);
    std::vector<OpenMM::Vec3> out;
    for (const RDKit::Atom* a : mol.atoms())
        if (a->getAtomicNum() > 1) out.push_back(all[a->getIdx()]);
    return out;
}

}  // namespace vscreen
