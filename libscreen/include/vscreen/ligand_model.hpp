// Flat, kernel-ready form of a Ligand: local frame coordinates, tree arrays and intramolecular pairs.
#pragma once

#include <vector>

#include "vscreen/hd.hpp"
#include "vscreen/ligand.hpp"
#include "vscreen/math.hpp"

namespace vscreen {

/// One scored intramolecular pair: atoms i, j and their XS type pair index.
struct IntraPair {
    int i, j, type_pair;
};

/// Non-owning view of a LigandModel; plain pointers so the same struct serves host and device.
struct LigandView {
    int num_atoms = 0;
    int num_nodes = 0;
    int num_pairs = 0;
    int num_heavy = 0;
    float num_rotors = 0;
    const Vec3* local = nullptr;           ///< atom coordinates in its node frame
    const unsigned char* xs = nullptr;     ///< XS type per atom (kXsNone for H)
    const int* heavy = nullptr;            ///< indices of heavy atoms
    const int* node_parent = nullptr;
    const int* node_begin = nullptr;
    const int* node_end = nullptr;
    const Vec3* node_rel_origin = nullptr; ///< node origin relative to the parent origin, reference frame
    const Vec3* node_rel_axis = nullptr;   ///< unit rotation axis, reference frame
    const IntraPair* pairs = nullptr;      ///< grouped by i (ascending), j > i
    const int* atom_node = nullptr;        ///< torsion-tree node of each atom
    const int* pair_i_begin = nullptr;     ///< [num_atoms + 1]: pairs[pair_i_begin[a] .. pair_i_begin[a + 1]) have i == a
    const int* pair_j_begin = nullptr;     ///< [num_atoms + 1]: pair_by_j[pair_j_begin[a] ..) are the pairs with j == a
    const int* pair_by_j = nullptr;        ///< [num_pairs]: pair indices grouped by j, ascending within a group

    VSCREEN_HD int num_torsions() const { return num_nodes - 1; }
    VSCREEN_HD int pose_size() const { return 7 + num_torsions(); }    ///< position, quaternion, torsions
    VSCREEN_HD int change_size() const { return 6 + num_torsions(); }  ///< position, rotation vector, torsions
};

/// Owns the flat arrays of one ligand and the reference pose that reproduces the input coordinates.
class LigandModel {
public:
    explicit LigandModel(const Ligand& ligand);

    LigandView view() const;
    const std::vector<IntraPair>& pairs() const { return pairs_; }
    /// Pose (7 + torsions floats) that reproduces the reference coordinates.
    const std::vector<float>& reference_pose() const { return reference_pose_; }
    /// Coordinates of all atoms (ligand order) for a pose.
    std::vector<Vec3> coordinates(const std::vector<float>& pose) const;
    /// Coordinates of the ligand's rider atoms for a pose.
    std::vector<Vec3> rider_coordinates(const std::vector<float>& pose) const;
    /// Radius of gyration of the heavy atoms about the root origin (scales orientation mutations).
    float gyration_radius() const { return gyration_radius_; }

private:
    std::vector<Vec3> local_;
    std::vector<unsigned char> xs_;
    std::vector<int> heavy_;
    std::vector<int> node_parent_, node_begin_, node_end_;
    std::vector<Vec3> node_rel_origin_, node_rel_axis_;
    std::vector<IntraPair> pairs_;
    std::vector<int> atom_node_, pair_i_begin_, pair_j_begin_, pair_by_j_;
    std::vector<Vec3> rider_local_;
    std::vector<int> rider_node_;
    std::vector<float> reference_pose_;
    float num_rotors_ = 0;
    float gyration_radius_ = 0;
};

}  // namespace vscreen
