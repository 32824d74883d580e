// The team concept: lanes that cooperate on one chain (one lane on the CPU, a 32-lane warp on the GPU).
#pragma once

#include "vscreen/hd.hpp"

namespace vscreen {

/// A Team is any type with these members, used by the team-form energy, gradient and kinematics
/// (energy.hpp, kinematics.hpp). Every lane of a team calls the same functions in the same order with
/// its own private variables; memory reached through the context's pointers is shared by the team.
///   int lane() const;                    this lane's index, 0 .. lanes() - 1
///   int lanes() const;                   the number of lanes
///   void sync();                         all lanes meet; shared writes before it are visible to all after it
///   float reduce_sum(float v);           every lane gets the sum of v over the lanes (butterfly order, below)
///   float broadcast(float v, int from);  every lane gets lane `from`'s v
/// Team code strides its loops by lane (`for (i = lane(); i < n; i += lanes())`), writes a shared location
/// from one lane only between two syncs, and leaves serial steps to lane 0 followed by a sync.
///
/// reduce_sum adds in the order of an xor butterfly: at step m = 1, 2, 4, ... every lane adds its partner's
/// (lane ^ m) partial to its own. Partners add the same two numbers, so every lane ends with the same bits and the
/// result does not depend on scheduling (the repeat-runs-are-identical property of the GPU back-end).

/// The one-lane team of the CPU back-end: the team code then runs the serial loops, in their order.
struct SerialTeam {
    VSCREEN_HD int lane() const { return 0; }
    VSCREEN_HD int lanes() const { return 1; }
    VSCREEN_HD void sync() {}
    VSCREEN_HD float reduce_sum(float v) { return v; }
    VSCREEN_HD float broadcast(float v, int) { return v; }
};

/// Sum of a Vec3-like triple over the team (three reductions).
template <typename Team>
VSCREEN_HD void team_reduce3(Team& team, float& x, float& y, float& z) {
    x = team.reduce_sum(x);
    y = team.reduce_sum(y);
    z = team.reduce_sum(z);
}

}  // namespace vscreen
