// The ligands of a batch in one device block: their arrays copied over and their views pointing into device memory.
#pragma once

#include <cstring>
#include <vector>

#include "device_buffer.hpp"
#include "vscreen/backend.hpp"

namespace vscreen::cuda {

/// Copies every job's ligand arrays into one device block and rewrites its view's pointers to device memory.
class PackedLigands {
public:
    explicit PackedLigands(const std::vector<SearchJob>& jobs) {
        std::vector<LigandView> views;
        std::vector<size_t> offsets;
        std::vector<char> host;
        auto put = [&](const void* src, size_t bytes) {
            const size_t at = (host.size() + 15) / 16 * 16;
            host.resize(at + bytes);
            if (bytes) std::memcpy(host.data() + at, src, bytes);
            offsets.push_back(at);
        };
        for (const SearchJob& job : jobs) {
            const LigandView v = job.model->view();
            put(v.local, sizeof(Vec3) * v.num_atoms);
            put(v.xs, v.num_atoms);
            put(v.heavy, sizeof(int) * v.num_heavy);
            put(v.node_parent, sizeof(int) * v.num_nodes);
            put(v.node_begin, sizeof(int) * v.num_nodes);
            put(v.node_end, sizeof(int) * v.num_nodes);
            put(v.node_rel_origin, sizeof(Vec3) * v.num_nodes);
            put(v.node_rel_axis, sizeof(Vec3) * v.num_nodes);
            put(v.pairs, sizeof(IntraPair) * v.num_pairs);
            put(v.atom_node, sizeof(int) * v.num_atoms);
            put(v.pair_i_begin, sizeof(int) * (v.num_atoms + 1));
            put(v.pair_j_begin, sizeof(int) * (v.num_atoms + 1));
            put(v.pair_by_j, sizeof(int) * v.num_pairs);
            views.push_back(v);
        }
        bytes_.upload(host);
        char* base = bytes_.get();
        size_t k = 0;
        for (LigandView& v : views) {
            v.local = reinterpret_cast<const Vec3*>(base + offsets[k++]);
            v.xs = reinterpret_cast<const unsigned char*>(base + offsets[k++]);
            v.heavy = reinterpret_cast<const int*>(base + offsets[k++]);
            v.node_parent = reinterpret_cast<const int*>(base + offsets[k++]);
            v.node_begin = reinterpret_cast<const int*>(base + offsets[k++]);
            v.node_end = reinterpret_cast<const int*>(base + offsets[k++]);
            v.node_rel_origin = reinterpret_cast<const Vec3*>(base + offsets[k++]);
            v.node_rel_axis = reinterpret_cast<const Vec3*>(base + offsets[k++]);
            v.pairs = reinterpret_cast<const IntraPair*>(base + offsets[k++]);
            v.atom_node = reinterpret_cast<const int*>(base + offsets[k++]);
            v.pair_i_begin = reinterpret_cast<const int*>(base + offsets[k++]);
            v.pair_j_begin = reinterpret_cast<const int*>(base + offsets[k++]);
            v.pair_by_j = reinterpret_cast<const int*>(base + offsets[k++]);
        }
        views_.upload(views);
    }
    const LigandView* views() const { return views_.get(); }

private:
    DeviceBuffer<char> bytes_;
    DeviceBuffer<LigandView> views_;
};

}  // namespace vscreen::cuda
