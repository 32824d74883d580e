// CUDA back-end: packs a batch's ligands into device memory; one thread per (ligand, chain), a warp per pose energy.
#include "vscreen/cuda_backend.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <sstream>

#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "warp_team.cuh"
#include "vscreen/monte_carlo.hpp"

namespace vscreen {

namespace {

__global__ void run_chains_kernel(const LigandView* ligands, const MonteCarloParams* params,
                                  const unsigned long long* seed_keys, const long* scratch_offset,
                                  const long* output_offset, int chains, long first_task, long num_tasks,
                                  GridView grid, PairTableView table, unsigned long long seed, float* scratch,
                                  float* outputs) {
    const long local = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (local >= num_tasks) return;
    const long t = first_task + local;
    const int job = static_cast<int>(t / chains);
    const LigandView L = ligands[job];
    ChainScratch s = make_chain_scratch(L, scratch + scratch_offset[local]);
    EnergyContext ctx = make_energy_context(L, grid, table, s);
    ChainPoses out = make_chain_poses(L, params[job].capacity, outputs + output_offset[local]);
    run_chain(ctx, params[job], Rng::for_chain(seed, seed_keys[job], static_cast<unsigned long long>(t % chains)), s,
              out);
}

/// One warp per pose: the team form of the energy (energy.hpp) with cuda::WarpTeam.
__global__ void pose_energies_kernel(const LigandView* ligand, GridView grid, PairTableView table, const float* poses,
                                     int num_poses, long scratch_floats, float* scratch, EnergyCaps caps,
                                     EnergyParts* out) {
    const int i = static_cast<int>((static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x) / 32);
    if (i >= num_poses) return;  // whole warps leave together: blockDim is a multiple of 32
    const LigandView L = *ligand;
    ChainScratch s = make_chain_scratch(L, scratch + i * scratch_floats);
    EnergyContext ctx = make_energy_context(L, grid, table, s);
    cuda::WarpTeam team;
    const EnergyParts e = evaluate_pose(team, ctx, poses + static_cast<long>(i) * L.pose_size(), caps, nullptr);
    if (team.lane() == 0) out[i] = e;
}

/// Copies every ligand's arrays into one device block and rewrites its view's pointers to device memory.
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
    cuda::DeviceBuffer<char> bytes_;
    cuda::DeviceBuffer<LigandView> views_;
};

class CudaBackend : public Backend {
public:
    explicit CudaBackend(int device) : device_(device < 0 ? 0 : device) {
        const int n = cuda_device_count();
        if (device_ >= n) fail<DeviceError>("CUDA device ", device_, " requested; ", n, " present");
        VSCREEN_CUDA_CHECK(cudaSetDevice(device_));
    }
    std::string name() const override { return "cuda:" + std::to_string(device_); }
    int speed_rank() const override { return 10; }

    std::vector<JobPoses> search(const SearchBatch& batch) override {
        if (!batch.table) fail<Error>("CudaBackend::search: no pair table");
        VSCREEN_CUDA_CHECK(cudaSetDevice(device_));
        const int chains = batch.chains;
        const long tasks = static_cast<long>(batch.jobs.size()) * chains;
        std::vector<JobPoses> result(batch.jobs.size());
        if (tasks == 0) return result;

        // Shared, read-only data.
        cuda::DeviceBuffer<float> maps;
        maps.upload(batch.grid.maps, static_cast<size_t>(batch.grid.points()) * count_maps(batch.grid));
        GridView grid = batch.grid;
        grid.maps = maps.get();
        cuda::DeviceBuffer<float> table_data;
        table_data.upload(batch.table->data());
        PairTableView table = batch.table->view();
        table.data = table_data.get();
        PackedLigands ligands(batch.jobs);
        std::vector<MonteCarloParams> params;
        std::vector<unsigned long long> keys;
        for (const SearchJob& j : batch.jobs) {
            params.push_back(j.params);
            keys.push_back(j.seed_key);
        }
        cuda::DeviceBuffer<MonteCarloParams> d_params;
        d_params.upload(params);
        cuda::DeviceBuffer<unsigned long long> d_keys;
        d_keys.upload(keys);

        // Per-task scratch and outputs, in chunks that fit in free device memory.
        size_t free_bytes = 0, total_bytes = 0;
        VSCREEN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        const size_t budget = free_bytes / 10 * 7;
        long first = 0;
        while (first < tasks) {
            std::vector<long> scratch_off, output_off;
            long scratch_total = 0, output_total = 0, last = first;
            while (last < tasks) {
                const SearchJob& j = batch.jobs[last / chains];
                const LigandView L = j.model->view();
                const long s = (chain_scratch_floats(L) + 3) / 4 * 4;
                const long o = (chain_poses_floats(L, j.params.capacity) + 3) / 4 * 4;
                if (last > first && static_cast<size_t>(scratch_total + s + output_total + o) * sizeof(float) > budget) break;
                scratch_off.push_back(scratch_total);
                output_off.push_back(output_total);
                scratch_total += s;
                output_total += o;
                ++last;
            }
            const long n = last - first;
            cuda::DeviceBuffer<float> scratch(scratch_total), outputs(output_total);
            cuda::DeviceBuffer<long> d_soff, d_ooff;
            d_soff.upload(scratch_off);
            d_ooff.upload(output_off);
            const int block = 64;
            const int grid_dim = static_cast<int>((n + block - 1) / block);
            run_chains_kernel<<<grid_dim, block>>>(ligands.views(), d_params.get(), d_keys.get(), d_soff.get(),
                                                   d_ooff.get(), chains, first, n, grid, table,
                                                   static_cast<unsigned long long>(batch.seed), scratch.get(),
                                                   outputs.get());
            VSCREEN_CUDA_CHECK(cudaGetLastError());
            VSCREEN_CUDA_CHECK(cudaDeviceSynchronize());
            std::vector<float> host(output_total);
            outputs.download(host.data(), host.size());
            VSCREEN_CUDA_CHECK(cudaDeviceSynchronize());
            for (long i = 0; i < n; ++i) {
                const long t = first + i;
                const SearchJob& j = batch.jobs[t / chains];
                append_chain_poses(j.model->view(), j.params.capacity, host.data() + output_off[i], result[t / chains]);
            }
            first = last;
        }
        return result;
    }

private:
    static int count_maps(const GridView& g) {
        int n = 0;
        for (int t = 0; t < kXsCount; ++t) n = std::max(n, g.map_of_type[t] + 1);
        return n;
    }
    int device_;
};

}  // namespace

