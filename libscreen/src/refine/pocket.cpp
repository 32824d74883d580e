// Pocket systems: the receptor's ff14SB terms restricted to the kept residues, and the pocket with OBC2.
#include "vscreen/refine/pocket.hpp"

#include <OpenMM.h>

#include <algorithm>

namespace vscreen {

Pocket::Pocket(std::shared_ptr<const ReceptorModel> receptor, std::vector<int> atoms)
    : receptor_(std::move(receptor)), atoms_(std::move(atoms)) {
    if (!receptor_) fail<InputError>("Pocket: no receptor");
    if (atoms_.empty()) fail<InputError>("Pocket: no receptor atoms near the poses (pocket radius too small?)");
    if (!std::is_sorted(atoms_.begin(), atoms_.end()) ||
        std::adjacent_find(atoms_.begin(), atoms_.end()) != atoms_.end())
        fail<InputError>("Pocket: atom indices must be sorted and distinct");
    if (atoms_.front() < 0 || atoms_.back() >= receptor_->size())
        fail<InputError>("Pocket: atom index outside the receptor's 0..", receptor_->size() - 1);
}

std::vector<OpenMM::Vec3> Pocket::positions_nm() const {
    std::vector<OpenMM::Vec3> out;
    out.reserve(atoms_.size());
    for (int i : atoms_) out.push_back(receptor_->positions_nm[i]);
    return out;
}

void Pocket::gb_inputs(std::vector<double>& charges, std::vector<GbParameters>& params) const {
    charges.clear();
    params.clear();
    for (int i : atoms_) {
        charges.push_back(receptor_->charges[i]);
        params.push_back(receptor_->obc2[i]);
    }
}

std::unique_ptr<OpenMM::System> Pocket::base_system(OpenMM::NonbondedForce** nonbonded) const {
    const OpenMM::System& source = *receptor_->system;
    std::vector<int> local(source.getNumParticles(), -1);
    for (int k = 0; k < size(); ++k) local[atoms_[k]] = k;
    auto kept = [&](std::initializer_list<int> idx) {
        return std::all_of(idx.begin(), idx.end(), [&](int i) { return local[i] >= 0; });
    };
    auto system = std::make_unique<OpenMM::System>();
    for (int i : atoms_) system->addParticle(source.getParticleMass(i));
    OpenMM::NonbondedForce* nb_out = nullptr;
    for (int f = 0; f < source.getNumForces(); ++f) {
        const OpenMM::Force& force = source.getForce(f);
        OpenMM::Force* out = nullptr;
        if (auto* in = dynamic_cast<const OpenMM::HarmonicBondForce*>(&force)) {
            auto* o = new OpenMM::HarmonicBondForce();
            for (int t = 0; t < in->getNumBonds(); ++t) {
                int i, j;
                double r0, k;
                in->getBondParameters(t, i, j, r0, k);
                if (kept({i, j})) o->addBond(local[i], local[j], r0, k);
            }
            out = o;
        } else if (auto* in = dynamic_cast<const OpenMM::HarmonicAngleForce*>(&force)) {
            auto* o = new OpenMM::HarmonicAngleForce();
            for (int t = 0; t < in->getNumAngles(); ++t) {
                int i, j, k;
                double theta0, kt;
                in->getAngleParameters(t, i, j, k, theta0, kt);
                if (kept({i, j, k})) o->addAngle(local[i], local[j], local[k], theta0, kt);
            }
            out = o;
        } else if (auto* in = dynamic_cast<const OpenMM::PeriodicTorsionForce*>(&force)) {
            auto* o = new OpenMM::PeriodicTorsionForce();
            for (int t = 0; t < in->getNumTorsions(); ++t) {
                int i, j, k, l, n;
                double phase, kt;
                in->getTorsionParameters(t, i, j, k, l, n, phase, kt);
                if (kept({i, j, k, l})) o->addTorsion(local[i], local[j], local[k], local[l], n, phase, kt);
            }
            out = o;
        } else if (auto* in = dynamic_cast<const OpenMM::NonbondedForce*>(&force)) {
            auto* o = new OpenMM::NonbondedForce();
            o->setNonbondedMethod(OpenMM::NonbondedForce::NoCutoff);
            for (int i : atoms_) {
                double q, sigma, epsilon;
                in->getParticleParameters(i, q, sigma, epsilon);
                o->addParticle(q, sigma, epsilon);
            }
            for (int t = 0; t < in->getNumExceptions(); ++t) {
                int i, j;
                double qq, sigma, epsilon;
                in->getExceptionParameters(t, i, j, qq, sigma, epsilon);
                if (kept({i, j})) o->addException(local[i], local[j], qq, sigma, epsilon);
            }
            nb_out = o;
            out = o;
        } else if (dynamic_cast<const OpenMM::CMMotionRemover*>(&force)) {
            continue;
        } else {
            fail<InputError>(receptor_->pdb_path, ": the receptor System has a force (\"", force.getName(),
                             "\") that the pocket builder does not copy");
        }
        out->setForceGroup(out == nb_out ? refine_group::kNonbonded : refine_group::kBonded);
        system->addForce(out);
    }
    if (!nb_out) fail<InputError>(receptor_->pdb_path, ": the receptor System has no NonbondedForce");
    if (nonbonded) *nonbonded = nb_out;
    return system;
}

std::unique_ptr<OpenMM::System> Pocket::receptor_system() const {
    std::unique_ptr<OpenMM::System> system = base_system();
    std::vector<double> charges;
    std::vector<GbParameters> gb;
    gb_inputs(charges, gb);
    system->addForce(make_obc2_force(charges, gb, refine_group::kGb));
    return system;
}

}  // namespace vscreen
