// Exact pairwise scoring with a receptor cell list; used by `vscreen score` and to report final modes.
#include "vscreen/scoring.hpp"

#include <cmath>
#include <unordered_map>

#include "vscreen/atom_type.hpp"
#include "vscreen/detail/cell_key.hpp"
#include "vscreen/error.hpp"

namespace vscreen {

struct ExactScorer::Impl {
    ScoringFunction sf;
    std::vector<Vec3> coords;
    std::vector<unsigned char> xs;
    std::unordered_map<long long, std::vector<int>> cells;

    static long long key(int x, int y, int z) { return detail::cell_key(x, y, z); }
    static int cell(float v) { return detail::cell_index(v, kCutoff); }
};

ExactScorer::ExactScorer(const Receptor& receptor, const ScoringFunction& sf) : impl_(std::make_unique<Impl>()) {
    impl_->sf = sf;
    impl_->coords = receptor.coords;
    impl_->xs = receptor.xs;
    for (size_t i = 0; i < receptor.coords.size(); ++i) {
        const Vec3 c = receptor.coords[i];
        impl_->cells[Impl::key(Impl::cell(c.x), Impl::cell(c.y), Impl::cell(c.z))].push_back(static_cast<int>(i));
    }
}
ExactScorer::~ExactScorer() = default;
ExactScorer::ExactScorer(ExactScorer&&) noexcept = default;
ExactScorer& ExactScorer::operator=(ExactScorer&&) noexcept = default;

const ScoringFunction& ExactScorer::scoring() const { return impl_->sf; }

double ExactScorer::inter(const Vec3* coords, const unsigned char* xs, int n, std::array<double, kTermCount>* terms) const {
    const Impl& m = *impl_;
    double total = 0;
    if (terms) terms->fill(0.0);
    float t[kTermCount];
    for (int a = 0; a < n; ++a) {
        if (xs[a] == kXsNone) continue;
        const Vec3 c = coords[a];
        std::array<double, kTermCount> atom_terms{};
        const int cx = Impl::cell(c.x), cy = Impl::cell(c.y), cz = Impl::cell(c.z);
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    auto it = m.cells.find(Impl::key(cx + dx, cy + dy, cz + dz));
                    if (it == m.cells.end()) continue;
                    for (int r : it->second) {
                        const float d2 = norm_sqr(m.coords[r] - c);
                        if (d2 >= kCutoffSqr) continue;
                        m.sf.terms(xs[a], m.xs[r], std::sqrt(d2), t);
                        for (int k = 0; k < kTermCount; ++k) atom_terms[k] += static_cast<double>(m.sf.weights[k]) * t[k];
                    }
                }
        double e = 0;
        for (double v : atom_terms) e += v;
        double scale = 1.0;
        if (e > 0) scale = 1000.0 / (1000.0 + e);  // Vina's curl with v = 1000
        total += e * scale;
        if (terms)
            for (int k = 0; k < kTermCount; ++k) (*terms)[k] += atom_terms[k] * scale;
    }
    return total;
}

double intra_energy(const LigandView& model, const ScoringFunction& sf, const Vec3* coords) {
    double total = 0;
    for (int k = 0; k < model.num_pairs; ++k) {
        const IntraPair p = model.pairs[k];
        const float r2 = norm_sqr(coords[p.j] - coords[p.i]);
        if (r2 >= kCutoffSqr) continue;
        double e = sf.pair_energy(model.xs[p.i], model.xs[p.j], std::sqrt(r2));
        if (e > 0) e *= 1000.0 / (1000.0 + e);
        total += e;
    }
    return total;
}

PoseScore score_pose(const ExactScorer& scorer, const Ligand& ligand, const std::vector<Vec3>& coords) {
    if (coords.size() != ligand.atoms.size())
        fail("score_pose: ", coords.size(), " coordinates for ", ligand.atoms.size(), " atoms of ", ligand.name);
    std::vector<unsigned char> xs(ligand.atoms.size());
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = ligand.atoms[i].xs;
    PoseScore s;
    s.inter = scorer.inter(coords.data(), xs.data(), static_cast<int>(xs.size()), &s.terms);
    const LigandModel model(ligand);
    s.intra = intra_energy(model.view(), scorer.scoring(), coords.data());
    s.num_rotors = ligand.num_rotors;
    s.affinity = scorer.scoring().normalize(static_cast<float>(s.inter), ligand.num_rotors);
    return s;
}

}  // namespace vscreen