std::vector<EnergyParts> cuda_pose_energies(int device, const GridView& grid_in, const PairTable& table_in,
                                            const LigandModel& model, const std::vector<std::vector<float>>& poses,
                                            EnergyCaps caps) {
    VSCREEN_CUDA_CHECK(cudaSetDevice(device));
    int nmaps = 0;
    for (int t = 0; t < kXsCount; ++t) nmaps = std::max(nmaps, grid_in.map_of_type[t] + 1);
    cuda::DeviceBuffer<float> maps;
    maps.upload(grid_in.maps, static_cast<size_t>(grid_in.points()) * nmaps);
    GridView grid = grid_in;
    grid.maps = maps.get();
    cuda::DeviceBuffer<float> table_data;
    table_data.upload(table_in.data());
    PairTableView table = table_in.view();
    table.data = table_data.get();
    SearchJob job;
    job.model = &model;
    PackedLigands packed(std::vector<SearchJob>{job});
    const LigandView L = model.view();
    std::vector<float> flat;
    for (const auto& p : poses) {
        if (static_cast<int>(p.size()) != L.pose_size()) fail("pose of ", p.size(), " values; need ", L.pose_size());
        flat.insert(flat.end(), p.begin(), p.end());
    }
    const int n = static_cast<int>(poses.size());
    std::vector<EnergyParts> out(n);
    if (n == 0) return out;
    cuda::DeviceBuffer<float> d_poses, scratch(static_cast<size_t>(n) * chain_scratch_floats(L));
    d_poses.upload(flat);
    cuda::DeviceBuffer<EnergyParts> d_out(n);
    constexpr int kWarpsPerBlock = 4;
    pose_energies_kernel<<<(n + kWarpsPerBlock - 1) / kWarpsPerBlock, 32 * kWarpsPerBlock>>>(packed.views(), grid, table, d_poses.get(), n, chain_scratch_floats(L),
                                                scratch.get(), caps, d_out.get());
    VSCREEN_CUDA_CHECK(cudaGetLastError());
    d_out.download(out.data(), n);
    VSCREEN_CUDA_CHECK(cudaDeviceSynchronize());
    return out;
}

int cuda_device_count() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky "no device" / "no driver" state
        return 0;
    }
    return n;
}

std::string cuda_device_description(int index) {
    cudaDeviceProp p{};
    VSCREEN_CUDA_CHECK(cudaGetDeviceProperties(&p, index));
    std::ostringstream os;
    os << p.name << ", " << p.multiProcessorCount << " SMs, sm_" << p.major << p.minor << ", "
       << (p.totalGlobalMem >> 20) << " MiB";
    return os.str();
}

void register_cuda_backend() {
    static std::once_flag once;
    std::call_once(once, [] {
        register_backend(BackendFactory{"cuda", 10, [] { return cuda_device_count() > 0; },
                                        [](int device, int) { return std::unique_ptr<Backend>(new CudaBackend(device)); }});
    });
}

}  // namespace vscreen
