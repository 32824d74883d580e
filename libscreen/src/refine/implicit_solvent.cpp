// OBC2 parameters from elements and bonds (OpenMM's mbondi2 rules), the GBSAOBCForce, and the ligand's E(MMFF + GB).
#include "vscreen/refine/implicit_solvent.hpp"

#include <OpenMM.h>

#include <GraphMol/GraphMol.h>

#include "vscreen/refine/complex_system.hpp"
#include "vscreen/refine/mmff_openmm.hpp"
#include "vscreen/refine/openmm_energy.hpp"

namespace vscreen {
namespace {

// `bonded_to`: atomic number of the first atom bonded to it (0 when none); it matters for hydrogens only.
double mbondi2_radius_angstrom(int atomic_number, int bonded_to) {
    switch (atomic_number) {
        case 1: return bonded_to == 7 ? 1.3 : 1.2;  // the first bonded atom decides, as in OpenMM
        case 6: return 1.7;
        case 7: return 1.55;
        case 8: return 1.5;
        case 9: return 1.5;
        case 14: return 2.1;
        case 15: return 1.85;
        case 16: return 1.8;
        case 17: return 1.7;
        default: return 1.5;
    }
}

double screening_factor(int atomic_number) {
    switch (atomic_number) {
        case 1: return 0.85;
        case 6: return 0.72;
        case 7: return 0.79;
        case 8: return 0.85;
        case 9: return 0.88;
        case 15: return 0.86;
        case 16: return 0.96;
        default: return 0.8;
    }
}

}  // namespace

std::vector<GbParameters> obc2_parameters(const RDKit::ROMol& mol) {
    std::vector<int> atomic_numbers;
    for (const RDKit::Atom* a : mol.atoms()) atomic_numbers.push_back(a->getAtomicNum());
    std::vector<std::pair<int, int>> bonds;
    for (const RDKit::Bond* b : mol.bonds())
        bonds.emplace_back(static_cast<int>(b->getBeginAtomIdx()), static_cast<int>(b->getEndAtomIdx()));
    return obc2_parameters(atomic_numbers, bonds);
}

std::vector<GbParameters> obc2_parameters(const std::vector<int>& atomic_numbers,
                                          const std::vector<std::pair<int, int>>& bonds) {
    const int n = static_cast<int>(atomic_numbers.size());
    std::vector<int> bonded_to(n, 0);
    std::vector<bool> seen(n, false);
    for (const auto& [i, j] : bonds) {
        if (i < 0 || j < 0 || i >= n || j >= n)
            fail<InputError>("obc2_parameters: bond ", i, "-", j, " names an atom outside 0..", n - 1);
        if (!seen[i]) seen[i] = true, bonded_to[i] = atomic_numbers[j];
        if (!seen[j]) seen[j] = true, bonded_to[j] = atomic_numbers[i];
    }
    std::vector<GbParameters> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.push_back({mbondi2_radius_angstrom(atomic_numbers[i], bonded_to[i]) / 10.0,
                       screening_factor(atomic_numbers[i])});
    return out;
}

OpenMM::GBSAOBCForce* make_obc2_force(const std::vector<double>& charges, const std::vector<GbParameters>& params,
                                      int group) {
    if (charges.size() != params.size())
        fail<InputError>("make_obc2_force: ", charges.size(), " charges for ", params.size(), " GB parameter sets");
    auto* f = new OpenMM::GBSAOBCForce();
    f->setNonbondedMethod(OpenMM::GBSAOBCForce::NoCutoff);
    f->setSoluteDielectric(1.0);
    f->setSolventDielectric(78.5);
    for (size_t i = 0; i < charges.size(); ++i) f->addParticle(charges[i], params[i].radius_nm, params[i].scale);
    f->setName("GB OBC2");
    f->setForceGroup(group);
    return f;
}

double ligand_obc2_energy(const RDKit::ROMol& mol, const std::string& platform, int conf_id) {
    const std::vector<OpenMM::Vec3> positions = conformer_positions_nm(mol, conf_id);
    return potential_energies_kcal(*ligand_system(mol, mmff_terms(mol)), positions, platform)[0];
}

}  // namespace vscreen
