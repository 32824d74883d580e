// The docking pipeline: grid maps, Monte Carlo search on a back-end, clustering and exact rescoring of modes.
#include "vscreen/docking.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "vscreen/bfgs.hpp"
#include "vscreen/detail/parallel.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/kinematics.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/scoring.hpp"
#include "vscreen/workspace.hpp"

namespace vscreen {

int vina_global_steps(const LigandView& m) { return 105 * (50 + m.num_atoms + 10 * (6 + m.num_torsions())); }
int vina_local_steps(const LigandView& m) { return (25 + m.num_atoms) / 3; }

float rmsd_heavy(const Ligand& lig, const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
    double s = 0;
    int n = 0;
    for (size_t i = 0; i < lig.atoms.size(); ++i) {
        if (lig.atoms[i].element == 1) continue;
        s += norm_sqr(a[i] - b[i]);
        ++n;
    }
    return n ? static_cast<float>(std::sqrt(s / n)) : 0.0f;
}

float rmsd_lower_bound(const Ligand& lig, const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
    auto one_way = [&](const std::vector<Vec3>& x, const std::vector<Vec3>& y) {
        double s = 0;
        int n = 0;
        for (size_t i = 0; i < lig.atoms.size(); ++i) {
            if (lig.atoms[i].element == 1) continue;
            float best = 1e30f;
            for (size_t j = 0; j < lig.atoms.size(); ++j)
                if (lig.atoms[j].element == lig.atoms[i].element) best = std::min(best, norm_sqr(x[i] - y[j]));
            s += best;
            ++n;
        }
        return n ? std::sqrt(s / n) : 0.0;
    };
    return static_cast<float>(std::max(one_way(a, b), one_way(b, a)));
}

namespace {

/// Kernel-ready models of a batch and the XS types its grid maps need.
struct BatchModels {
    std::vector<LigandModel> models;
    std::vector<bool> types = std::vector<bool>(kXsCount, false);

