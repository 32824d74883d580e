// Size buckets of a search batch's tasks for the device back-ends (search_plan.hpp).
#include "vscreen/search_plan.hpp"

#include <algorithm>
#include <map>

#include "vscreen/workspace.hpp"

namespace vscreen {

long task_scratch_floats(const LigandView& L) { return (chain_scratch_floats(L) + 3) / 4 * 4; }

long task_output_floats(const LigandView& L, int capacity) { return (chain_poses_floats(L, capacity) + 3) / 4 * 4; }

int size_class_of(long floats) {
    int c = kMinSizeClass;
    while ((1L << c) < floats) ++c;
    return c;
}

double task_cost(const LigandView& L, const MonteCarloParams& mc) {
    return static_cast<double>(std::max(mc.steps, 1)) * std::max(mc.local_steps, 1) * (L.num_atoms + L.num_pairs);
}

std::vector<TaskBucket> plan_task_buckets(const SearchBatch& batch) {
    std::map<int, TaskBucket, std::greater<int>> by_class;
    std::map<int, std::vector<int>, std::greater<int>> jobs_of;
    for (size_t j = 0; j < batch.jobs.size(); ++j) {
        const LigandView L = batch.jobs[j].model->view();
        const long floats = task_scratch_floats(L);
        TaskBucket& b = by_class[size_class_of(floats)];
        b.size_class = size_class_of(floats);
        b.max_scratch_floats = std::max(b.max_scratch_floats, floats);
        ++b.ligands;
        jobs_of[b.size_class].push_back(static_cast<int>(j));
    }
    std::vector<TaskBucket> out;
    for (auto& [c, b] : by_class) {
        std::vector<int> jobs = jobs_of[c];
        std::vector<double> cost(batch.jobs.size(), 0.0);
        for (int j : jobs) cost[j] = task_cost(batch.jobs[j].model->view(), batch.jobs[j].params);
        std::stable_sort(jobs.begin(), jobs.end(), [&](int a, int b2) { return cost[a] > cost[b2]; });
        for (int j : jobs)
            for (int k = 0; k < batch.chains; ++k) b.tasks.push_back(PlannedTask{j, k});
        out.push_back(std::move(b));
    }
    return out;
}

std::vector<std::vector<LaunchPiece>> plan_launch_rounds(const SearchBatch& batch, const std::vector<TaskBucket>& buckets,
                                                         const std::vector<bool>& global_scratch, size_t budget_bytes) {
    std::vector<std::vector<LaunchPiece>> rounds;
    size_t b = 0, pos = 0;
    while (b < buckets.size()) {
        std::vector<LaunchPiece> round;
        size_t used = 0;
        bool full = false;
        while (b < buckets.size() && !full) {
            const TaskBucket& bucket = buckets[b];
            const bool global = b < global_scratch.size() && global_scratch[b];
            LaunchPiece p;
            p.bucket = b;
            while (pos < bucket.tasks.size()) {
                const PlannedTask& t = bucket.tasks[pos];
                const SearchJob& job = batch.jobs[static_cast<size_t>(t.job)];
                const LigandView L = job.model->view();
                const long out = task_output_floats(L, job.params.capacity);
                const long scr = global ? task_scratch_floats(L) : 0;
                const size_t bytes = static_cast<size_t>(out + scr) * sizeof(float);
                if (used + bytes > budget_bytes && (!p.tasks.empty() || !round.empty())) {
                    full = true;
                    break;
                }
                p.tasks.push_back(LaunchTask{t.job, t.chain, p.output_floats, p.scratch_floats});
                p.output_floats += out;
                p.scratch_floats += scr;
                used += bytes;
                ++pos;
            }
            if (!p.tasks.empty()) round.push_back(std::move(p));
            if (pos == bucket.tasks.size()) {
                ++b;
                pos = 0;
            }
        }
        rounds.push_back(std::move(round));
    }
    return rounds;
}

}  // namespace vscreen
