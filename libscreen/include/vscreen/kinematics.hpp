// Pose -> atom coordinates through the torsion tree, and atom gradients -> pose gradient (team form, host and device).
#pragma once

#include "vscreen/hd.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/math.hpp"
#include "vscreen/team.hpp"

namespace vscreen {

/// Per-chain scratch for kinematics, sized by the ligand (see workspace.hpp).
struct FrameScratch {
    Vec3* origin;   ///< node origins, lab frame
    Vec3* axis;     ///< node rotation axes, lab frame
    Quat* orient;   ///< node orientations
    Mat3* rot;      ///< node rotation matrices (of orient)
    Vec3* force;    ///< node accumulated gradient
    Vec3* torque;   ///< node accumulated torque
};

/// Reads position and orientation from a pose array (pos[3], quat[4], torsions...).
VSCREEN_HD Vec3 pose_position(const float* pose) { return make_vec3(pose[0], pose[1], pose[2]); }
VSCREEN_HD Quat pose_orientation(const float* pose) { return make_quat(pose[3], pose[4], pose[5], pose[6]); }

/// Places every atom of the ligand for `pose` (team form: lane 0 walks the tree's frames, then the lanes
/// place the atoms; one lane gives the serial loop's results bit for bit).
template <typename Team>
VSCREEN_HD void place_atoms(Team& team, const LigandView& L, const float* pose, FrameScratch& f, Vec3* coords) {
    if (team.lane() == 0) {
        for (int k = 0; k < L.num_nodes; ++k) {
            Quat q;
            if (k == 0) {
                f.origin[0] = pose_position(pose);
                q = pose_orientation(pose);
                f.axis[0] = make_vec3(0, 0, 0);
            } else {
                const int p = L.node_parent[k];
                const Mat3& rp = f.rot[p];
                f.origin[k] = f.origin[p] + rp * L.node_rel_origin[k];
                f.axis[k] = rp * L.node_rel_axis[k];
                q = quat_from_axis_angle(f.axis[k], pose[7 + k - 1]) * f.orient[p];
            }
            f.orient[k] = q;
            f.rot[k] = quat_to_mat(q);
        }
    }
    team.sync();
    for (int a = team.lane(); a < L.num_atoms; a += team.lanes()) {
        const int k = L.atom_node[a];
        coords[a] = f.origin[k] + f.rot[k] * L.local[a];
    }
    team.sync();
}

/// Places every atom of the ligand for `pose` (one lane).
VSCREEN_HD void place_atoms(const LigandView& L, const float* pose, FrameScratch& f, Vec3* coords) {
    SerialTeam team;
    place_atoms(team, L, pose, f, coords);
}

/// Clears the node accumulators before pose_gradient.
template <typename Team>
VSCREEN_HD void clear_accumulators(Team& team, const LigandView& L, FrameScratch& f) {
    for (int k = team.lane(); k < L.num_nodes; k += team.lanes()) {
        f.force[k] = make_vec3(0, 0, 0);
        f.torque[k] = make_vec3(0, 0, 0);
    }
    team.sync();
}

/// Converts per-atom energy gradients into the pose gradient (position, rotation vector, torsions). Team form:
/// per node (leaves first) the lanes sum its atoms' force and torque, lane 0 starting from what the children
/// passed up, so that one lane adds in the serial order; lane 0 writes `grad` and passes the node's sum to its
/// parent. `grad` is complete for every lane on return.
template <typename Team>
VSCREEN_HD void pose_gradient(Team& team, const LigandView& L, const Vec3* coords, const Vec3* atom_grad,
                              FrameScratch& f, float* grad) {
    const bool lead = team.lane() == 0;
    for (int k = L.num_nodes - 1; k >= 0; --k) {
        Vec3 force = lead ? f.force[k] : make_vec3(0, 0, 0);
        Vec3 torque = lead ? f.torque[k] : make_vec3(0, 0, 0);
        const Vec3 origin = f.origin[k];
        for (int a = L.node_begin[k] + team.lane(); a < L.node_end[k]; a += team.lanes()) {
            force += atom_grad[a];
            torque += cross(coords[a] - origin, atom_grad[a]);
        }
        team_reduce3(team, force.x, force.y, force.z);
        team_reduce3(team, torque.x, torque.y, torque.z);
        if (!lead) continue;
        if (k == 0) {
            grad[0] = force.x; grad[1] = force.y; grad[2] = force.z;
            grad[3] = torque.x; grad[4] = torque.y; grad[5] = torque.z;
        } else {
            grad[6 + k - 1] = dot(torque, f.axis[k]);
            const int p = L.node_parent[k];
            f.force[p] += force;
            f.torque[p] += torque + cross(f.origin[k] - f.origin[p], force);
        }
    }
    team.sync();
}

/// pose += alpha * change (position, rotation vector, torsions), as Vina's conf::increment.
VSCREEN_HD void pose_increment(int num_torsions, const float* pose, const float* change, float alpha, float* out) {
    out[0] = pose[0] + alpha * change[0];
    out[1] = pose[1] + alpha * change[1];
    out[2] = pose[2] + alpha * change[2];
    const Quat q = quat_increment(pose_orientation(pose), alpha * make_vec3(change[3], change[4], change[5]));
    out[3] = q.w; out[4] = q.x; out[5] = q.y; out[6] = q.z;
    for (int t = 0; t < num_torsions; ++t) out[7 + t] = normalize_angle(pose[7 + t] + alpha * change[6 + t]);
}

}  // namespace vscreen
