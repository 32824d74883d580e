// The compute back-end interface (runs Monte Carlo chains for a batch of ligands) and its registry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vscreen/box.hpp"
#include "vscreen/grid_view.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/receptor.hpp"

namespace vscreen {

/// One ligand of a search batch.
struct SearchJob {
    const LigandModel* model = nullptr;
    MonteCarloParams params;
    std::uint64_t seed_key = 0;  ///< with the batch seed, determines the random streams of its chains
};

/// What a batch's grid maps are computed from, for a back-end that builds (and keeps) its own maps.
struct GridSpec {
    const Receptor* receptor = nullptr;
    Box box;
    float spacing = 0.375f;
    std::vector<bool> types = std::vector<bool>(kXsCount, false);  ///< XS types the batch's ligands need
};

/// A batch: shared receptor maps and pair table, ligands, chains per ligand and the seed. `grid` holds host maps,
/// except for a back-end whose builds_grid_maps() is true: dock() then leaves grid.maps null and sets grid_spec.
struct SearchBatch {
    GridView grid;
    const GridSpec* grid_spec = nullptr;
    const PairTable* table = nullptr;
    std::vector<SearchJob> jobs;
    int chains = 8;
    std::uint64_t seed = 0;
};

/// A pose kept by a chain, with its energy split.
struct ChainPose {
    float energy = 0, inter = 0, intra = 0;
    std::vector<float> pose;  ///< position, quaternion, torsions
};

/// What the chains of one job found: every chain's kept poses and the energy evaluations they made together.
struct JobPoses {
    std::vector<ChainPose> poses;
    long evaluations = 0;
    std::string backend;  ///< what ran this job when the back-end has several variants ("cuda:0/warp-shared"); else empty
};

/// One kernel launch of a device back-end's search: the variant, its size bucket, what it ran and how long.
struct SearchLaunch {
    std::string variant;       ///< "warp-shared", "warp-global"
    int bucket = 0;            ///< size class: per-chain scratch up to 2^bucket floats
    long tasks = 0;            ///< (ligand, chain) tasks
    int ligands = 0;
    int warps_per_block = 0;
    long shared_bytes = 0;     ///< dynamic shared memory per block
    long max_scratch_floats = 0;
    double kernel_ms = 0;      ///< device time of the launch (launches of one search overlap on their streams)
};

/// What a back-end's searches did so far (device back-ends fill it; the CPU back-end's stays empty).
struct SearchProfile {
    std::vector<SearchLaunch> launches;
    int searches = 0;
    double search_ms = 0;      ///< wall time of the searches (host)
    int grid_builds = 0;       ///< device grid-map passes (one per target and set of new types)
    int grid_reuses = 0;       ///< searches whose maps were all cached
    double grid_ms = 0;        ///< device time of the grid-map passes
};

/// Appends the poses stored in a chain's output buffer (make_chain_poses layout) to `out` and adds its
/// evaluation count.
void append_chain_poses(const LigandView& ligand, int capacity, float* buffer, JobPoses& out);

/// A compute back-end: the same search on different hardware. Chosen by name or as the best available.
class Backend {
public:
    virtual ~Backend() = default;
    /// "cpu", "cuda:0", ...
    virtual std::string name() const = 0;
    /// Larger is faster; "auto" picks the largest available.
    virtual int speed_rank() const = 0;
    /// Runs batch.chains chains per job; returns every chain's kept poses (any order) and evaluations per job.
    virtual std::vector<JobPoses> search(const SearchBatch& batch) = 0;
    /// True when the back-end computes the grid maps itself from batch.grid_spec (and keeps them across calls).
    virtual bool builds_grid_maps() const { return false; }
    /// What the searches so far did (launches, variants, timings); empty for the CPU back-end.
    virtual SearchProfile profile() const { return {}; }
};

/// Creates back-ends of one kind; `device` is the index after "name:" (or -1), `threads` the CPU threads.
struct BackendFactory {
    std::string name;                                   ///< "cpu", "cuda"
    int speed_rank = 0;
    std::function<bool()> available;                    ///< false when the hardware is absent
    std::function<std::unique_ptr<Backend>(int device, int threads)> create;
};

/// Adds a factory (the CPU one is always there; the CUDA library adds its own).
void register_backend(BackendFactory factory);

/// Names of the back-ends usable on this machine, fastest first.
std::vector<std::string> available_backends();

/// "auto" (fastest available), "cpu", "cuda" or "cuda:N"; throws DeviceError when unavailable.
std::unique_ptr<Backend> make_backend(const std::string& spec = "auto", int threads = 0);

}  // namespace vscreen
