// MMFF94 clean-up of one conformer: MMFF94 evaluated in flat loops over its terms, L-BFGS (internal).
#pragma once

#include <vector>

namespace RDKit {
class ROMol;
namespace MMFF {
class MMFFMolProperties;
}  // namespace MMFF
}  // namespace RDKit

namespace vscreen::detail {

/// MMFF94 energy of conformer `cid` (kcal/mol) as the clean-up evaluates it, and its gradient (kcal/mol/A, x y z
/// per atom) when `gradient` is given: the bond, angle, stretch-bend and torsion terms and every van der Waals and
/// electrostatic pair (1-4 and further) in flat loops over the terms RDKit's MMFF::constructForceField would add,
/// the out-of-plane terms by RDKit's own term objects. Equal to RDKit's MMFF94 force field over the same molecule
/// (no distance cut-off), tested to 1e-9.
double mmff_energy(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing,
                   std::vector<double>* gradient = nullptr);

/// What relax_mmff did.
struct Relaxation {
    double energy = 0;    ///< kcal/mol, of the conformer as written back
    int iterations = 0;   ///< L-BFGS iterations taken
    bool stuck = false;   ///< L-BFGS stopped far from a minimum, and RDKit's minimiser ran from the start instead
};

/// Minimises conformer `cid` of `mol` (every hydrogen explicit) under MMFF94 (`typing`, computed once per
/// molecule) for at most `max_iterations` limited-memory BFGS iterations, in place. No coordinate moves more than
/// 0.3 A per iteration. A straight angle at an atom that is not sp (a distance-geometry defect, where the angle
/// term has no gradient) is first bent by moving its centre 0.1 A off the line. Where it stops far from a minimum,
/// at a point whose gradient the energy does not follow (an angle driven straight in a strained macrocycle), the
/// conformer is put back as it came and RDKit's own MMFF94 minimiser runs instead, 200 iterations (`stuck`).
Relaxation relax_mmff(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing, int max_iterations);

}  // namespace vscreen::detail
