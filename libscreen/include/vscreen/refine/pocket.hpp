// The simulated part of a receptor: whole residues near the poses, with the full receptor's Amber terms among them.
#pragma once

#include <memory>
#include <vector>

#include "vscreen/refine/receptor_model.hpp"

namespace OpenMM {
class NonbondedForce;
class System;
}  // namespace OpenMM

namespace vscreen {

/// Force groups of the refinement's systems (as the Python stage's complex_builder numbers them).
namespace refine_group {
constexpr int kBonded = 0;      ///< receptor bonds, angles, torsions
constexpr int kNonbonded = 1;   ///< the NonbondedForce: receptor-receptor and receptor-ligand
constexpr int kGb = 2;          ///< implicit solvent
constexpr int kRestraint = 3;   ///< pocket restraints, left out of reported energies
constexpr int kMmff0 = 4;       ///< the ligand's MMFF94 terms: groups kMmff0 .. kMmff0 + 6 (MmffTerm order)
/// Every group but the restraints: the reported energies.
constexpr int kEnergyMask = ~(1 << kRestraint);
}  // namespace refine_group

/// Pocket atoms first in every system built from it, in receptor order.
class Pocket {
public:
    /// `atoms`: sorted receptor indices (ReceptorModel::pocket_atoms); InputError when empty or out of range.
    Pocket(std::shared_ptr<const ReceptorModel> receptor, std::vector<int> atoms);

    const ReceptorModel& receptor() const { return *receptor_; }
    const std::vector<int>& atoms() const { return atoms_; }
    int size() const { return static_cast<int>(atoms_.size()); }
    std::vector<OpenMM::Vec3> positions_nm() const;
    /// The pocket atoms' charges (e) and OBC2 parameters, in pocket order: the receptor part of every GB force.
    void gb_inputs(std::vector<double>& charges, std::vector<GbParameters>& params) const;

    /// The pocket's Amber terms without solvent: every bonded term among kept atoms (terms that crossed the cut
    /// are dropped; whole residues keep their integer charge) and a no-cutoff NonbondedForce with the kept
    /// atoms' parameters and exceptions, which `nonbonded` (when given) points to. InputError for a force other
    /// than HarmonicBond/HarmonicAngle/PeriodicTorsion/Nonbonded/CMMotionRemover.
    std::unique_ptr<OpenMM::System> base_system(OpenMM::NonbondedForce** nonbonded = nullptr) const;

    /// The pocket alone with OBC2: the E_receptor system of MM-GBSA.
    std::unique_ptr<OpenMM::System> receptor_system() const;

private:
    std::shared_ptr<const ReceptorModel> receptor_;
    std::vector<int> atoms_;
};

}  // namespace vscreen
