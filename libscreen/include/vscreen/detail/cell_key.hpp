// Collision-free 64-bit key of an integer cell (x, y, z) for hashed spatial grids.
#pragma once

#include <cmath>
#include <cstdint>

namespace vscreen::detail {

/// Packs cell indices into one key: 21 bits each, so distinct cells within +-2^20 of the origin always get
/// distinct keys; farther cells wrap around (defined behaviour; fuzzing found the old signed shift overflowing
/// on coordinates of 10^7 A), which callers tolerate because they check the distances of what they find.
inline std::int64_t cell_key(int x, int y, int z) {
    constexpr std::uint64_t kMask = (std::uint64_t{1} << 21) - 1;
    auto bits = [](int v) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(v) + (1 << 20)) & kMask; };
    return static_cast<std::int64_t>((bits(x) << 42) | (bits(y) << 21) | bits(z));
}

/// Index of the cell of width `size` that holds coordinate v, clamped to +-10^9 (a NaN goes to the low end), so
/// that neither the conversion nor a neighbour's index +-1 overflows an int.
inline int cell_index(float v, float size) {
    const float q = std::floor(v / size);
    if (!(q > -1e9f)) return -1000000000;
    if (q > 1e9f) return 1000000000;
    return static_cast<int>(q);
}

}  // namespace vscreen::detail
