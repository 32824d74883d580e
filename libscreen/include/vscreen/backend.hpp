// The compute back-end interface (runs Monte Carlo chains for a batch of ligands) and its registry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vscreen/grid_view.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pair_table.hpp"

namespace vscreen {

/// One ligand of a search batch.
struct SearchJob {
    const LigandModel* model = nullptr;
    MonteCarloParams params;
    std::uint64_t seed_key = 0;  ///< with the batch seed, determines the random streams of its chains
};

/// A batch: shared receptor maps and pair table, ligands, chains per ligand and the seed.
struct SearchBatch {
    GridView grid;
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
