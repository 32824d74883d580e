// OpenMM plumbing shared by the refinement's C++ side: platforms by name, RDKit conformers as positions, energies.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vscreen/error.hpp"

namespace RDKit {
class ROMol;
}
namespace OpenMM {
class Context;
class Integrator;
class Platform;
class System;
class Vec3;
}

namespace vscreen {

/// kJ per kcal: OpenMM works in kJ/mol, the refinement reports kcal/mol.
constexpr double kKjPerKcal = 4.184;

/// Whether `p` lies within `radius_nm` of any of `points` (nm): pocket residues, restrained atoms.
bool near_any(const OpenMM::Vec3& p, const std::vector<OpenMM::Vec3>& points, double radius_nm);

/// The OpenMM platform of that name, the plugin platforms (CPU, CUDA) loaded on first use; InputError names the
/// platforms available when it is absent.
OpenMM::Platform& openmm_platform(const std::string& name);

/// Coordinates of conformer `conf_id` of `mol` in nm (OpenMM's unit); InputError when it has no conformer.
std::vector<OpenMM::Vec3> conformer_positions_nm(const RDKit::ROMol& mol, int conf_id = -1);

/// Potential energies (kcal/mol) of `system` at `positions` on the named platform ("auto" allowed), one per entry of
/// `group_masks` (bit g set = force group g counted; -1 = every group). OpenMM failures become vscreen::Error.
std::vector<double> potential_energies_kcal(const OpenMM::System& system, const std::vector<OpenMM::Vec3>& positions,
                                            const std::string& platform, const std::vector<int>& group_masks = {-1});

/// The platform "auto" stands for here: CUDA where its plugin loads and a context can be made (a GPU is present),
/// else CPU, else Reference. Any other name is returned as it is (checked when a context is made).
std::string resolve_platform_name(const std::string& name);

/// Context properties of the refinement on that platform (as the Python stage's select_platform): with
/// `deterministic`, one thread on CPU (its threaded force sums vary in the last bits) and DeterministicForces on
/// CUDA/OpenCL (mixed precision there); otherwise `threads` CPU threads when > 0.
std::map<std::string, std::string> refine_context_properties(const std::string& platform, bool deterministic,
                                                             int threads = 0);

/// A Context of `system` driven by `integrator` (both must outlive it) on the named platform; OpenMM failures
/// become vscreen::Error.
std::unique_ptr<OpenMM::Context> make_context(const OpenMM::System& system, OpenMM::Integrator& integrator,
                                              const std::string& platform,
                                              const std::map<std::string, std::string>& properties = {});

/// Potential energy (kcal/mol) of the force groups in `group_mask` at the context's current positions.
double context_energy_kcal(OpenMM::Context& context, int group_mask = -1);

}  // namespace vscreen
