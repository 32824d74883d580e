// Grid maps on the device (device_grids.hpp). Compiled with --fmad=false: the per-point sums then round as the CPU
// builder's do (no fused multiply-adds), so device maps equal the CPU's bit for bit.
#include "device_grids.hpp"

#include <algorithm>
#include <cstring>

#include "cuda_check.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_point.hpp"

namespace vscreen::cuda {

namespace {

/// One block per grid row (grid-stride over rows): warp 0 lists the row's candidate atoms in atom order (a ballot
/// per 32 atoms keeps the order), then the threads take the row's points, all maps of a point at once.
__global__ void grid_maps_kernel(GridView v, const Vec3* atoms, const unsigned char* atom_xs, int num_atoms,
                                 const int* pair_of, const int* out_map, int nmaps, PairTableView table,
                                 int* cand_all, float* dyz2_all, float* maps) {
    __shared__ int count;
    int* cand = cand_all + static_cast<long>(blockIdx.x) * num_atoms;
    float* dyz2 = dyz2_all + static_cast<long>(blockIdx.x) * num_atoms;
    const int nx = v.dims[0], ny = v.dims[1], nz = v.dims[2];
    const long points = v.points();
    for (long row = blockIdx.x; row < static_cast<long>(ny) * nz; row += gridDim.x) {
        const int iy = static_cast<int>(row % ny), iz = static_cast<int>(row / ny);
        const GridRow r = grid_row(v, iy, iz);
        if (threadIdx.x < 32) {
            const unsigned lane = threadIdx.x;
            int n = 0;
            for (int first = 0; first < num_atoms; first += 32) {
                const int i = first + static_cast<int>(lane);
                float d2 = 0;
                const bool take = i < num_atoms && grid_row_candidate(r, atoms[i], d2);
                const unsigned ballot = __ballot_sync(0xffffffffu, take);
                if (take) {
                    const int at = n + __popc(ballot & ((1u << lane) - 1u));
                    cand[at] = i;
                    dyz2[at] = d2;
                }
                n += __popc(ballot);
            }
            if (lane == 0) count = n;
        }
        __syncthreads();
        const int ncand = count;
        double acc[kXsCount];
        for (int ix = threadIdx.x; ix < nx; ix += blockDim.x) {
            grid_point_energies(table, pair_of, nmaps, atoms, atom_xs, cand, dyz2, ncand, grid_point_x(v, ix), acc);
            const long base = (static_cast<long>(iz) * ny + iy) * nx + ix;
            for (int m = 0; m < nmaps; ++m) maps[out_map[m] * points + base] = static_cast<float>(acc[m]);
        }
        __syncthreads();  // the candidate list is rewritten for the next row
    }
}

}  // namespace

std::uint64_t fnv1a(const void* data, size_t bytes, std::uint64_t h) {
    const unsigned char* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < bytes; ++i) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

void compute_device_maps(const GridView& layout, const GridAtoms& atoms, const std::vector<int>& map_types,
                         const std::vector<int>& out_map, const PairTableView& table, float* device_maps,
                         cudaStream_t stream) {
    if (map_types.empty()) return;
    if (map_types.size() != out_map.size()) fail<Error>("compute_device_maps: ", out_map.size(), " slots for ",
                                                        map_types.size(), " maps");
    const int num_atoms = static_cast<int>(atoms.coords.size());
    const long rows = static_cast<long>(layout.dims[1]) * layout.dims[2];
    const int blocks = static_cast<int>(std::min<long>(rows, 1024));
    DeviceBuffer<Vec3> d_atoms;
    DeviceBuffer<unsigned char> d_xs;
    DeviceBuffer<int> d_pair_of, d_out_map, cand(static_cast<size_t>(blocks) * std::max(num_atoms, 1));
    DeviceBuffer<float> dyz2(static_cast<size_t>(blocks) * std::max(num_atoms, 1));
    d_atoms.upload(atoms.coords, stream);
    d_xs.upload(atoms.xs, stream);
    d_pair_of.upload(grid_pair_index(map_types), stream);
    d_out_map.upload(out_map, stream);
    grid_maps_kernel<<<blocks, 128, 0, stream>>>(layout, d_atoms.get(), d_xs.get(), num_atoms, d_pair_of.get(),
                                                 d_out_map.get(), static_cast<int>(map_types.size()), table, cand.get(),
                                                 dyz2.get(), device_maps);
    VSCREEN_CUDA_CHECK(cudaGetLastError());
    VSCREEN_CUDA_CHECK(cudaStreamSynchronize(stream));  // the buffers above are freed on return
}

GridView DeviceGridCache::get(const GridSpec& spec, const PairTable& table, const PairTableView& device_table,
                              bool& built, double& ms) {
    if (!spec.receptor) fail<Error>("DeviceGridCache: no receptor in the grid spec");
    if (spec.types.size() != static_cast<size_t>(kXsCount)) fail<Error>("DeviceGridCache: types must have ", kXsCount, " flags");
    const Receptor& r = *spec.receptor;
    std::uint64_t key = fnv1a(r.coords.data(), r.coords.size() * sizeof(Vec3));
    key = fnv1a(r.xs.data(), r.xs.size(), key);
    const float geometry[7] = {spec.box.center.x, spec.box.center.y, spec.box.center.z, spec.box.size.x,
                               spec.box.size.y,   spec.box.size.z,   spec.spacing};
    key = fnv1a(geometry, sizeof geometry, key);
    key = fnv1a(table.data().data(), table.data().size() * sizeof(float), key);
    Entry* e = nullptr;
    for (auto& p : entries_)
        if (p->key == key) e = p.get();
    if (!e) {
        if (entries_.size() >= max_entries_) {
            auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                           [](const auto& a, const auto& b) { return a->last_use < b->last_use; });
            entries_.erase(oldest);
        }
        auto fresh = std::make_unique<Entry>();
        fresh->key = key;
        fresh->view = grid_layout(spec.box, spec.spacing);
        const size_t bytes = static_cast<size_t>(fresh->view.points()) * kXsCount * sizeof(float);
        size_t free_bytes = 0, total_bytes = 0;
        VSCREEN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        if (bytes > free_bytes / 2)
            fail<CapacityError>("device grid maps of the box (", fresh->view.dims[0], " x ", fresh->view.dims[1], " x ",
                                fresh->view.dims[2], " points x ", kXsCount, " types) need ", bytes >> 20,
                                " MiB, over half the device's free memory (", free_bytes >> 20, " MiB); use a smaller box");
        fresh->maps.resize(static_cast<size_t>(fresh->view.points()) * kXsCount);
        entries_.push_back(std::move(fresh));
        e = entries_.back().get();
    }
    e->last_use = ++clock_;
    std::vector<int> missing;
    for (int t = 0; t < kXsCount; ++t)
        if (spec.types[t] && !e->have[t]) missing.push_back(t);
    built = !missing.empty();
    ms = 0;
    if (built) {
        cudaEvent_t start, stop;
        VSCREEN_CUDA_CHECK(cudaEventCreate(&start));
        VSCREEN_CUDA_CHECK(cudaEventCreate(&stop));
        VSCREEN_CUDA_CHECK(cudaEventRecord(start, nullptr));
        compute_device_maps(e->view, grid_atoms(r, e->view), missing, missing, device_table, e->maps.get(), nullptr);
        VSCREEN_CUDA_CHECK(cudaEventRecord(stop, nullptr));
        VSCREEN_CUDA_CHECK(cudaEventSynchronize(stop));
        float elapsed = 0;
        VSCREEN_CUDA_CHECK(cudaEventElapsedTime(&elapsed, start, stop));
        ms = elapsed;
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        for (int t : missing) e->have[t] = true;
    }
    GridView v = e->view;
    v.maps = e->maps.get();
    for (int t = 0; t < kXsCount; ++t) v.map_of_type[t] = e->have[t] ? t : -1;
    return v;
}

}  // namespace vscreen::cuda
