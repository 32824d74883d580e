// Non-owning view of precomputed grid maps with Vina's trilinear interpolation and out-of-box penalty.
#pragma once

#include "vscreen/atom_type.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/math.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen {

/// Grid maps of one receptor: one map per XS type, points x-fastest.
struct GridView {
    Vec3 origin;                   ///< coordinates of grid point (0, 0, 0)
    int dims[3] = {0, 0, 0};       ///< number of points per axis (>= 2)
    float inv_spacing = 1;         ///< 1 / spacing
    float spacing = 1;             ///< A between points
    float penalty_slope = 1e6f;    ///< energy per A outside the grid
    const float* maps = nullptr;   ///< [map][z][y][x]
    int map_of_type[kXsCount];     ///< map index of each XS type, -1 when not computed

    VSCREEN_HD long points() const { return static_cast<long>(dims[0]) * dims[1] * dims[2]; }

    /// Energy of an atom of map `m` at `p`, capped by `cap` (curl), plus the out-of-box penalty; gradient in g.
    VSCREEN_HD float eval(int m, Vec3 p, float cap, Vec3& g) const {
        float s[3] = {(p.x - origin.x) * inv_spacing, (p.y - origin.y) * inv_spacing, (p.z - origin.z) * inv_spacing};
        int a[3];
        int region[3];
        float miss = 0;
        for (int i = 0; i < 3; ++i) {
            const float top = static_cast<float>(dims[i] - 1);
            if (!(s[i] >= 0)) {  // also catches NaN: a diverged pose gets a NaN energy, never a wild read
                miss += -s[i];
                region[i] = -1;
                a[i] = 0;
                s[i] = 0;
            } else if (s[i] >= top) {
                miss += s[i] - top;
                region[i] = 1;
                a[i] = dims[i] - 2;
                s[i] = 1;
            } else {
                region[i] = 0;
                a[i] = static_cast<int>(s[i]);
                s[i] -= static_cast<float>(a[i]);
            }
        }
        const long sx = 1, sy = dims[0], sz = static_cast<long>(dims[0]) * dims[1];
        const float* c = maps + m * points() + a[0] * sx + a[1] * sy + a[2] * sz;
        const float v000 = c[0], v100 = c[sx], v010 = c[sy], v110 = c[sx + sy];
        const float v001 = c[sz], v101 = c[sx + sz], v011 = c[sy + sz], v111 = c[sx + sy + sz];
        const float x = s[0], y = s[1], z = s[2];
        const float mx = 1 - x, my = 1 - y, mz = 1 - z;
        float e = v000 * mx * my * mz + v100 * x * my * mz + v010 * mx * y * mz + v110 * x * y * mz +
                  v001 * mx * my * z + v101 * x * my * z + v011 * mx * y * z + v111 * x * y * z;
        Vec3 d;
        d.x = (v100 - v000) * my * mz + (v110 - v010) * y * mz + (v101 - v001) * my * z + (v111 - v011) * y * z;
        d.y = (v010 - v000) * mx * mz + (v110 - v100) * x * mz + (v011 - v001) * mx * z + (v111 - v101) * x * z;
        d.z = (v001 - v000) * mx * my + (v101 - v100) * x * my + (v011 - v010) * mx * y + (v111 - v110) * x * y;
        curl(e, d, cap);
        g.x = (region[0] == 0 ? d.x * inv_spacing : 0.0f) + penalty_slope * region[0];
        g.y = (region[1] == 0 ? d.y * inv_spacing : 0.0f) + penalty_slope * region[1];
        g.z = (region[2] == 0 ? d.z * inv_spacing : 0.0f) + penalty_slope * region[2];
        return e + penalty_slope * miss * spacing;
    }
};

}  // namespace vscreen
