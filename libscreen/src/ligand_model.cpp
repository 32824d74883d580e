// Builds the flat kernel form of a ligand: frames, local coordinates and the scored intramolecular pairs.
#include "vscreen/ligand_model.hpp"

#include <cmath>
#include <queue>

#include "vscreen/atom_type.hpp"
#include "vscreen/error.hpp"
#include "vscreen/kinematics.hpp"

namespace vscreen {

namespace {

// Atoms within three bonds of `from` (1-2, 1-3 and 1-4 neighbours) are marked in `near`.
void mark_within_three_bonds(int from, const std::vector<std::vector<int>>& adj, std::vector<int>& depth) {
    std::fill(depth.begin(), depth.end(), -1);
    std::queue<int> q;
    depth[from] = 0;
    q.push(from);
    while (!q.empty()) {
        const int a = q.front();
        q.pop();
        if (depth[a] == 3) continue;
        for (int b : adj[a]) {
            if (depth[b] < 0) {
                depth[b] = depth[a] + 1;
                q.push(b);
            }
        }
    }
}

}  // namespace

LigandModel::LigandModel(const Ligand& lig) {
    validate(lig, lig.name);
    const int na = static_cast<int>(lig.atoms.size());
    const int nn = static_cast<int>(lig.nodes.size());
    std::vector<int> node_of(na, 0);
    for (int k = 0; k < nn; ++k)
        for (int a = lig.nodes[k].begin; a < lig.nodes[k].end; ++a) node_of[a] = k;

    // Frame origins in the reference conformation.
    std::vector<Vec3> origin(nn);
    {
        Vec3 sum;
        int count = 0;
        const TorsionNode& root = lig.nodes[0];
        for (int pass = 0; pass < 2 && count == 0; ++pass)
            for (int a = root.begin; a < root.end; ++a)
                if (pass == 1 || lig.atoms[a].xs != kXsNone) {
                    sum += lig.atoms[a].coords;
                    ++count;
                }
        origin[0] = (1.0f / static_cast<float>(count)) * sum;
    }
    node_parent_.resize(nn);
    node_begin_.resize(nn);
    node_end_.resize(nn);
    node_rel_origin_.assign(nn, Vec3{});
    node_rel_axis_.assign(nn, Vec3{});
    for (int k = 0; k < nn; ++k) {
        const TorsionNode& n = lig.nodes[k];
        node_parent_[k] = n.parent;
        node_begin_[k] = n.begin;
        node_end_[k] = n.end;
        if (k == 0) continue;
        origin[k] = lig.atoms[n.child_atom].coords;
        node_rel_origin_[k] = origin[k] - origin[n.parent];
        const Vec3 axis = lig.atoms[n.child_atom].coords - lig.atoms[n.parent_atom].coords;
        if (norm(axis) < 1e-4f) fail("ligand ", lig.name, ": rotatable bond ", n.parent_atom + 1, "-", n.child_atom + 1,
                                     " has zero length");
        node_rel_axis_[k] = normalized(axis);
    }
    local_.resize(na);
    xs_.resize(na);
    for (int a = 0; a < na; ++a) {
        local_[a] = lig.atoms[a].coords - origin[node_of[a]];
        xs_[a] = lig.atoms[a].xs;
        if (xs_[a] != kXsNone) heavy_.push_back(a);
    }
    if (heavy_.empty()) fail("ligand ", lig.name, ": no heavy atoms");

    // Intramolecular pairs whose distance can change and that are more than three bonds apart.
    std::vector<std::vector<int>> adj(na);
    for (const auto& b : lig.bonds) {
        adj[b[0]].push_back(b[1]);
        adj[b[1]].push_back(b[0]);
    }
    std::vector<int> depth(na);
    for (size_t hi = 0; hi < heavy_.size(); ++hi) {
        const int i = heavy_[hi];
        mark_within_three_bonds(i, adj, depth);
        for (size_t hj = hi + 1; hj < heavy_.size(); ++hj) {
            const int j = heavy_[hj];
            const int ni = node_of[i], nj = node_of[j];
            if (ni == nj || depth[j] >= 0) continue;
            // As Vina: the parent-side atom of a rotatable bond is rigid with the child fragment.
            if (i == lig.nodes[nj].parent_atom || j == lig.nodes[ni].parent_atom) continue;
            pairs_.push_back(IntraPair{i, j, xs_pair_index(xs_[i], xs_[j])});
        }
    }

    // Per-atom indexes of the pairs, for the team form's gather of pair forces (energy.hpp).
    atom_node_ = node_of;
    pair_i_begin_.assign(na + 1, 0);
    pair_j_begin_.assign(na + 1, 0);
    for (const IntraPair& p : pairs_) {
        ++pair_i_begin_[p.i + 1];
        ++pair_j_begin_[p.j + 1];
    }
    for (int a = 0; a < na; ++a) {
        pair_i_begin_[a + 1] += pair_i_begin_[a];
        pair_j_begin_[a + 1] += pair_j_begin_[a];
    }
    pair_by_j_.assign(pairs_.size(), 0);
    {
        std::vector<int> next(pair_j_begin_.begin(), pair_j_begin_.end() - 1);
        for (size_t k = 0; k < pairs_.size(); ++k) pair_by_j_[next[pairs_[k].j]++] = static_cast<int>(k);
    }

    for (const RiderAtom& r : lig.riders) {
        if (r.node < 0 || r.node >= nn) fail("ligand ", lig.name, ": rider atom on unknown fragment ", r.node);
        rider_node_.push_back(r.node);
        rider_local_.push_back(r.coords - origin[r.node]);
    }

    reference_pose_.assign(7 + nn - 1, 0.0f);
    reference_pose_[0] = origin[0].x;
    reference_pose_[1] = origin[0].y;
    reference_pose_[2] = origin[0].z;
    reference_pose_[3] = 1.0f;
    num_rotors_ = lig.num_rotors;
    double s = 0;
    for (int a : heavy_) s += norm_sqr(lig.atoms[a].coords - origin[0]);
    gyration_radius_ = static_cast<float>(std::sqrt(s / heavy_.size()));
}

namespace {
struct HostFrames {
    std::vector<Vec3> origin, axis, force, torque;
    std::vector<Quat> orient;
    std::vector<Mat3> rot;
    explicit HostFrames(int n) : origin(n), axis(n), force(n), torque(n), orient(n), rot(n) {}
    FrameScratch scratch() {
        return FrameScratch{origin.data(), axis.data(), orient.data(), rot.data(), force.data(), torque.data()};
    }
};
void check_pose(const LigandView& L, const std::vector<float>& pose) {
    if (static_cast<int>(pose.size()) != L.pose_size())
        fail("pose has ", pose.size(), " values; this ligand needs ", L.pose_size());
}

// Places the atoms for `pose`, leaving the node frames in `h`.
std::vector<Vec3> place_checked(const LigandView& L, const std::vector<float>& pose, HostFrames& h) {
    check_pose(L, pose);
    FrameScratch f = h.scratch();
    std::vector<Vec3> coords(L.num_atoms);
    place_atoms(L, pose.data(), f, coords.data());
    return coords;
}
}  // namespace

std::vector<Vec3> LigandModel::coordinates(const std::vector<float>& pose) const {
    const LigandView L = view();
    HostFrames h(L.num_nodes);
    return place_checked(L, pose, h);
}

std::vector<Vec3> LigandModel::rider_coordinates(const std::vector<float>& pose) const {
    const LigandView L = view();
    HostFrames h(L.num_nodes);
    place_checked(L, pose, h);
    std::vector<Vec3> out(rider_local_.size());
    for (size_t i = 0; i < out.size(); ++i) {
        const int k = rider_node_[i];
        out[i] = h.origin[k] + quat_to_mat(h.orient[k]) * rider_local_[i];
    }
    return out;
}

LigandView LigandModel::view() const {
    LigandView v;
    v.num_atoms = static_cast<int>(local_.size());
    v.num_nodes = static_cast<int>(node_parent_.size());
    v.num_pairs = static_cast<int>(pairs_.size());
    v.num_heavy = static_cast<int>(heavy_.size());
    v.num_rotors = num_rotors_;
    v.local = local_.data();
    v.xs = xs_.data();
    v.heavy = heavy_.data();
    v.node_parent = node_parent_.data();
    v.node_begin = node_begin_.data();
    v.node_end = node_end_.data();
    v.node_rel_origin = node_rel_origin_.data();
    v.node_rel_axis = node_rel_axis_.data();
    v.pairs = pairs_.data();
    v.atom_node = atom_node_.data();
    v.pair_i_begin = pair_i_begin_.data();
    v.pair_j_begin = pair_j_begin_.data();
    v.pair_by_j = pair_by_j_.data();
    return v;
}

}  // namespace vscreen
