// One pose through the C++ refinement: build the complex, minimise, MM-GBSA, ligand strain, optional short MD.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vscreen/refine/complex_system.hpp"

namespace RDKit {
class RWMol;
}
namespace OpenMM {
class Context;
class Integrator;
}  // namespace OpenMM

namespace vscreen {

/// Settings of the refinement (defaults as the Python stage's RefineSettings; OBC2 is the only GB model here).
struct RefineSettings {
    double pocket_radius = 10.0;     ///< A; residues within it of any pose are simulated (<= 0: all)
    double restrain_beyond = 6.0;    ///< A; pocket heavy atoms farther from the ligand are restrained
    double restraint_k = 10.0;       ///< kcal/mol/A^2
    double tolerance = 10.0;         ///< minimiser RMS-force tolerance, kJ/mol/nm (OpenMM's default)
    int max_iterations = 2000;       ///< L-BFGS iterations at most (0 = until converged)
    double md_ps = 0.0;              ///< picoseconds of Langevin MD per pose (0 = none)
    double md_report_ps = 0.5;       ///< ligand RMSD sampling interval
    std::uint32_t seed = 0;          ///< MD velocities and noise
    std::string platform = "auto";   ///< OpenMM platform: CUDA, OpenCL, CPU, Reference; auto = CUDA, else CPU
    bool deterministic = true;       ///< same input, same energies (1 CPU thread; DeterministicForces on GPUs)
    int threads = 0;                 ///< CPU threads when not deterministic (0 = OpenMM's default)
    bool ligand_strain = true;       ///< also minimise the ligand alone and report its strain
};

/// Single-trajectory MM-GBSA at the minimised coordinates, kcal/mol: dg = e_complex - e_receptor - e_ligand =
/// coulomb + vdw + gb (receptor-ligand Coulomb and LJ, and the change of GB solvation on binding).
struct MmgbsaEstimate {
    double e_complex, e_receptor, e_ligand, dg, coulomb, vdw, gb;
};

/// What refining one pose gives.
struct RefinedPose {
    MmgbsaEstimate mmgbsa{};
    double ligand_strain = std::numeric_limits<double>::quiet_NaN();  ///< E_ligand(bound) - E_ligand(relaxed alone)
    double rmsd_minimised = 0.0;     ///< A, ligand heavy atoms, minimised vs input pose
    std::vector<OpenMM::Vec3> ligand_positions_angstrom;  ///< the minimised pose, RDKit atom order
    std::vector<double> md_times_ps;  ///< MD samples (empty without MD) ...
    std::vector<double> md_rmsd;      ///< ... ligand heavy-atom RMSD (A) to the minimised pose
    double md_rmsd_mean_second_half = std::numeric_limits<double>::quiet_NaN();
    bool md_stays = false;            ///< mean RMSD over the second half below 2 A
};

/// A copy of `ligand` with the refined coordinates (conformer `conf_id` replaced) and the results as SD properties,
/// named as the Python stage writes them: vscreen_refine_dg_mmgbsa, _dg_coulomb, _dg_vdw, _dg_gb, _ligand_strain,
/// _rmsd_minimised (3 decimals), and with MD _md_rmsd_mean and _md_stays.
std::unique_ptr<RDKit::RWMol> refined_molecule(const RDKit::ROMol& ligand, const RefinedPose& pose, int conf_id = -1);

/// Refines poses against one pocket; keeps the pocket's receptor Context between poses. Not thread-safe: one
/// per thread or process. Failures throw: LigandParameterError (MMFF94 cannot type the ligand), vscreen::Error
/// (OpenMM failed, or the minimisation diverged); the caller records them and goes on.
class PoseRefiner {
public:
    PoseRefiner(Pocket pocket, RefineSettings settings);
    ~PoseRefiner();
    PoseRefiner(const PoseRefiner&) = delete;
    PoseRefiner& operator=(const PoseRefiner&) = delete;

    /// Refines conformer `conf_id` of `ligand` (all hydrogens explicit, coordinates in the receptor's frame).
    RefinedPose refine(const RDKit::ROMol& ligand, int conf_id = -1);

    const Pocket& pocket() const { return pocket_; }
    /// The settings, with "auto" resolved to the platform in use.
    const RefineSettings& settings() const { return settings_; }

private:
    Pocket pocket_;
    RefineSettings settings_;
    std::map<std::string, std::string> context_properties_;  ///< from the settings, for every context
    std::unique_ptr<OpenMM::System> receptor_system_;
    std::unique_ptr<OpenMM::Integrator> receptor_integrator_;
    std::unique_ptr<OpenMM::Context> receptor_context_;
};

}  // namespace vscreen
