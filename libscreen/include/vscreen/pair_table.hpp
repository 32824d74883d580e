// Pair potentials of a scoring function tabulated on a fine r^2 grid per XS type pair (Vina's "precalculate").
#pragma once

#include <vector>

#include "vscreen/hd.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen {

/// Non-owning view of a PairTable, passed to host and device kernels.
struct PairTableView {
    const float* data = nullptr;  ///< [pair][sample][2]: energy, (dE/dr)/r
    int samples = 0;              ///< samples per type pair
    float factor = 0;             ///< samples per A^2

    /// Energy and (dE/dr)/r for type pair index p at squared distance r2 (< cutoff^2), linear in r^2.
    VSCREEN_HD void eval(int p, float r2, float& e, float& dor) const {
        const float x = factor * r2;
        if (!(x >= 0.0f && x < static_cast<float>(samples - 1))) { e = 0; dor = 0; return; }
        const int i = static_cast<int>(x);
        const float t = x - static_cast<float>(i);
        const float* a = data + (static_cast<long>(p) * samples + i) * 2;
        e = a[0] + t * (a[2] - a[0]);
        dor = a[1] + t * (a[3] - a[1]);
    }

    /// As eval() for a squared distance known to be below the cutoff (the hot loops check that first).
    VSCREEN_HD void eval_within_cutoff(int p, float r2, float& e, float& dor) const {
        const float x = factor * r2;
        const int i = static_cast<int>(x);
        const float t = x - static_cast<float>(i);
        const float* a = data + (static_cast<long>(p) * samples + i) * 2;
        e = a[0] + t * (a[2] - a[0]);
        dor = a[1] + t * (a[3] - a[1]);
    }

    /// Energy only.
    VSCREEN_HD float energy(int p, float r2) const {
        float e, dor;
        eval(p, r2, e, dor);
        return e;
    }
};

/// Owns the tabulated pair potentials of one scoring function for all XS type pairs.
class PairTable {
public:
    /// Tabulates `sf` with `factor` samples per A^2 up to the cutoff.
    explicit PairTable(const ScoringFunction& sf, float factor = 32.0f);

    PairTableView view() const { return PairTableView{data_.data(), samples_, factor_}; }
    const std::vector<float>& data() const { return data_; }
    const ScoringFunction& scoring() const { return sf_; }

private:
    ScoringFunction sf_;
    float factor_;
    int samples_;
    std::vector<float> data_;
};

}  // namespace vscreen
