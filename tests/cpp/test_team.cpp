// The team form on a CPU: energies and gradients of fixed poses with 32 (and 8) emulated lanes equal the one-lane
// (CPU back-end) results; an emulated single lane is the serial code bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "team_emulator.hpp"
#include "test_helpers.hpp"
#include "vscreen/bfgs.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/rng.hpp"
#include "vscreen/search_task.hpp"
#include "vscreen/workspace.hpp"

using namespace vscreen;

namespace {

/// A receptor-ligand complex with maps over a 22 A box at the ligand's centre, and poses to evaluate.
struct Complex {
    Receptor receptor;
    Ligand ligand;
    PairTable table{ScoringFunction::make(ScoringKind::Vina)};
    LigandModel model;
    Box box;
    GridMaps maps;
    std::vector<std::vector<float>> poses;    ///< all atoms on the grid
    std::vector<std::vector<float>> outside;  ///< some atoms off the grid

    explicit Complex(const std::string& name)
        : receptor(read_receptor_pdbqt_file(data_path(name + "_receptor.pdbqt"))),
          ligand(read_ligand_pdbqt_file(data_path(name + "_ligand.pdbqt"))),
          model(ligand),
          box(make_box(ligand)),
          maps(receptor, table, box, types_of(ligand)) {
        const LigandView L = model.view();
        poses.push_back(model.reference_pose());
        // Random poses in the box (some clash, some leave the grid), and local minima from random starts.
        MonteCarloParams mc;
        mc.box_lower = box.lower();
        mc.box_upper = box.upper();
        Rng rng = Rng::for_chain(11, 0, 0);
        std::vector<float> buffer(chain_scratch_floats(L));
        ChainScratch s = make_chain_scratch(L, buffer.data());
        EnergyContext ctx = make_energy_context(L, maps.view(), table.view(), s);
        // Poses whose atoms all lie on the grid (random, and local minima from random starts), then poses that
        // stick out of it (the out-of-grid penalty, 1e6 per A, dominates their energies and gradients).
        while (poses.size() < 25 || outside.size() < 6) {
            std::vector<float> pose(L.pose_size());
            random_pose(L, mc, rng, pose.data());
            const bool minimize = poses.size() % 2 == 0;
            if (minimize) {
                EnergyParts parts;
                bfgs_minimize(ctx, pose.data(), EnergyCaps{}, 300, s.bfgs, parts);
            }
            const EnergyParts e = evaluate_pose(ctx, pose.data(), EnergyCaps{}, nullptr);
            const bool on_grid = e.inter < 1000.0f;
            if (on_grid && poses.size() < 25) poses.push_back(pose);
            if (!on_grid && !minimize && outside.size() < 6) outside.push_back(pose);
        }
    }

