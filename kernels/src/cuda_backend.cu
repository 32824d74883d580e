// CUDA back-end: a warp per (ligand, chain) task in size buckets on their own streams, grid maps built on the device
// and kept per target, a warp per pose energy.
#include "vscreen/cuda_backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <utility>

#include "cuda_check.hpp"
#include "device_buffer.hpp"
#include "device_grids.hpp"
#include "packed_ligands.hpp"
#include "search_kernel.cuh"
#include "warp_team.cuh"
#include "vscreen/grid_maps.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/search_plan.hpp"

namespace vscreen {

namespace {

using cuda::DeviceBuffer;
using cuda::PackedLigands;

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

/// Warps per block of the search kernel (at most; fewer when a bucket's scratch does not fit 4 in shared memory).
constexpr int kMaxWarpsPerBlock = 4;
/// A bucket runs on shared memory when at least this many of its warps fit in one block's shared memory.
constexpr int kMinSharedWarps = 2;

/// Which search kernel a bucket runs: shared-memory scratch (warps per block limited by the largest ligand) or
/// global-memory scratch (no size limit but the device's memory). VSCREEN_CUDA_SEARCH=shared|global forces one
/// (benchmarks; "shared" still falls back to global for a ligand whose scratch exceeds a block's shared memory).
struct Variant {
    bool shared = false;
    int warps = kMaxWarpsPerBlock;
    long shared_bytes = 0;
    const char* name() const { return shared ? "warp-shared" : "warp-global"; }
};

/// What the back-ends on one device share in a process: the device grid maps, so that a caller creating a back-end
/// per dock() call (the Python binding, hence a campaign's chunks) still computes each target's maps once; and a
/// mutex held for each search, so that no search drops maps from the cache that another one is using (the
/// searches of one device run one after another anyway). Never destroyed: device memory cannot be freed once the
/// CUDA runtime has shut down at exit.
struct DeviceState {
    std::mutex mutex;
    cuda::DeviceGridCache grids;
};

DeviceState& device_state(int device) {
    static std::mutex m;
    static auto* states = new std::map<int, std::unique_ptr<DeviceState>>();
    std::lock_guard<std::mutex> lock(m);
    std::unique_ptr<DeviceState>& st = (*states)[device];
    if (!st) st = std::make_unique<DeviceState>();
    return *st;
}

class CudaBackend : public Backend {
public:
    explicit CudaBackend(int device) : device_(device < 0 ? 0 : device) {
        const int n = cuda_device_count();
        if (device_ >= n) fail<DeviceError>("CUDA device ", device_, " requested; ", n, " present");
        VSCREEN_CUDA_CHECK(cudaSetDevice(device_));
        int optin = 0;
        VSCREEN_CUDA_CHECK(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device_));
        max_shared_ = optin;
        if (const char* v = std::getenv("VSCREEN_CUDA_SEARCH")) {
            const std::string f = v;
            if (f == "shared" || f == "global" || f == "auto") force_ = f;
            else fail<InputError>("VSCREEN_CUDA_SEARCH is shared, global or auto, not '", f, "'");
        }
    }
    std::string name() const override { return "cuda:" + std::to_string(device_); }
    int speed_rank() const override { return 10; }
    bool builds_grid_maps() const override { return true; }
    SearchProfile profile() const override { return profile_; }

