// Docking a batch of ligands into one receptor: settings, results and the dock() entry point.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vscreen/backend.hpp"
#include "vscreen/box.hpp"
#include "vscreen/ligand.hpp"
#include "vscreen/receptor.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen {

/// Search settings. The search effort defaults to the `balanced` preset (search_preset.hpp: 16 chains x 1/8 of
/// Vina's Monte Carlo steps, Vina's redocking success on the Astex set for a tenth of its CPU time); the other
/// defaults are Vina's. `detail` (exhaustiveness 8, search_scale 1) is Vina's own step count.
struct DockingSettings {
    Box box;
    int exhaustiveness = 16;      ///< Monte Carlo chains per ligand
    int num_modes = 9;            ///< at most this many modes per ligand
    float energy_range = 3.0f;    ///< modes within this many kcal/mol of the best
    std::uint64_t seed = 0;       ///< the only source of randomness
    ScoringKind scoring = ScoringKind::Vina;
    float grid_spacing = 0.375f;  ///< A
    float search_scale = 0.125f;  ///< multiplies Vina's Monte Carlo step count
    float stall_fraction = 0.0f;  ///< a chain stops after this fraction of its steps without a new best (0: off)
    int threads = 0;              ///< CPU threads for grids and post-processing (0 = all)
};

/// One docked mode of a ligand.
struct DockedMode {
    float affinity = 0;                      ///< kcal/mol, Vina's reported value
    float inter = 0;                         ///< intermolecular energy (exact, pairwise)
    float intra = 0;                         ///< intramolecular energy
    std::array<float, kTermCount> terms{};   ///< weighted intermolecular terms
    float rmsd_lb = 0, rmsd_ub = 0;          ///< heavy-atom RMSD to the best mode (Vina's lower/upper bound)
    std::vector<Vec3> coords;                ///< all ligand atoms, ligand order
    std::vector<float> pose;                 ///< position, quaternion, torsions (LigandModel::coordinates)
};

/// The modes of one ligand, best first.
struct DockingResult {
    std::string name;
    std::vector<DockedMode> modes;
    float unbound = 0;            ///< intramolecular energy of the best mode (Vina's UNBOUND)
    std::string backend;          ///< back-end that ran the search
    long evaluations = 0;         ///< energy evaluations the search made for this ligand (all its chains)
};

/// Docks every ligand into the receptor with `backend`. Same inputs and seed give the same result.
std::vector<DockingResult> dock(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                const DockingSettings& settings, Backend& backend);

/// As above, with ligand i searched by chains[i] Monte Carlo chains instead of settings.exhaustiveness (all on the
/// same grid maps): e.g. the ring shapes of one molecule sharing its chains (docking_chains() in preparation.hpp).
/// A ligand's result depends on its index, its chain count and the seed, not on the other ligands' counts.
std::vector<DockingResult> dock(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                const DockingSettings& settings, Backend& backend, const std::vector<int>& chains);

/// Local optimisation of each ligand from the pose it is given (as Vina's --local_only): BFGS rounds of Vina's
/// iteration count with the refinement caps until a round gains less than 1e-3 kcal/mol (at most 50 rounds); one
/// mode per ligand, rescored exactly as docked modes are. The ligand must lie in settings.box (the grid maps').
/// Used to score crystal poses on the docking landscape: a docked top pose worse than the optimised crystal pose
/// is a search failure, a better one a scoring failure.
std::vector<DockingResult> optimize_poses(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                          const DockingSettings& settings);

/// Vina's Monte Carlo step count and BFGS iterations for a ligand model.
int vina_global_steps(const LigandView& model);
int vina_local_steps(const LigandView& model);

/// Vina's RMSD lower bound: each heavy atom to the nearest heavy atom of the same element, both ways.
float rmsd_lower_bound(const Ligand& lig, const std::vector<Vec3>& a, const std::vector<Vec3>& b);
/// Heavy-atom RMSD with atoms matched by index.
float rmsd_heavy(const Ligand& lig, const std::vector<Vec3>& a, const std::vector<Vec3>& b);

}  // namespace vscreen
