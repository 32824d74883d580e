// Builds the tabulated pair potentials from the analytic scoring function.
#include "vscreen/pair_table.hpp"

#include <cmath>

namespace vscreen {

PairTable::PairTable(const ScoringFunction& sf, float factor)
    : sf_(sf), factor_(factor), samples_(static_cast<int>(factor * kCutoffSqr) + 3) {
    data_.assign(static_cast<size_t>(kXsPairCount) * samples_ * 2, 0.0f);
    std::vector<double> r(samples_), e(samples_);
    for (int i = 0; i < samples_; ++i) r[i] = std::sqrt(i / static_cast<double>(factor));
    for (int a = 0; a < kXsCount; ++a) {
        for (int b = a; b < kXsCount; ++b) {
            const int p = xs_pair_index(a, b);
            for (int i = 0; i < samples_; ++i) e[i] = sf.pair_energy(a, b, static_cast<float>(r[i]));
            float* out = data_.data() + static_cast<size_t>(p) * samples_ * 2;
            for (int i = 0; i < samples_; ++i) {
                double dor = 0;
                if (i > 0 && i < samples_ - 1) dor = (e[i + 1] - e[i - 1]) / ((r[i + 1] - r[i - 1]) * r[i]);
                out[2 * i] = static_cast<float>(e[i]);
                out[2 * i + 1] = static_cast<float>(dor);
            }
        }
    }
}

}  // namespace vscreen
