// The Vina and Vinardo empirical scoring functions: pair terms, weights, radii, torsion normalisation.
#pragma once

#include <string>

#include "vscreen/atom_type.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/math.hpp"

namespace vscreen {

/// Which built-in scoring function.
enum class ScoringKind { Vina = 0, Vinardo = 1 };

/// Parses "vina" / "vinardo"; throws InputError otherwise.
ScoringKind parse_scoring_kind(const std::string& name);
const char* scoring_kind_name(ScoringKind k);

constexpr int kTermCount = 5;  ///< gauss1, gauss2, repulsion, hydrophobic, hydrogen bond
constexpr float kCutoff = 8.0f;  ///< pair cutoff in Angstrom
constexpr float kCutoffSqr = kCutoff * kCutoff;

/// Names of the intermolecular terms, in the order of the term arrays.
extern const char* const kTermNames[kTermCount];

/// Constants of one scoring function; a trivially copyable value passed to kernels.
struct ScoringFunction {
    ScoringKind kind = ScoringKind::Vina;
    float weights[kTermCount] = {-0.035579f, -0.005156f, 0.840245f, -0.035069f, -0.587439f};
    float rot_weight = 0.05846f;  ///< torsion normalisation E / (1 + w * Nrot)

    /// The function's constants (SCIENCE.md).
    static ScoringFunction make(ScoringKind kind) {
        ScoringFunction f;
        f.kind = kind;
        if (kind == ScoringKind::Vinardo) {
            const float w[kTermCount] = {-0.045f, 0.0f, 0.8f, -0.035f, -0.600f};
            for (int i = 0; i < kTermCount; ++i) f.weights[i] = w[i];
        }
        return f;
    }

    /// van der Waals radius of an XS type for this function.
    VSCREEN_HD float radius(int t) const {
        const bool vinardo = kind == ScoringKind::Vinardo;
        switch (t) {
            case kXsC_H: case kXsC_P: return vinardo ? 2.0f : 1.9f;
            case kXsN_P: case kXsN_D: case kXsN_A: case kXsN_DA: return vinardo ? 1.7f : 1.8f;
            case kXsO_P: case kXsO_D: case kXsO_A: case kXsO_DA: return vinardo ? 1.6f : 1.7f;
            case kXsS_P: return 2.0f;
            case kXsP_P: return 2.1f;
            case kXsF_H: return 1.5f;
            case kXsCl_H: return 1.8f;
            case kXsBr_H: return 2.0f;
            case kXsI_H: return 2.2f;
            case kXsSi: return 2.2f;
            case kXsAt: return 2.3f;
            case kXsMet_D: return 1.2f;
            default: return 0.0f;
        }
    }

    /// Unweighted term values of the pair (a, b) at distance r; returns nothing for r >= cutoff.
    VSCREEN_HD void terms(int a, int b, float r, float out[kTermCount]) const {
        for (int i = 0; i < kTermCount; ++i) out[i] = 0;
        if (r >= kCutoff) return;
        const float d = r - radius(a) - radius(b);
        const bool hydrophobic = xs_is_hydrophobic(a) && xs_is_hydrophobic(b);
        const bool hbond = xs_hbond_possible(a, b);
        if (kind == ScoringKind::Vina) {
            const float g1 = d / 0.5f;
            out[0] = expf(-g1 * g1);
            const float g2 = (d - 3.0f) / 2.0f;
            out[1] = expf(-g2 * g2);
            out[2] = d < 0 ? d * d : 0.0f;
            if (hydrophobic) out[3] = d <= 0.5f ? 1.0f : (d >= 1.5f ? 0.0f : 1.5f - d);
            if (hbond) out[4] = d <= -0.7f ? 1.0f : (d >= 0.0f ? 0.0f : -d / 0.7f);
        } else {
            const float g = d / 0.8f;
            out[0] = expf(-g * g);
            out[2] = d < 0 ? d * d : 0.0f;
            if (hydrophobic) out[3] = d <= 0.0f ? 1.0f : (d >= 2.5f ? 0.0f : (2.5f - d) / 2.5f);
            if (hbond) out[4] = d <= -0.6f ? 1.0f : (d >= 0.0f ? 0.0f : -d / 0.6f);
        }
    }

    /// Weighted pair energy at distance r.
    VSCREEN_HD float pair_energy(int a, int b, float r) const {
        float t[kTermCount];
        terms(a, b, r, t);
        float e = 0;
        for (int i = 0; i < kTermCount; ++i) e += weights[i] * t[i];
        return e;
    }

    /// The conformation-independent normalisation of an energy.
    VSCREEN_HD float normalize(float e, float num_rotors) const { return e / (1.0f + rot_weight * num_rotors); }
};

/// Vina's per-atom energy cap: positive energies are softened to v*e/(v+e), gradients by (v/(v+e))^2.
VSCREEN_HD void curl(float& e, Vec3& g, float v) {
    if (e > 0 && v < 1e30f) {
        const float t = v / (v + e);
        e *= t;
        g = (t * t) * g;
    }
}
VSCREEN_HD void curl(float& e, float& dor, float v) {
    if (e > 0 && v < 1e30f) {
        const float t = v / (v + e);
        e *= t;
        dor *= t * t;
    }
}

}  // namespace vscreen