    std::vector<JobPoses> search(const SearchBatch& batch) override {
        if (!batch.table) fail<Error>("CudaBackend::search: no pair table");
        VSCREEN_CUDA_CHECK(cudaSetDevice(device_));
        const auto t0 = std::chrono::steady_clock::now();
        const int chains = batch.chains;
        std::vector<JobPoses> result(batch.jobs.size());
        if (batch.jobs.empty() || chains < 1) return result;
        DeviceState& device = device_state(device_);
        std::lock_guard<std::mutex> lock(device.mutex);

        // Shared, read-only data: the pair table (kept while it does not change) and the grid maps (kept per target).
        const PairTableView table = device_table(*batch.table);
        GridView grid = batch.grid;
        DeviceBuffer<float> uploaded_maps;
        if (batch.grid_spec) {
            bool built = false;
            double ms = 0;
            grid = device.grids.get(*batch.grid_spec, *batch.table, table, built, ms);
            if (built) ++profile_.grid_builds; else ++profile_.grid_reuses;
            profile_.grid_ms += ms;
        } else if (batch.grid.maps) {
            uploaded_maps.upload(batch.grid.maps, static_cast<size_t>(batch.grid.points()) * count_maps(batch.grid));
            grid.maps = uploaded_maps.get();
        } else {
            fail<Error>("CudaBackend::search: the batch has neither grid maps nor a grid spec");
        }
        for (const SearchJob& j : batch.jobs) {
            const LigandView L = j.model->view();
            for (int a = 0; a < L.num_atoms; ++a)
                if (L.xs[a] != kXsNone && grid.map_of_type[L.xs[a]] < 0)
                    fail<Error>("CudaBackend::search: no grid map for XS type ", xs_name(L.xs[a]));
        }

        PackedLigands ligands(batch.jobs);
        std::vector<MonteCarloParams> params;
        std::vector<unsigned long long> keys;
        for (const SearchJob& j : batch.jobs) {
            params.push_back(j.params);
            keys.push_back(j.seed_key);
        }
        DeviceBuffer<MonteCarloParams> d_params;
        d_params.upload(params);
        DeviceBuffer<unsigned long long> d_keys;
        d_keys.upload(keys);
        // The launches go on non-blocking streams, which do not wait for the default stream's copies above.
        VSCREEN_CUDA_CHECK(cudaStreamSynchronize(nullptr));

        // Size buckets (largest first), each launched on its own stream so that the buckets overlap; rounds of
        // launches that fit in the free device memory.
        const std::vector<TaskBucket> buckets = plan_task_buckets(batch);
        std::vector<Variant> variants;
        std::vector<size_t> bucket_of_job(batch.jobs.size(), 0);
        for (size_t k = 0; k < buckets.size(); ++k) {
            variants.push_back(variant_for(buckets[k].max_scratch_floats));
            for (const PlannedTask& t : buckets[k].tasks) bucket_of_job[t.job] = k;
        }
        size_t free_bytes = 0, total_bytes = 0;
        VSCREEN_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        const size_t budget = free_bytes / 10 * 7;
        std::vector<std::vector<float>> host_outputs;
        std::vector<std::pair<size_t, long>> where(batch.jobs.size() * static_cast<size_t>(chains));  // (host, offset)
        std::vector<bool> global_scratch;
        for (const Variant& v : variants) global_scratch.push_back(!v.shared);
        for (const std::vector<LaunchPiece>& round : plan_launch_rounds(batch, buckets, global_scratch, budget)) {
            std::vector<std::vector<float>> got = run_round(round, buckets, variants, ligands, d_params, d_keys, grid,
                                                            table, batch.seed);
            for (size_t i = 0; i < round.size(); ++i) {
                const size_t h = host_outputs.size();
                host_outputs.push_back(std::move(got[i]));
                for (const LaunchTask& t : round[i].tasks)
                    where[static_cast<size_t>(t.job) * chains + t.chain] = {h, t.output};
            }
        }
        // Collect in (job, chain) order, whatever the buckets: the result does not depend on the plan.
        for (size_t j = 0; j < batch.jobs.size(); ++j) {
            const LigandView L = batch.jobs[j].model->view();
            const char* variant = variants[bucket_of_job[j]].name();
            result[j].backend = name() + "/" + variant;
            for (int k = 0; k < chains; ++k) {
                const auto& w = where[j * chains + k];
                append_chain_poses(L, batch.jobs[j].params.capacity, host_outputs[w.first].data() + w.second, result[j]);
            }
        }
        ++profile_.searches;
        profile_.search_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return result;
    }

private:
    Variant variant_for(long scratch_floats) const {
        Variant v;
        const long per_warp = scratch_floats * static_cast<long>(sizeof(float));
        const int fit = per_warp > 0 ? static_cast<int>(std::min<long>(kMaxWarpsPerBlock, max_shared_ / per_warp)) : 0;
        const bool want = force_ == "shared" ? fit >= 1 : force_ == "global" ? false : fit >= kMinSharedWarps;
        if (want) {
            v.shared = true;
            v.warps = fit;
            v.shared_bytes = per_warp * fit;
        }
        return v;
    }