    explicit BatchModels(const std::vector<Ligand>& ligands) {
        models.reserve(ligands.size());
        for (const Ligand& lig : ligands) {
            models.emplace_back(lig);
            for (const auto& a : lig.atoms)
                if (a.xs != kXsNone) types[a.xs] = true;
        }
    }
};

DockingResult finish_ligand(const Ligand& lig, const LigandModel& model, std::vector<ChainPose> poses,
                            const ExactScorer& scorer, const DockingSettings& s) {
    std::stable_sort(poses.begin(), poses.end(), [](const ChainPose& a, const ChainPose& b) { return a.energy < b.energy; });
    // Greedy clustering: a pose within 1 A of a better kept pose is dropped.
    struct Kept {
        std::vector<Vec3> coords;
        std::vector<float> pose;
    };
    std::vector<Kept> kept;
    const size_t max_kept = static_cast<size_t>(std::max(s.num_modes, 1)) * 2;
    for (const ChainPose& p : poses) {
        if (!std::isfinite(p.energy)) continue;
        std::vector<Vec3> c = model.coordinates(p.pose);
        bool duplicate = false;
        for (const Kept& k : kept)
            if (rmsd_heavy(lig, k.coords, c) < 1.0f) { duplicate = true; break; }
        if (duplicate) continue;
        kept.push_back(Kept{std::move(c), p.pose});
        if (kept.size() >= max_kept) break;
    }
    // Exact rescoring of the kept poses.
    const LigandView L = model.view();
    std::vector<unsigned char> xs(lig.atoms.size());
    for (size_t i = 0; i < xs.size(); ++i) xs[i] = lig.atoms[i].xs;
    std::vector<DockedMode> modes;
    for (Kept& k : kept) {
        DockedMode m;
        std::array<double, kTermCount> terms{};
        m.inter = static_cast<float>(scorer.inter(k.coords.data(), xs.data(), static_cast<int>(xs.size()), &terms));
        for (int t = 0; t < kTermCount; ++t) m.terms[t] = static_cast<float>(terms[t]);
        m.intra = static_cast<float>(intra_energy(L, scorer.scoring(), k.coords.data()));
        m.coords = std::move(k.coords);
        m.pose = std::move(k.pose);
        modes.push_back(std::move(m));
    }
    std::stable_sort(modes.begin(), modes.end(),
                     [](const DockedMode& a, const DockedMode& b) { return a.inter + a.intra < b.inter + b.intra; });
    DockingResult r;
    r.name = lig.name;
    if (modes.empty()) return r;
    r.unbound = modes.front().intra;
    std::vector<DockedMode> out;
    for (DockedMode& m : modes) {
        m.affinity = scorer.scoring().normalize(m.inter + m.intra - r.unbound, lig.num_rotors);
        if (!out.empty() && m.affinity > out.front().affinity + s.energy_range) continue;
        if (static_cast<int>(out.size()) >= s.num_modes) break;
        out.push_back(std::move(m));
    }
    for (DockedMode& m : out) {
        m.rmsd_ub = rmsd_heavy(lig, out.front().coords, m.coords);
        m.rmsd_lb = rmsd_lower_bound(lig, out.front().coords, m.coords);
    }
    r.modes = std::move(out);
    return r;
}

}  // namespace

std::vector<DockingResult> dock(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                const DockingSettings& s, Backend& backend) {
    return dock(receptor, ligands, s, backend, std::vector<int>(ligands.size(), s.exhaustiveness));
}

std::vector<DockingResult> dock(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                const DockingSettings& s, Backend& backend, const std::vector<int>& chains) {
    if (s.exhaustiveness < 1) fail("exhaustiveness must be at least 1, got ", s.exhaustiveness);
    if (chains.size() != ligands.size())
        fail("dock: ", chains.size(), " chain counts for ", ligands.size(), " ligands");
    for (size_t i = 0; i < chains.size(); ++i)
        if (chains[i] < 1) fail("dock: ligand ", i + 1, ": chain count must be at least 1, got ", chains[i]);
    if (s.num_modes < 1) fail("num_modes must be at least 1, got ", s.num_modes);
    if (!(s.energy_range >= 0)) fail("energy_range must be non-negative, got ", s.energy_range);
    if (!(s.search_scale > 0)) fail("search_scale must be positive, got ", s.search_scale);
    if (!(s.stall_fraction >= 0 && s.stall_fraction <= 1))
        fail("stall_fraction must be in [0, 1], got ", s.stall_fraction);
    if (receptor.size() == 0) fail("receptor ", receptor.name, " has no atoms");
    const ScoringFunction sf = ScoringFunction::make(s.scoring);
    const PairTable table(sf);
    const BatchModels batch_models(ligands);
    const std::vector<LigandModel>& models = batch_models.models;
    // Host maps, unless the back-end builds (and keeps) its own from the spec.
    GridSpec spec;
    spec.receptor = &receptor;
    spec.box = s.box;
    spec.spacing = s.grid_spacing;
    spec.types = batch_models.types;
    std::unique_ptr<GridMaps> maps;
    if (!backend.builds_grid_maps())
        maps = std::make_unique<GridMaps>(receptor, table, s.box, batch_models.types, s.grid_spacing, s.threads);

    // One search batch per chain count, on the same maps. A ligand's random streams depend on the seed, its
    // index in `ligands` and the chain number only, so its result does not depend on how the batches split.
    std::vector<JobPoses> found(ligands.size());
    for (const int count : std::set<int>(chains.begin(), chains.end())) {
        SearchBatch batch;
        if (maps) batch.grid = maps->view();
        batch.grid_spec = &spec;
        batch.table = &table;
        batch.chains = count;
        batch.seed = s.seed;
        std::vector<size_t> index;
        for (size_t i = 0; i < ligands.size(); ++i) {
            if (chains[i] != count) continue;
            SearchJob job;
            job.model = &models[i];
            const LigandView L = models[i].view();
            job.params.steps = std::max(1, static_cast<int>(std::lround(vina_global_steps(L) * s.search_scale)));
            job.params.local_steps = vina_local_steps(L);
            if (s.stall_fraction > 0)
                job.params.stall_steps = std::max(1, static_cast<int>(std::lround(job.params.steps * s.stall_fraction)));
            job.params.gyration_radius = models[i].gyration_radius();
            job.params.box_lower = s.box.lower();
            job.params.box_upper = s.box.upper();
            job.seed_key = i;
            batch.jobs.push_back(job);
            index.push_back(i);
        }
        std::vector<JobPoses> part = backend.search(batch);
        for (size_t k = 0; k < index.size(); ++k) found[index[k]] = std::move(part[k]);
    }

    const ExactScorer scorer(receptor, sf);
    std::vector<DockingResult> results(ligands.size());
    detail::parallel_for(static_cast<long>(ligands.size()), s.threads, [&](long i, int) {
        results[i] = finish_ligand(ligands[i], models[i], std::move(found[i].poses), scorer, s);
        results[i].backend = found[i].backend.empty() ? backend.name() : found[i].backend;
        results[i].evaluations = found[i].evaluations;
    });
    return results;
}

std::vector<DockingResult> optimize_poses(const Receptor& receptor, const std::vector<Ligand>& ligands,
                                          const DockingSettings& s) {
    if (receptor.size() == 0) fail("receptor ", receptor.name, " has no atoms");
    const Vec3 lo = s.box.lower(), hi = s.box.upper();
    for (const Ligand& lig : ligands)
        for (const auto& a : lig.atoms) {
            const Vec3 c = a.coords;
            if (a.element != 1 && (c.x < lo.x || c.y < lo.y || c.z < lo.z || c.x > hi.x || c.y > hi.y || c.z > hi.z))
                fail("optimize_poses: ligand '", lig.name, "' has heavy atoms outside the box; the pose to optimise "
                     "must lie in the grid maps' box");
        }
    const ScoringFunction sf = ScoringFunction::make(s.scoring);
    const PairTable table(sf);
    const BatchModels batch_models(ligands);
    const std::vector<LigandModel>& models = batch_models.models;
    const GridMaps maps(receptor, table, s.box, batch_models.types, s.grid_spacing, s.threads);
    const ExactScorer scorer(receptor, sf);
    const GridView grid = maps.view();
    const PairTableView table_view = table.view();
    const MonteCarloParams caps;  // the refinement caps of a chain
    std::vector<DockingResult> results(ligands.size());
    detail::parallel_for(static_cast<long>(ligands.size()), s.threads, [&](long i, int) {
        const LigandView L = models[i].view();
        std::vector<float> buffer(chain_scratch_floats(L));
        ChainScratch scratch = make_chain_scratch(L, buffer.data());
        long evaluations = 0;
        EnergyContext ctx = make_energy_context(L, grid, table_view, scratch, &evaluations);
        ChainPose p;
        p.pose = models[i].reference_pose();
        EnergyParts parts;
        float e = 1e30f;
        for (int round = 0; round < 50; ++round) {
            const float next = bfgs_minimize(ctx, p.pose.data(), caps.refine, vina_local_steps(L), scratch.bfgs, parts);
            const bool converged = !(next < e - 1e-3f);
            e = std::min(e, next);
            if (converged) break;
        }
        p.energy = e;
        p.inter = parts.inter;
        p.intra = parts.intra;
        DockingSettings one = s;
        one.num_modes = 1;
        results[i] = finish_ligand(ligands[i], models[i], {p}, scorer, one);
        results[i].backend = "cpu";
        results[i].evaluations = evaluations;
    });
    return results;
}

}  // namespace vscreen