    static Box make_box(const Ligand& lig) {
        Vec3 sum;
        int n = 0;
        for (const auto& a : lig.atoms)
            if (a.xs != kXsNone) { sum += a.coords; ++n; }
        Box b;
        b.center = (1.0f / static_cast<float>(n)) * sum;
        b.size = make_vec3(22, 22, 22);
        return b;
    }
    static std::vector<bool> types_of(const Ligand& lig) {
        std::vector<bool> t(kXsCount, false);
        for (const auto& a : lig.atoms)
            if (a.xs != kXsNone) t[a.xs] = true;
        return t;
    }
};

/// Energies and gradient of one pose.
struct Evaluation {
    EnergyParts parts;
    std::vector<float> grad;
};

Evaluation evaluate_serial(Complex& c, const std::vector<float>& pose, EnergyCaps caps) {
    const LigandView L = c.model.view();
    std::vector<float> buffer(chain_scratch_floats(L));
    ChainScratch s = make_chain_scratch(L, buffer.data());
    EnergyContext ctx = make_energy_context(L, c.maps.view(), c.table.view(), s);
    Evaluation e;
    e.grad.assign(L.change_size(), 0.0f);
    e.parts = evaluate_pose(ctx, pose.data(), caps, e.grad.data());
    return e;
}

/// The same evaluation by `lanes` emulated lanes sharing one scratch; every lane's energies are checked equal.
Evaluation evaluate_team(Complex& c, const std::vector<float>& pose, EnergyCaps caps, int lanes, long& evaluations) {
    const LigandView L = c.model.view();
    std::vector<float> buffer(chain_scratch_floats(L));
    ChainScratch s = make_chain_scratch(L, buffer.data());
    EnergyContext ctx = make_energy_context(L, c.maps.view(), c.table.view(), s, &evaluations);
    Evaluation e;
    e.grad.assign(L.change_size(), 0.0f);
    std::vector<EnergyParts> per_lane(lanes);
    test::run_team(lanes, [&](test::EmulatedTeam& team) {
        per_lane[team.lane()] = evaluate_pose(team, ctx, pose.data(), caps, e.grad.data());
    });
    for (int l = 1; l < lanes; ++l) {
        EXPECT_EQ(per_lane[l].inter, per_lane[0].inter) << "lane " << l;
        EXPECT_EQ(per_lane[l].intra, per_lane[0].intra) << "lane " << l;
    }
    e.parts = per_lane[0];
    return e;
}

/// |a - b| within 1e-5 of max(scale, 1) (1 kcal/mol, or kcal/mol per A or rad, as the floor of the scale).
void expect_close(float a, float b, float scale, const std::string& what) {
    EXPECT_LE(std::fabs(a - b), 1e-5f * std::max(scale, 1.0f)) << what << ": team " << a << ", serial " << b;
}

float norm_of(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += static_cast<double>(x) * x;
    return static_cast<float>(std::sqrt(s));
}

/// On-grid poses: each energy and gradient component to 1e-5 of itself. Off-grid poses: sums of +-1e6 penalty
/// terms cancel, so there the components are held to 1e-5 of the gradient's norm (the energies still to themselves).
void compare_lanes(const std::string& name, int lanes) {
    Complex c(name);
    const EnergyCaps caps_list[2] = {EnergyCaps{}, EnergyCaps{10.0f, 10.0f}};
    int active_pairs_poses = 0;
    for (int set = 0; set < 2; ++set) {
        const auto& poses = set == 0 ? c.poses : c.outside;
        for (const EnergyCaps& caps : caps_list)
            for (size_t i = 0; i < poses.size(); ++i) {
                long evaluations = 0;
                const Evaluation one = evaluate_serial(c, poses[i], caps);
                const Evaluation team = evaluate_team(c, poses[i], caps, lanes, evaluations);
                EXPECT_EQ(evaluations, 1);
                const std::string where = name + (set == 0 ? " on-grid pose " : " off-grid pose ") +
                                          std::to_string(i) + " cap " + std::to_string(caps.inter);
                expect_close(team.parts.inter, one.parts.inter, std::fabs(one.parts.inter), where + " inter");
                expect_close(team.parts.intra, one.parts.intra, std::fabs(one.parts.intra), where + " intra");
                const float gnorm = norm_of(one.grad);
                for (size_t k = 0; k < one.grad.size(); ++k)
                    expect_close(team.grad[k], one.grad[k], set == 0 ? std::fabs(one.grad[k]) : gnorm,
                                 where + " grad " + std::to_string(k));
                if (one.parts.intra != 0) ++active_pairs_poses;
            }
    }
    EXPECT_GT(active_pairs_poses, 50);  // the pair terms were exercised, not only the grid
}

}  // namespace

TEST(Team, ThirtyTwoLanesMatchOneLane1iep) { compare_lanes("1iep", 32); }
TEST(Team, ThirtyTwoLanesMatchOneLane1s63) { compare_lanes("1s63", 32); }
TEST(Team, EightLanesMatchOneLane) { compare_lanes("1iep", 8); }

TEST(Team, EmulatedSingleLaneIsTheSerialCodeBitForBit) {
    Complex c("1s63");
    std::vector<std::vector<float>> all = c.poses;
    all.insert(all.end(), c.outside.begin(), c.outside.end());
    for (const auto& pose : all) {
        long evaluations = 0;
        const Evaluation one = evaluate_serial(c, pose, EnergyCaps{});
        const Evaluation team = evaluate_team(c, pose, EnergyCaps{}, 1, evaluations);
        EXPECT_EQ(team.parts.inter, one.parts.inter);
        EXPECT_EQ(team.parts.intra, one.parts.intra);
        EXPECT_EQ(team.grad, one.grad);
    }
}

