// Builds the complex system (pocket + ligand, cross terms, OBC2, restraints) and the ligand-alone system.
#include "vscreen/refine/complex_system.hpp"

#include <OpenMM.h>

#include <GraphMol/GraphMol.h>

#include <cmath>

#include "vscreen/refine/implicit_solvent.hpp"
#include "vscreen/refine/openmm_energy.hpp"

namespace vscreen {
namespace {

std::array<int, kMmffTermCount> mmff_groups() {
    std::array<int, kMmffTermCount> g{};
    for (int i = 0; i < kMmffTermCount; ++i) g[i] = refine_group::kMmff0 + i;
    return g;
}

}  // namespace

void mmff_lennard_jones(const MmffTerms& terms, std::vector<double>& sigma_nm, std::vector<double>& epsilon_kj) {
    sigma_nm.clear();
    epsilon_kj.clear();
    const double two_sixth = std::pow(2.0, 1.0 / 6.0);
    for (int i = 0; i < terms.num_atoms; ++i) {
        sigma_nm.push_back(terms.r_star_self[i] / 10.0 / two_sixth);
        epsilon_kj.push_back(terms.epsilon_self[i] * kKjPerKcal);
    }
}

ComplexSystem build_complex(const Pocket& pocket, const RDKit::ROMol& ligand, const MmffTerms& terms,
                            double restrain_beyond_angstrom, double restraint_k, int conf_id) {
    if (static_cast<int>(ligand.getNumAtoms()) != terms.num_atoms)
        fail<InputError>("build_complex: the MMFF94 terms are for ", terms.num_atoms, " atoms, the ligand has ",
                         ligand.getNumAtoms());
    ComplexSystem cx;
    OpenMM::NonbondedForce* nb = nullptr;
    cx.system = pocket.base_system(&nb);
    cx.n_receptor = pocket.size();
    const std::vector<OpenMM::Vec3> ligand_pos = conformer_positions_nm(ligand, conf_id);
    const int n_lig = static_cast<int>(ligand_pos.size());
    cx.ligand_charges = terms.charges;
    mmff_lennard_jones(terms, cx.ligand_sigma_nm, cx.ligand_epsilon_kj);
    for (const RDKit::Atom* a : ligand.atoms()) {
        const int k = a->getIdx();
        cx.system->addParticle(a->getMass());
        nb->addParticle(cx.ligand_charges[k], cx.ligand_sigma_nm[k], cx.ligand_epsilon_kj[k]);
    }
    for (int a = 0; a < n_lig; ++a)
        for (int b = a + 1; b < n_lig; ++b) nb->addException(cx.n_receptor + a, cx.n_receptor + b, 0.0, 1.0, 0.0);
    add_mmff_forces(*cx.system, terms, cx.n_receptor, mmff_groups());

    std::vector<double> charges;
    std::vector<GbParameters> gb;
    pocket.gb_inputs(charges, gb);
    charges.insert(charges.end(), cx.ligand_charges.begin(), cx.ligand_charges.end());
    const std::vector<GbParameters> ligand_gb = obc2_parameters(ligand);
    gb.insert(gb.end(), ligand_gb.begin(), ligand_gb.end());
    cx.system->addForce(make_obc2_force(charges, gb, refine_group::kGb));

    cx.positions_nm = pocket.positions_nm();
    const std::vector<OpenMM::Vec3> heavy = heavy_atom_positions_nm(ligand, conf_id);
    for (int k = 0; k < cx.n_receptor; ++k)
        if (pocket.receptor().heavy(pocket.atoms()[k]) &&
            !near_any(cx.positions_nm[k], heavy, restrain_beyond_angstrom / 10.0))
            cx.restrained.push_back(k);
    if (!cx.restrained.empty() && restraint_k > 0) {
        auto* f = new OpenMM::CustomExternalForce("0.5*k*((x-x0)^2 + (y-y0)^2 + (z-z0)^2)");
        f->addGlobalParameter("k", restraint_k * kKjPerKcal * 100.0);  // kcal/mol/A^2 -> kJ/mol/nm^2
        for (const char* p : {"x0", "y0", "z0"}) f->addPerParticleParameter(p);
        for (int k : cx.restrained) {
            const OpenMM::Vec3& p = cx.positions_nm[k];
            f->addParticle(k, {p[0], p[1], p[2]});
        }
        f->setForceGroup(refine_group::kRestraint);
        f->setName("pocket restraints");
        cx.system->addForce(f);
    }
    cx.positions_nm.insert(cx.positions_nm.end(), ligand_pos.begin(), ligand_pos.end());
    return cx;
}

std::unique_ptr<OpenMM::System> ligand_system(const RDKit::ROMol& ligand, const MmffTerms& terms) {
    auto system = std::make_unique<OpenMM::System>();
    for (const RDKit::Atom* a : ligand.atoms()) system->addParticle(a->getMass());
    add_mmff_forces(*system, terms, 0, mmff_groups());
    system->addForce(make_obc2_force(terms.charges, obc2_parameters(ligand), refine_group::kGb));
    return system;
}

}  // namespace vscreen
