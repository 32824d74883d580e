// Grid maps of a receptor over a box: one energy map per ligand XS type, computed on all cores.
#pragma once

#include <vector>

#include "vscreen/box.hpp"
#include "vscreen/grid_view.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/receptor.hpp"

namespace vscreen {

/// Owns grid maps; `view()` hands them to the search kernels.
class GridMaps {
public:
    /// Computes maps for the XS types flagged in `types` (indexed by XsType) over `box`.
    /// The grid covers the box with ceil(size / spacing) intervals per axis, centred on the box.
    GridMaps(const Receptor& receptor, const PairTable& table, const Box& box, const std::vector<bool>& types,
             float spacing = 0.375f, int threads = 0);

    GridView view() const;
    const std::vector<float>& data() const { return data_; }
    bool has_type(int xs) const { return view_.map_of_type[xs] >= 0; }

private:
    GridView view_{};
    std::vector<float> data_;
};

/// Number of grid points per axis for a box edge and spacing (intervals + 1, at least 2).
int grid_points_for(float size, float spacing);

}  // namespace vscreen
