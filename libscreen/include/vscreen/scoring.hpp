// Exact (grid-free) scoring of a ligand pose against a receptor, as `vina --score_only` reports it.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "vscreen/ligand.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/receptor.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen {

/// Energies of one pose: weighted intermolecular terms, their sum, intramolecular energy, affinity.
struct PoseScore {
    double inter = 0;                         ///< intermolecular energy (kcal/mol)
    double intra = 0;                         ///< intramolecular energy of the ligand
    std::array<double, kTermCount> terms{};   ///< weighted intermolecular terms, summing to inter
    double affinity = 0;                      ///< normalised (inter + intra - unbound)
    float num_rotors = 0;                     ///< Nrot used in the normalisation
};

/// Pairwise intermolecular scoring against a fixed receptor, accelerated by a cell list.
class ExactScorer {
public:
    ExactScorer(const Receptor& receptor, const ScoringFunction& sf);
    ~ExactScorer();
    ExactScorer(ExactScorer&&) noexcept;
    ExactScorer& operator=(ExactScorer&&) noexcept;

    /// Intermolecular energy and weighted terms of atoms at `coords` with XS types `xs` (kXsNone skipped).
    /// Each atom's positive total is capped by Vina's curl with v = 1000, as in score_only.
    double inter(const Vec3* coords, const unsigned char* xs, int n, std::array<double, kTermCount>* terms) const;

    const ScoringFunction& scoring() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Intramolecular energy of the model's scored pairs at atom coordinates `coords` (curl 1000 per pair).
double intra_energy(const LigandView& model, const ScoringFunction& sf, const Vec3* coords);

/// Scores a ligand at the given coordinates (ligand atom order): affinity = normalised inter energy,
/// as `vina --score_only` (the unbound energy is the pose's own intramolecular energy).
PoseScore score_pose(const ExactScorer& scorer, const Ligand& ligand, const std::vector<Vec3>& coords);

}  // namespace vscreen
