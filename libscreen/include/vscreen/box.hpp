// The search box: centre and size in Angstrom.
#pragma once

#include "vscreen/math.hpp"

namespace vscreen {

/// Axis-aligned search space given as centre and edge lengths (Vina's --center/--size).
struct Box {
    Vec3 center;
    Vec3 size = make_vec3(22.5f, 22.5f, 22.5f);

    Vec3 lower() const { return center - 0.5f * size; }
    Vec3 upper() const { return center + 0.5f * size; }
};

}  // namespace vscreen