namespace {

/// BFGS in team form: 32 emulated lanes vs one lane, from the crystal pose moved by up to 1 A and 0.3 rad (a
/// descent into a bound minimum, as the search's refinements are). Every lane returns the same energy. The lanes'
/// sums differ from the serial ones in the last bits, so an Armijo test can fall the other way and the runs part:
/// after 2 iterations the energies agree to 1e-4 relative; after 30 they part by up to 0.09 kcal/mol (measured on
/// these starts), held to 1 % or 0.15 kcal/mol.
void compare_bfgs(const std::string& name, int steps, float rel, float abs_tol, int starts, int& identical) {
    Complex c(name);
    const LigandView L = c.model.view();
    Rng rng = Rng::for_chain(5, 1, 2);
    for (int start = 0; start < starts; ++start) {
        std::vector<float> pose = c.model.reference_pose();
        for (int k = 0; k < 3; ++k) pose[k] += rng.uniform(-1.0f, 1.0f) / 1.7320508f;
        for (int t = 7; t < L.pose_size(); ++t) pose[t] += rng.uniform(-0.3f, 0.3f);
        std::vector<float> one_pose = pose, team_pose = pose;
        std::vector<float> b1(chain_scratch_floats(L)), b2(chain_scratch_floats(L));
        ChainScratch s1 = make_chain_scratch(L, b1.data()), s2 = make_chain_scratch(L, b2.data());
        EnergyContext ctx1 = make_energy_context(L, c.maps.view(), c.table.view(), s1);
        EnergyContext ctx2 = make_energy_context(L, c.maps.view(), c.table.view(), s2);
        EnergyParts parts;
        const float e1 = bfgs_minimize(ctx1, one_pose.data(), EnergyCaps{}, steps, s1.bfgs, parts);
        std::vector<float> per_lane(32);
        test::run_team(32, [&](test::EmulatedTeam& team) {
            EnergyParts p;
            per_lane[team.lane()] = bfgs_minimize(team, ctx2, team_pose.data(), EnergyCaps{}, steps, s2.bfgs, p);
        });
        for (int l = 1; l < 32; ++l) EXPECT_EQ(per_lane[l], per_lane[0]) << "lane " << l;
        const float e32 = per_lane[0];
        EXPECT_LE(std::fabs(e32 - e1), std::max(rel * std::fabs(e1), abs_tol))
            << name << " start " << start << ": team " << e32 << ", serial " << e1;
        if (steps >= 30) EXPECT_LT(e1, 0.0f) << name << " start " << start << " did not reach a bound pose";
        if (e32 == e1 && team_pose == one_pose) ++identical;
    }
}

}  // namespace

TEST(Team, BfgsThirtyTwoLanesMatchOneLane) {
    int identical = 0;
    compare_bfgs("1iep", 2, 1e-4f, 1e-4f, 3, identical);
    compare_bfgs("1s63", 2, 1e-4f, 1e-4f, 3, identical);
    compare_bfgs("1iep", 30, 0.01f, 0.15f, 2, identical);
    compare_bfgs("1s63", 30, 0.01f, 0.15f, 2, identical);
    std::printf("BFGS: %d of 10 runs bit-identical to one lane\n", identical);
}

// A Monte Carlo chain in team form (32 emulated lanes, 4 steps on 1IEP): float-order differences part it from the
// one-lane chain, so it is checked on its own terms: kept poses sorted, each kept energy equal (1e-4 relative) to
// the one-lane energy of its pose with the refinement caps, the count of evaluations made.
TEST(Team, MonteCarloChainThirtyTwoLanesKeepsConsistentPoses) {
    Complex c("1iep");
    const LigandView L = c.model.view();
    MonteCarloParams mc;
    mc.box_lower = c.box.lower();
    mc.box_upper = c.box.upper();
    mc.steps = 4;
    mc.local_steps = 10;
    mc.gyration_radius = c.model.gyration_radius();
    std::vector<float> scratch(chain_scratch_floats(L)), poses(chain_poses_floats(L, mc.capacity));
    ChainScratch s = make_chain_scratch(L, scratch.data());
    ChainPoses out = make_chain_poses(L, mc.capacity, poses.data());
    long evaluations = 0;
    const EnergyContext ctx = make_energy_context(L, c.maps.view(), c.table.view(), s, &evaluations);
    test::run_team(32, [&](test::EmulatedTeam& team) { run_chain(team, ctx, mc, Rng::for_chain(3, 0, 0), s, out); });
    ASSERT_GT(*out.count, 0);
    EXPECT_GT(evaluations, mc.steps);
    EXPECT_EQ(static_cast<long>(*out.evaluations), evaluations);
    std::vector<float> buffer(chain_scratch_floats(L));
    ChainScratch s1 = make_chain_scratch(L, buffer.data());
    EnergyContext one = make_energy_context(L, c.maps.view(), c.table.view(), s1);
    for (int i = 0; i < *out.count; ++i) {
        if (i > 0) EXPECT_LE(out.energy[i - 1], out.energy[i]);
        const EnergyParts e = evaluate_pose(one, out.poses + i * L.pose_size(), mc.refine, nullptr);
        expect_close(e.inter + e.intra, out.energy[i], std::fabs(out.energy[i]), "kept pose " + std::to_string(i));
    }
}

