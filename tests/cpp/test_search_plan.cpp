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
