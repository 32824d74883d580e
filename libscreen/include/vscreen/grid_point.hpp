// Grid-map values of one grid point, written once for the CPU builder (grid_maps.cpp) and the CUDA one (kernels/).
#pragma once

#include "vscreen/atom_type.hpp"
#include "vscreen/grid_view.hpp"
#include "vscreen/hd.hpp"
#include "vscreen/math.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen {

/// A grid row (all x at grid indices iy, iz): its y and z, and the x range an atom must lie in (open, one cutoff
/// beyond the grid's first and last x) to reach any of its points.
struct GridRow {
    float y, z, x0, x1;
};

VSCREEN_HD GridRow grid_row(const GridView& v, int iy, int iz) {
    GridRow r;
    r.y = v.origin.y + iy * v.spacing;
    r.z = v.origin.z + iz * v.spacing;
    r.x0 = v.origin.x - kCutoff;
    r.x1 = v.origin.x + (v.dims[0] - 1) * v.spacing + kCutoff;
    return r;
}

/// Whether receptor atom `a` can reach the row; d2 gets its squared (y, z) distance to the row.
VSCREEN_HD bool grid_row_candidate(const GridRow& row, Vec3 a, float& d2) {
    const float dy = a.y - row.y, dz = a.z - row.z;
    d2 = dy * dy + dz * dz;
    return d2 < kCutoffSqr && a.x > row.x0 && a.x < row.x1;
}

/// The row's candidates among `atoms` (indices, in atom order) and their (y, z) distances; returns their count.
VSCREEN_HD int grid_row_candidates(const GridRow& row, const Vec3* atoms, int num_atoms, int* cand, float* dyz2) {
    int n = 0;
    for (int i = 0; i < num_atoms; ++i) {
        float d2;
        if (!grid_row_candidate(row, atoms[i], d2)) continue;
        cand[n] = i;
        dyz2[n] = d2;
        ++n;
    }
    return n;
}

/// Energies of grid point x of a row for each of `nmaps` maps: over the row's candidates in their order, the pair
/// table energy of (map type, atom type) at the squared distance, summed in double. pair_of[m * kXsCount + t] is the
/// pair index of map m and receptor type t. acc gets nmaps values.
VSCREEN_HD void grid_point_energies(const PairTableView& tv, const int* pair_of, int nmaps, const Vec3* atoms,
                                    const unsigned char* atom_xs, const int* cand, const float* dyz2, int ncand, float x,
                                    double* acc) {
    for (int m = 0; m < nmaps; ++m) acc[m] = 0.0;
    for (int k = 0; k < ncand; ++k) {
        const float dx = atoms[cand[k]].x - x;
        const float r2 = dx * dx + dyz2[k];
        if (r2 >= kCutoffSqr) continue;
        const int* po = pair_of + atom_xs[cand[k]];
        for (int m = 0; m < nmaps; ++m) acc[m] += tv.energy(po[m * kXsCount], r2);
    }
}

/// x of grid point ix.
VSCREEN_HD float grid_point_x(const GridView& v, int ix) { return v.origin.x + ix * v.spacing; }

}  // namespace vscreen
