// The device back-ends' task plan (search_plan.hpp): every (ligand, chain) task once, in size buckets largest first,
// costliest first within a bucket, a ligand's chains together; the same jobs give the same plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "test_helpers.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/search_plan.hpp"
#include "vscreen/workspace.hpp"

using namespace vscreen;

namespace {

struct Jobs {
    std::vector<LigandModel> models;
    SearchBatch batch;
    /// jobs alternating between the two test ligands, with different step counts per job.
    explicit Jobs(int n, int chains) {
        const Ligand a = read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
        const Ligand b = read_ligand_pdbqt_file(data_path("1s63_ligand.pdbqt"));
        models.reserve(n);
        for (int i = 0; i < n; ++i) models.emplace_back(i % 2 ? b : a);
        batch.chains = chains;
        for (int i = 0; i < n; ++i) {
            SearchJob j;
            j.model = &models[i];
            j.params.steps = 10 + 3 * (i % 3);
            j.params.local_steps = 5;
            j.seed_key = static_cast<std::uint64_t>(i);
            batch.jobs.push_back(j);
        }
    }
};

}  // namespace

TEST(SearchPlan, EveryTaskOnceInSizeBucketsCostliestFirst) {
    const Jobs jobs(7, 3);
    const std::vector<TaskBucket> plan = plan_task_buckets(jobs.batch);
    std::set<std::pair<int, int>> seen;
    std::set<int> classes;
    std::map<int, int> bucket_of_job;
    for (size_t b = 0; b < plan.size(); ++b) {
        const TaskBucket& bucket = plan[b];
        if (b > 0) EXPECT_LT(bucket.size_class, plan[b - 1].size_class) << "largest class first";
        long largest = 0;
        std::set<int> ligands;
        for (size_t k = 0; k < bucket.tasks.size(); ++k) {
            const PlannedTask& t = bucket.tasks[k];
            EXPECT_TRUE(seen.insert({t.job, t.chain}).second) << "task " << t.job << "/" << t.chain << " twice";
            const LigandView L = jobs.batch.jobs[t.job].model->view();
            const long floats = task_scratch_floats(L);
            EXPECT_GE(floats, chain_scratch_floats(L));
            EXPECT_EQ(floats % 4, 0);
            EXPECT_EQ(size_class_of(floats), bucket.size_class);
            EXPECT_LE(floats, 1L << bucket.size_class);
            largest = std::max(largest, floats);
            ligands.insert(t.job);
            if (bucket_of_job.count(t.job)) EXPECT_EQ(bucket_of_job[t.job], static_cast<int>(b)) << "job split";
            bucket_of_job[t.job] = static_cast<int>(b);
            if (k > 0) {
                const PlannedTask& prev = bucket.tasks[k - 1];
                const double c0 = task_cost(jobs.batch.jobs[prev.job].model->view(), jobs.batch.jobs[prev.job].params);
                const double c1 = task_cost(L, jobs.batch.jobs[t.job].params);
                EXPECT_GE(c0, c1) << "costliest first";
                if (c0 == c1) EXPECT_TRUE(prev.job < t.job || (prev.job == t.job && prev.chain < t.chain));
            }
        }
        EXPECT_EQ(bucket.max_scratch_floats, largest);
        EXPECT_EQ(bucket.ligands, static_cast<int>(ligands.size()));
        classes.insert(bucket.size_class);
    }
    EXPECT_EQ(seen.size(), 7u * 3u);
    std::set<int> expected;
    for (const SearchJob& j : jobs.batch.jobs) expected.insert(size_class_of(task_scratch_floats(j.model->view())));
    EXPECT_EQ(classes, expected);
    EXPECT_EQ(expected.size(), 2u);  // imatinib and the 1S63 ligand fall in different classes
}

TEST(SearchPlan, SameJobsSamePlan) {
    const Jobs a(5, 2), b(5, 2);
    const auto pa = plan_task_buckets(a.batch), pb = plan_task_buckets(b.batch);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        ASSERT_EQ(pa[i].tasks.size(), pb[i].tasks.size());
        for (size_t k = 0; k < pa[i].tasks.size(); ++k) {
            EXPECT_EQ(pa[i].tasks[k].job, pb[i].tasks[k].job);
            EXPECT_EQ(pa[i].tasks[k].chain, pb[i].tasks[k].chain);
        }
    }
}

