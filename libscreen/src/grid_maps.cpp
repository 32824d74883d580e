// Computes grid maps: for every grid point and ligand XS type, the summed pair energy with receptor atoms.
#include "vscreen/grid_maps.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include <unistd.h>

#include "vscreen/detail/parallel.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_point.hpp"

namespace vscreen {

int grid_points_for(float size, float spacing) {
    const float intervals_f = std::ceil(size / spacing - 1e-4f);
    if (!(intervals_f < static_cast<float>(kMaxGridPointsPerAxis)))
        fail<CapacityError>("a box edge of ", size, " A at grid spacing ", spacing, " A needs more than ",
                            kMaxGridPointsPerAxis, " grid points; use a smaller box");
    const int intervals = static_cast<int>(intervals_f);
    return intervals < 1 ? 2 : intervals + 1;
}

size_t grid_memory_limit() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const size_t half = pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) / 2 : kMaxGridBytes;
    return std::min(kMaxGridBytes, half);
}

GridView grid_layout(const Box& box, float spacing) {
    if (!(spacing > 0)) fail("grid spacing must be positive, got ", spacing);
    if (!(box.size.x > 0 && box.size.y > 0 && box.size.z > 0))
        fail("box size must be positive, got ", box.size.x, " ", box.size.y, " ", box.size.z);
    GridView v;
    v.dims[0] = grid_points_for(box.size.x, spacing);
    v.dims[1] = grid_points_for(box.size.y, spacing);
    v.dims[2] = grid_points_for(box.size.z, spacing);
    v.spacing = spacing;
    v.inv_spacing = 1.0f / spacing;
    v.origin = box.center - 0.5f * spacing *
                                make_vec3(static_cast<float>(v.dims[0] - 1), static_cast<float>(v.dims[1] - 1),
                                          static_cast<float>(v.dims[2] - 1));
    for (int t = 0; t < kXsCount; ++t) v.map_of_type[t] = -1;
    return v;
}

GridAtoms grid_atoms(const Receptor& receptor, const GridView& v) {
    const float spacing = v.spacing;
    const Vec3 lo = v.origin - make_vec3(kCutoff, kCutoff, kCutoff);
    const Vec3 hi = v.origin + spacing * make_vec3(static_cast<float>(v.dims[0] - 1), static_cast<float>(v.dims[1] - 1),
                                                   static_cast<float>(v.dims[2] - 1)) +
                    make_vec3(kCutoff, kCutoff, kCutoff);
    GridAtoms near;
    for (size_t i = 0; i < receptor.size(); ++i) {
        const Vec3 c = receptor.coords[i];
        if (c.x < lo.x || c.y < lo.y || c.z < lo.z || c.x > hi.x || c.y > hi.y || c.z > hi.z) continue;
        near.coords.push_back(c);
        near.xs.push_back(receptor.xs[i]);
    }
    return near;
}

std::vector<int> grid_pair_index(const std::vector<int>& map_types) {
    std::vector<int> pair_of(map_types.size() * kXsCount);
    for (size_t m = 0; m < map_types.size(); ++m)
        for (int r = 0; r < kXsCount; ++r) pair_of[m * kXsCount + r] = xs_pair_index(map_types[m], r);
    return pair_of;
}

GridMaps::GridMaps(const Receptor& receptor, const PairTable& table, const Box& box, const std::vector<bool>& types,
                   float spacing, int threads) {
    GridView& v = view_;
    v = grid_layout(box, spacing);
    if (types.size() != static_cast<size_t>(kXsCount)) fail<Error>("GridMaps: types must have ", kXsCount, " flags");
    std::vector<int> map_types;
    for (int t = 0; t < kXsCount; ++t) {
        v.map_of_type[t] = types[t] ? static_cast<int>(map_types.size()) : -1;
        if (types[t]) map_types.push_back(t);
    }
    const long points = v.points();
    const int nmaps = static_cast<int>(map_types.size());
    const long total = points * nmaps;
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const size_t bytes = static_cast<size_t>(total) * sizeof(float), limit = grid_memory_limit();
    if (bytes > limit)
        fail<CapacityError>("the search box (", box.size.x, " x ", box.size.y, " x ", box.size.z, " A at spacing ",
                            spacing, " A: ", v.dims[0], " x ", v.dims[1], " x ", v.dims[2], " points x ", nmaps,
                            " ligand types) needs ", bytes / gib, " GiB of grid maps, over the limit of ", limit / gib,
                            " GiB (the smaller of ", kMaxGridBytes / gib,
                            " GiB and half this machine's memory); use a smaller box");
    try {
        data_.assign(static_cast<size_t>(total), 0.0f);
    } catch (const std::bad_alloc&) {
        fail<CapacityError>("cannot allocate ", bytes / gib, " GiB of grid maps for the search box; use a smaller box");
    }

    // Receptor atoms that can reach the grid, and the pair index of (map type, receptor type).
    const GridAtoms near = grid_atoms(receptor, v);
    const std::vector<int> pair_of = grid_pair_index(map_types);
    const PairTableView tv = table.view();
    const int nx = v.dims[0], ny = v.dims[1], nz = v.dims[2];
    const int num_near = static_cast<int>(near.coords.size());
    float* out = data_.data();
    detail::parallel_for(static_cast<long>(ny) * nz, threads, [&](long row, int) {
        const int iy = static_cast<int>(row % ny), iz = static_cast<int>(row / ny);
        std::vector<int> cand(near.coords.size());
        std::vector<float> cand_dyz2(near.coords.size());
        const int ncand = grid_row_candidates(grid_row(v, iy, iz), near.coords.data(), num_near, cand.data(),
                                              cand_dyz2.data());
        std::vector<double> acc(nmaps);
        for (int ix = 0; ix < nx; ++ix) {
            grid_point_energies(tv, pair_of.data(), nmaps, near.coords.data(), near.xs.data(), cand.data(),
                                cand_dyz2.data(), ncand, grid_point_x(v, ix), acc.data());
            const long base = (static_cast<long>(iz) * ny + iy) * nx + ix;
            for (int m = 0; m < nmaps; ++m) out[m * points + base] = static_cast<float>(acc[m]);
        }
    });
    v.maps = data_.data();
}

GridView GridMaps::view() const {
    GridView v = view_;
    v.maps = data_.data();
    return v;
}

}  // namespace vscreen
