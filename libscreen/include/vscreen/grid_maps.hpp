// Grid maps of a receptor over a box: one energy map per ligand XS type, computed on all cores.
#pragma once

#include <cstddef>
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

/// Grid maps of one docking may take at most this much memory, or half the machine's if that is less: a box too
/// large for memory is a CapacityError naming the limit before anything is allocated, never an out-of-memory kill.
constexpr size_t kMaxGridBytes = size_t{4} << 30;
/// Grid points per axis beyond which a box edge is refused (CapacityError).
constexpr int kMaxGridPointsPerAxis = 100000;

/// The layout of grid maps over `box` (dims, origin, spacing; no maps, every type -1): the grid covers the box with
/// ceil(size / spacing) intervals per axis, centred on it. Throws InputError for a non-positive size or spacing.
GridView grid_layout(const Box& box, float spacing);

/// Receptor atoms within the cutoff of a grid's bounds, in receptor order: what every map builder sums over.
struct GridAtoms {
    std::vector<Vec3> coords;
    std::vector<unsigned char> xs;
};
GridAtoms grid_atoms(const Receptor& receptor, const GridView& layout);

/// pair_of[m * kXsCount + t]: the pair-table index of (map_types[m], receptor type t), as grid_point_energies takes it.
std::vector<int> grid_pair_index(const std::vector<int>& map_types);

/// The grid-map memory bound in bytes: min(kMaxGridBytes, half the physical memory).
size_t grid_memory_limit();

/// Number of grid points per axis for a box edge and spacing (intervals + 1, at least 2); throws CapacityError
/// beyond kMaxGridPointsPerAxis.
int grid_points_for(float size, float spacing);

}  // namespace vscreen