TEST(SearchPlan, SizeClasses) {
    EXPECT_EQ(size_class_of(1), kMinSizeClass);
    EXPECT_EQ(size_class_of(1L << kMinSizeClass), kMinSizeClass);
    EXPECT_EQ(size_class_of((1L << kMinSizeClass) + 4), kMinSizeClass + 1);
    EXPECT_EQ(size_class_of(1L << 20), 20);
}

namespace {

/// Checks the rounds: every task once and in its bucket's order, offsets packed in task order within each launch,
/// scratch only for global-memory buckets, every round within the budget unless it holds a single task.
void check_rounds(const Jobs& jobs, const std::vector<TaskBucket>& plan, const std::vector<bool>& global,
                  const std::vector<std::vector<LaunchPiece>>& rounds, size_t budget) {
    std::vector<std::vector<PlannedTask>> seen(plan.size());
    for (const auto& round : rounds) {
        ASSERT_FALSE(round.empty());
        size_t bytes = 0, tasks = 0;
        for (const LaunchPiece& p : round) {
            ASSERT_LT(p.bucket, plan.size());
            long out = 0, scr = 0;
            for (const LaunchTask& t : p.tasks) {
                const SearchJob& j = jobs.batch.jobs[t.job];
                EXPECT_EQ(t.output, out);
                EXPECT_EQ(t.scratch, scr);
                out += task_output_floats(j.model->view(), j.params.capacity);
                if (global[p.bucket]) scr += task_scratch_floats(j.model->view());
                seen[p.bucket].push_back(PlannedTask{t.job, t.chain});
            }
            EXPECT_EQ(p.output_floats, out);
            EXPECT_EQ(p.scratch_floats, scr);
            bytes += static_cast<size_t>(out + scr) * sizeof(float);
            tasks += p.tasks.size();
        }
        if (tasks > 1) EXPECT_LE(bytes, budget);
    }
    for (size_t b = 0; b < plan.size(); ++b) {
        ASSERT_EQ(seen[b].size(), plan[b].tasks.size()) << "bucket " << b;
        for (size_t k = 0; k < seen[b].size(); ++k) {
            EXPECT_EQ(seen[b][k].job, plan[b].tasks[k].job);
            EXPECT_EQ(seen[b][k].chain, plan[b].tasks[k].chain);
        }
    }
}

}  // namespace

TEST(SearchPlan, LaunchRoundsPackEveryTaskWithinTheBudget) {
    const Jobs jobs(9, 4);
    const std::vector<TaskBucket> plan = plan_task_buckets(jobs.batch);
    ASSERT_EQ(plan.size(), 2u);
    const std::vector<bool> global{false, true};  // the larger bucket on shared memory, the smaller on global
    const auto all = plan_launch_rounds(jobs.batch, plan, global, size_t{1} << 30);
    ASSERT_EQ(all.size(), 1u);  // everything fits: one round, one launch per bucket
    EXPECT_EQ(all[0].size(), 2u);
    check_rounds(jobs, plan, global, all, size_t{1} << 30);
    EXPECT_EQ(all[0][0].scratch_floats, 0);
    EXPECT_GT(all[0][1].scratch_floats, 0);

    const SearchJob& j0 = jobs.batch.jobs[0];
    const size_t budget = 5 * static_cast<size_t>(task_output_floats(j0.model->view(), j0.params.capacity)) * 4;
    const auto some = plan_launch_rounds(jobs.batch, plan, global, budget);
    EXPECT_GT(some.size(), 4u);
    check_rounds(jobs, plan, global, some, budget);

    const auto single = plan_launch_rounds(jobs.batch, plan, global, 0);  // nothing fits: one task per round
    EXPECT_EQ(single.size(), 9u * 4u);
    check_rounds(jobs, plan, global, single, 0);
}
