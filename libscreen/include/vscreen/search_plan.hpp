// How a device back-end groups and orders the (ligand, chain) tasks of a search batch: size buckets, costliest first.
#pragma once

#include <vector>

#include "vscreen/backend.hpp"

namespace vscreen {

/// One (ligand, chain) task: the job's index in the batch and the chain number (its random stream).
struct PlannedTask {
    int job = 0;
    int chain = 0;
};

/// Tasks whose per-chain scratch falls in one size class, launched together with memory sized for the largest.
struct TaskBucket {
    int size_class = 0;              ///< per-chain scratch of at most 2^size_class floats
    long max_scratch_floats = 0;     ///< the largest per-chain scratch of the bucket (task_scratch_floats)
    int ligands = 0;
    std::vector<PlannedTask> tasks;  ///< costliest first; equal costs by job, then chain
};

/// A task of a launch: its job and chain, and float offsets of its output and (global-memory scratch) scratch in the
/// launch's buffers. Plain data: the CUDA search kernel reads it as is.
struct LaunchTask {
    int job;
    int chain;
    long output;
    long scratch;
};

/// One launch: a run of one bucket's tasks (in the bucket's order) and the sizes of its output and scratch buffers.
struct LaunchPiece {
    size_t bucket = 0;
    std::vector<LaunchTask> tasks;
    long output_floats = 0;
    long scratch_floats = 0;
};

/// The smallest size class: ligands with up to 2^kMinSizeClass floats (4 KiB) of scratch share one bucket.
constexpr int kMinSizeClass = 10;

/// Per-chain scratch of ligand L in floats, rounded up to a multiple of 4 (16-byte aligned slices).
long task_scratch_floats(const LigandView& L);
/// Per-chain output (kept poses) of ligand L in floats, rounded up to a multiple of 4.
long task_output_floats(const LigandView& L, int capacity);
/// Size class of a scratch size: the smallest c >= kMinSizeClass with floats <= 2^c.
int size_class_of(long floats);
/// Relative cost of one chain: Monte Carlo steps x BFGS iterations x (atoms + intramolecular pairs).
double task_cost(const LigandView& L, const MonteCarloParams& mc);

/// Every task of the batch (jobs x batch.chains) exactly once, in buckets by size class, largest class first. Depends
/// only on the jobs' ligands and parameters, never on scheduling; a job's chains all land in one bucket.
std::vector<TaskBucket> plan_task_buckets(const SearchBatch& batch);

/// The buckets' tasks as launches, in rounds whose buffers (outputs, and scratch where global_scratch[bucket]) fit in
/// `budget_bytes`: the launches of a round run together, the rounds one after another. Buckets and their tasks keep
/// their order; a round holds at least one task, so a task larger than the budget still runs (alone).
std::vector<std::vector<LaunchPiece>> plan_launch_rounds(const SearchBatch& batch, const std::vector<TaskBucket>& buckets,
                                                         const std::vector<bool>& global_scratch, size_t budget_bytes);

}  // namespace vscreen