    /// Runs the launches of a round, each on its own stream; returns each launch's outputs.
    std::vector<std::vector<float>> run_round(const std::vector<LaunchPiece>& round, const std::vector<TaskBucket>& buckets,
                   const std::vector<Variant>& variants, const PackedLigands& ligands,
                   const DeviceBuffer<MonteCarloParams>& params, const DeviceBuffer<unsigned long long>& keys,
                   const GridView& grid, const PairTableView& table, std::uint64_t seed) {
        const size_t n = round.size();
        std::vector<cudaStream_t> streams(n);
        std::vector<cudaEvent_t> start(n), stop(n);
        std::vector<std::unique_ptr<DeviceBuffer<float>>> outputs(n), scratch(n);
        std::vector<std::unique_ptr<DeviceBuffer<LaunchTask>>> tasks(n);
        std::vector<std::vector<float>> host(n);
        for (size_t i = 0; i < n; ++i) {
            const LaunchPiece& p = round[i];
            const Variant& var = variants[p.bucket];
            VSCREEN_CUDA_CHECK(cudaStreamCreateWithFlags(&streams[i], cudaStreamNonBlocking));
            VSCREEN_CUDA_CHECK(cudaEventCreate(&start[i]));
            VSCREEN_CUDA_CHECK(cudaEventCreate(&stop[i]));
            outputs[i] = std::make_unique<DeviceBuffer<float>>(p.output_floats);
            scratch[i] = std::make_unique<DeviceBuffer<float>>(p.scratch_floats);
            tasks[i] = std::make_unique<DeviceBuffer<LaunchTask>>();
            tasks[i]->upload(p.tasks, streams[i]);
            const long num = static_cast<long>(p.tasks.size());
            const int blocks = static_cast<int>((num + var.warps - 1) / var.warps);
            const long stride = buckets[p.bucket].max_scratch_floats;
            VSCREEN_CUDA_CHECK(cudaEventRecord(start[i], streams[i]));
            if (var.shared) {
                VSCREEN_CUDA_CHECK(cudaFuncSetAttribute(cuda::search_warps_kernel<true>,
                                                        cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                        static_cast<int>(var.shared_bytes)));
                cuda::search_warps_kernel<true><<<blocks, 32 * var.warps, var.shared_bytes, streams[i]>>>(
                    ligands.views(), params.get(), keys.get(), tasks[i]->get(), num, grid, table,
                    static_cast<unsigned long long>(seed), stride, nullptr, outputs[i]->get());
            } else {
                cuda::search_warps_kernel<false><<<blocks, 32 * var.warps, 0, streams[i]>>>(
                    ligands.views(), params.get(), keys.get(), tasks[i]->get(), num, grid, table,
                    static_cast<unsigned long long>(seed), stride, scratch[i]->get(), outputs[i]->get());
            }
            VSCREEN_CUDA_CHECK(cudaGetLastError());
            VSCREEN_CUDA_CHECK(cudaEventRecord(stop[i], streams[i]));
        }
        // Downloads after every launch: a copy into pageable memory returns only when done, so one issued between
        // two launches would hold the second bucket back until the first had finished.
        for (size_t i = 0; i < n; ++i) {
            host[i].resize(round[i].output_floats);
            outputs[i]->download(host[i].data(), host[i].size(), streams[i]);
            VSCREEN_CUDA_CHECK(cudaStreamSynchronize(streams[i]));
            float ms = 0;
            VSCREEN_CUDA_CHECK(cudaEventElapsedTime(&ms, start[i], stop[i]));
            const LaunchPiece& p = round[i];
            const Variant& var = variants[p.bucket];
            SearchLaunch l;
            l.variant = var.name();
            l.bucket = buckets[p.bucket].size_class;
            l.tasks = static_cast<long>(p.tasks.size());
            l.ligands = buckets[p.bucket].ligands;
            l.warps_per_block = var.warps;
            l.shared_bytes = var.shared_bytes;
            l.max_scratch_floats = buckets[p.bucket].max_scratch_floats;
            l.kernel_ms = ms;
            profile_.launches.push_back(l);
            cudaEventDestroy(start[i]);
            cudaEventDestroy(stop[i]);
            cudaStreamDestroy(streams[i]);
        }
        return host;
    }

    /// The pair table on the device, uploaded again only when its contents change.
    PairTableView device_table(const PairTable& t) {
        const std::uint64_t key = cuda::fnv1a(t.data().data(), t.data().size() * sizeof(float));
        if (key != table_key_ || !table_data_.get()) {
            table_data_.upload(t.data());
            VSCREEN_CUDA_CHECK(cudaDeviceSynchronize());
            table_key_ = key;
        }
        PairTableView v = t.view();
        v.data = table_data_.get();
        return v;
    }

    static int count_maps(const GridView& g) {
        int n = 0;
        for (int t = 0; t < kXsCount; ++t) n = std::max(n, g.map_of_type[t] + 1);
        return n;
    }

    int device_;
    long max_shared_ = 0;
    std::string force_ = "auto";
    DeviceBuffer<float> table_data_;
    std::uint64_t table_key_ = 0;
    SearchProfile profile_;
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
    cuda::PackedLigands packed(std::vector<SearchJob>{job});
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

std::vector<float> cuda_grid_maps(int device, const Receptor& receptor, const PairTable& table, const Box& box,
                                  const std::vector<bool>& types, float spacing) {
    VSCREEN_CUDA_CHECK(cudaSetDevice(device));
    if (types.size() != static_cast<size_t>(kXsCount)) fail<Error>("cuda_grid_maps: types must have ", kXsCount, " flags");
    const GridView layout = grid_layout(box, spacing);
    std::vector<int> map_types, out_map;
    for (int t = 0; t < kXsCount; ++t)
        if (types[t]) {
            out_map.push_back(static_cast<int>(map_types.size()));
            map_types.push_back(t);
        }
    cuda::DeviceBuffer<float> table_data, maps(static_cast<size_t>(layout.points()) * map_types.size());
    table_data.upload(table.data());
    PairTableView tv = table.view();
    tv.data = table_data.get();
    cuda::compute_device_maps(layout, grid_atoms(receptor, layout), map_types, out_map, tv, maps.get(), nullptr);
    std::vector<float> out(maps.size());
    maps.download(out.data(), out.size());
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
