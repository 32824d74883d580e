// Shared test fixture: 1IEP receptor and ligand with Vina scoring, grid maps over Vina's example box, chain scratch.
#pragma once

#include <vector>

#include "test_helpers.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/monte_carlo.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/workspace.hpp"

struct DockingFixture {
    vscreen::Receptor receptor = vscreen::read_receptor_pdbqt_file(data_path("1iep_receptor.pdbqt"));
    vscreen::Ligand ligand = vscreen::read_ligand_pdbqt_file(data_path("1iep_ligand.pdbqt"));
    vscreen::ScoringFunction sf = vscreen::ScoringFunction::make(vscreen::ScoringKind::Vina);
    vscreen::PairTable table{sf};
    vscreen::LigandModel model{ligand};
    std::vector<bool> types = [this] {
        std::vector<bool> t(vscreen::kXsCount, false);
        for (const auto& a : ligand.atoms)
            if (a.xs != vscreen::kXsNone) t[a.xs] = true;
        return t;
    }();
    vscreen::Box box = [] {
        vscreen::Box b;
        b.center = vscreen::make_vec3(15.190f, 53.903f, 16.917f);
        b.size = vscreen::make_vec3(20, 20, 20);
        return b;
    }();
    vscreen::GridMaps maps{receptor, table, box, types};
    std::vector<float> buffer = std::vector<float>(vscreen::chain_scratch_floats(model.view()));
    vscreen::ChainScratch s = vscreen::make_chain_scratch(model.view(), buffer.data());
    vscreen::EnergyContext ctx = vscreen::make_energy_context(model.view(), maps.view(), table.view(), s);
    vscreen::MonteCarloParams mc = [this] {
        vscreen::MonteCarloParams p;
        p.box_lower = box.lower();
        p.box_upper = box.upper();
        return p;
    }();

    /// Total (inter + intra) energy of a pose on the grid.
    float energy(const float* pose, vscreen::EnergyCaps caps) {
        const vscreen::EnergyParts e = vscreen::evaluate_pose(ctx, pose, caps, nullptr);
        return e.inter + e.intra;
    }
};