TEST(Team, ButterflyReductionGivesEveryLaneTheSameSum) {
    std::vector<float> got(32);
    test::run_team(32, [&](test::EmulatedTeam& team) {
        const float v = 1.0f / static_cast<float>(team.lane() + 1);
        got[team.lane()] = team.reduce_sum(v) + team.broadcast(static_cast<float>(team.lane()), 5);
    });
    double expect = 0;
    for (int l = 0; l < 32; ++l) expect += 1.0 / (l + 1);
    for (int l = 0; l < 32; ++l) {
        EXPECT_EQ(got[l], got[0]);
        EXPECT_NEAR(got[l], expect + 5.0, 1e-5);
    }
}

TEST(Team, EmulatorRefusesLaneCountsThatAreNotPowersOfTwo) {
    EXPECT_THROW(test::run_team(6, [](test::EmulatedTeam&) {}), std::invalid_argument);
}

namespace {

/// The search kernel's arrangement on the emulator: `teams` teams of `lanes` lanes run at once, each taking tasks
/// (job, chain) from `order` in turn (team w takes tasks w, w + teams, ...) on its own slice of one scratch block
/// (stride floats apart, as the shared-memory variant lays warps out); every task writes its own output slice.
std::vector<std::vector<float>> run_tasks(Complex& c, const std::vector<MonteCarloParams>& params,
                                          const std::vector<std::pair<int, int>>& order, int teams, int lanes) {
    const LigandView L = c.model.view();
    const long stride = (chain_scratch_floats(L) + 3) / 4 * 4;
    std::vector<float> scratch(static_cast<size_t>(stride) * teams, -1.0f);
    std::vector<std::vector<float>> outputs(order.size());
    std::vector<std::thread> threads;
    for (int w = 0; w < teams; ++w)
        threads.emplace_back([&, w] {
            for (size_t k = static_cast<size_t>(w); k < order.size(); k += static_cast<size_t>(teams)) {
                const auto [job, chain] = order[k];
                std::vector<float>& out = outputs[static_cast<size_t>(job) * 2 + chain];
                out.assign(chain_poses_floats(L, params[job].capacity), 0.0f);
                test::run_team(lanes, [&](test::EmulatedTeam& team) {
                    run_search_task(team, L, params[job], c.maps.view(), c.table.view(), 99,
                                    static_cast<unsigned long long>(job), chain, scratch.data() + w * stride, out.data());
                });
            }
        });
    for (std::thread& t : threads) t.join();
    return outputs;
}

}  // namespace

// Two emulated teams running the tasks of a bucket in one order and two others in the reverse order on other slots
// give the same bytes per task (a task depends on the seed, its job's key and its chain only, not on where or when it
// ran), and one lane of run_search_task is the CPU back-end's chain bit for bit.
TEST(Team, SearchTasksGiveTheSameBytesInAnyOrderAndSlot) {
    Complex c("1s63");
    std::vector<MonteCarloParams> params(2);
    for (int j = 0; j < 2; ++j) {
        params[j].box_lower = c.box.lower();
        params[j].box_upper = c.box.upper();
        params[j].steps = 1 + j;
        params[j].local_steps = 6;
        params[j].gyration_radius = c.model.gyration_radius();
    }
    const std::vector<std::pair<int, int>> forward{{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    const std::vector<std::pair<int, int>> backward(forward.rbegin(), forward.rend());
    const auto a = run_tasks(c, params, forward, 2, 8);  // 8 lanes: 32 x 2 emulated threads take a minute here
    const auto b = run_tasks(c, params, backward, 2, 8);
    ASSERT_EQ(a.size(), 4u);
    for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k], b[k]) << "task " << k;
        const ChainPoses p = make_chain_poses(c.model.view(), params[k / 2].capacity, const_cast<float*>(a[k].data()));
        EXPECT_GT(*p.count, 0) << "task " << k;
    }
    EXPECT_NE(a[0], a[1]);  // chains of one job draw different streams

    // One lane: the CPU back-end's chain (run_chain with SerialTeam and the same stream) bit for bit.
    const auto one = run_tasks(c, params, forward, 1, 1);
    const LigandView L = c.model.view();
    for (size_t k = 0; k < one.size(); ++k) {
        const int job = static_cast<int>(k / 2), chain = static_cast<int>(k % 2);
        std::vector<float> buffer(chain_scratch_floats(L)), out(chain_poses_floats(L, params[job].capacity), 0.0f);
        ChainScratch s = make_chain_scratch(L, buffer.data());
        EnergyContext ctx = make_energy_context(L, c.maps.view(), c.table.view(), s);
        ChainPoses poses = make_chain_poses(L, params[job].capacity, out.data());
        run_chain(ctx, params[job], Rng::for_chain(99, static_cast<std::uint64_t>(job), static_cast<std::uint64_t>(chain)),
                  s, poses);
        EXPECT_EQ(one[k], out) << "task " << k;
    }
}
