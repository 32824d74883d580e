// Counter-free, seedable random stream (SplitMix64) usable on host and device; one stream per MC chain.
#pragma once

#include <cstdint>

#include "vscreen/hd.hpp"
#include "vscreen/math.hpp"

namespace vscreen {

/// Deterministic random stream: the same seed gives the same sequence on every back-end.
struct Rng {
    std::uint64_t state = 0;

    /// Stream for (seed, ligand, chain): independent of thread or block scheduling.
    VSCREEN_HD static Rng for_chain(std::uint64_t seed, std::uint64_t ligand, std::uint64_t chain) {
        Rng r;
        r.state = seed;
        r.state = r.next_u64() ^ (ligand * 0x9E3779B97F4A7C15ull);
        r.state = r.next_u64() ^ (chain * 0xC2B2AE3D27D4EB4Full);
        r.next_u64();
        return r;
    }

    VSCREEN_HD std::uint64_t next_u64() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    /// Uniform in [0, 1).
    VSCREEN_HD float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }

    /// Uniform in [lo, hi).
    VSCREEN_HD float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }

    /// Uniform integer in [0, n).
    VSCREEN_HD int below(int n) { return static_cast<int>((next_u64() >> 33) % static_cast<std::uint64_t>(n)); }

    /// Uniform point inside the unit ball (rejection sampling).
    VSCREEN_HD Vec3 in_unit_sphere() {
        for (;;) {
            const Vec3 v = make_vec3(uniform(-1, 1), uniform(-1, 1), uniform(-1, 1));
            if (norm_sqr(v) < 1.0f) return v;
        }
    }

    /// Uniformly distributed random orientation.
    VSCREEN_HD Quat orientation() {
        // Shoemake's method.
        const float u1 = uniform(), u2 = uniform() * 2 * kPi, u3 = uniform() * 2 * kPi;
        const float a = sqrtf(1 - u1), b = sqrtf(u1);
        return make_quat(a * sinf(u2), a * cosf(u2), b * sinf(u3), b * cosf(u3));
    }
};

}  // namespace vscreen
