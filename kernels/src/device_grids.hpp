// Grid maps on the device: the missing XS types of a target in one kernel pass, kept per target across searches.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <cuda_runtime.h>

#include "device_buffer.hpp"
#include "vscreen/backend.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/pair_table.hpp"

namespace vscreen::cuda {

/// Computes the maps of `map_types` over `layout` from `atoms` on the device in one pass (grid_point.hpp's per-point
/// math, the CPU builder's), map k into device_maps + out_map[k] * layout.points(). `table` is a device view.
void compute_device_maps(const GridView& layout, const GridAtoms& atoms, const std::vector<int>& map_types,
                         const std::vector<int>& out_map, const PairTableView& table, float* device_maps,
                         cudaStream_t stream);

/// 64-bit FNV-1a of bytes, continuing from `h` (the cache's content keys).
std::uint64_t fnv1a(const void* data, size_t bytes, std::uint64_t h = 1469598103934665603ull);

/// Device grid maps kept across searches, one entry per target: receptor content, box, spacing and pair table. An
/// entry holds a slot for every XS type; a request computes only the types not there yet (one pass for all of them),
/// so a campaign docking many chunks into one target computes each map once per process. At most `max_entries`
/// targets are kept (the least recently used is dropped).
class DeviceGridCache {
public:
    explicit DeviceGridCache(size_t max_entries = 4) : max_entries_(max_entries) {}
    /// Device view of the maps of spec.types (every requested type's map_of_type set); `built` says whether a pass
    /// ran and `ms` gets its device time. `table` is the host table, `device_table` its device view.
    GridView get(const GridSpec& spec, const PairTable& table, const PairTableView& device_table, bool& built,
                 double& ms);
    size_t entries() const { return entries_.size(); }

private:
    struct Entry {
        std::uint64_t key = 0;
        GridView view;
        DeviceBuffer<float> maps;  // kXsCount maps; map t at t * points
        bool have[kXsCount] = {};
        long last_use = 0;
    };
    size_t max_entries_;
    long clock_ = 0;
    std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace vscreen::cuda
