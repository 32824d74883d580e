// Collision-free 64-bit key of an integer cell (x, y, z) for hashed spatial grids.
#pragma once

#include <cmath>
#include <cstdint>

namespace vscreen::detail {

/// Packs cell indices (each within +-2^20) into one key; distinct cells always get distinct keys.
inline std::int64_t cell_key(int x, int y, int z) {
    constexpr std::int64_t kOffset = 1 << 20;
    return ((x + kOffset) << 42) | ((y + kOffset) << 21) | (z + kOffset);
}

/// Index of the cell of width `size` that holds coordinate v.
inline int cell_index(float v, float size) { return static_cast<int>(std::floor(v / size)); }

}  // namespace vscreen::detail
