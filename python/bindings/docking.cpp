// Batch docking: DockingSettings, dock() with the GIL released, results and the PDBQT/SDF writers of modes.
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

#include <pybind11/stl.h>

#include "common.hpp"
#include "vscreen/backend.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/error.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/search_preset.hpp"
#ifdef VSCREEN_HAVE_CUDA
#include "vscreen/cuda_backend.hpp"
#endif
#ifdef VSCREEN_HAVE_PREP
#include "vscreen/molecule_io.hpp"
#endif

namespace vscreen::python {

namespace {

std::array<float, 3> to_array(Vec3 v) { return {v.x, v.y, v.z}; }
Vec3 to_vec(const std::array<float, 3>& a) { return make_vec3(a[0], a[1], a[2]); }

py::dict terms_dict(const std::array<float, kTermCount>& terms) {
    py::dict d;
    for (int t = 0; t < kTermCount; ++t) d[kTermNames[t]] = terms[t];
    return d;
}

std::string fmt3(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

void check_match(const Ligand& lig, const DockingResult& r) {
    for (const DockedMode& m : r.modes)
        if (m.coords.size() != lig.atoms.size())
            fail("result '", r.name, "' has ", m.coords.size(), " atoms per mode but ligand '", lig.name, "' has ",
                 lig.atoms.size());
}

std::string pdbqt_modes(const Ligand& ligand, const DockingResult& r) {
    check_match(ligand, r);
    const Ligand* lig = &ligand;
    Ligand templated;
    if (ligand.pdbqt_lines.empty()) {  // read from SDF/MOL2: make PDBQT lines from the torsion tree
        templated = ligand;
        make_pdbqt_template(templated);
        lig = &templated;
    }
    std::ostringstream out;
    for (size_t i = 0; i < r.modes.size(); ++i) {
        const DockedMode& m = r.modes[i];
        ModeRemarks rem;
        rem.affinity = m.affinity;
        rem.rmsd_lb = m.rmsd_lb;
        rem.rmsd_ub = m.rmsd_ub;
        rem.inter_plus_intra = m.inter + m.intra;
        rem.inter = m.inter;
        rem.intra = m.intra;
        rem.unbound = r.unbound;
        if (i == 0) rem.search_evaluations = r.evaluations;
        write_pdbqt_model(out, *lig, m.coords, static_cast<int>(i + 1), rem);
    }
    return out.str();
}

std::string sdf_modes(const Ligand& ligand, const DockingResult& r) {
#ifdef VSCREEN_HAVE_PREP
    check_match(ligand, r);
    const LigandModel model(ligand);
    std::ostringstream out;
    for (size_t i = 0; i < r.modes.size(); ++i) {
        const DockedMode& m = r.modes[i];
        std::vector<Vec3> riders;
        if (m.pose.size() == model.reference_pose().size()) {
            riders = model.rider_coordinates(m.pose);
        } else {
            for (const RiderAtom& a : ligand.riders) riders.push_back(a.coords);
        }
        const std::map<std::string, std::string> props = {
            {"vscreen_mode", std::to_string(i + 1)},   {"vscreen_affinity", fmt3(m.affinity)},
            {"vscreen_inter", fmt3(m.inter)},          {"vscreen_intra", fmt3(m.intra)},
            {"vscreen_unbound", fmt3(r.unbound)},      {"vscreen_rmsd_lb", fmt3(m.rmsd_lb)},
            {"vscreen_rmsd_ub", fmt3(m.rmsd_ub)},      {"vscreen_evaluations", std::to_string(r.evaluations)}};
        write_sdf_pose(out, ligand, m.coords, riders, props);
    }
    return out.str();
#else
    (void)ligand;
    fail("cannot write SDF for '", r.name, "': vscreen was built without RDKit");
#endif
}

}  // namespace

void add_docking(py::module_& m) {
    py::class_<DockingSettings>(m, "DockingSettings", "Search settings; the defaults are Vina's.")
        .def(py::init([](std::array<float, 3> center, std::array<float, 3> size, std::optional<std::string> search,
                         std::optional<int> exhaustiveness, int num_modes, float energy_range, std::uint64_t seed,
                         const std::string& scoring, float grid_spacing, std::optional<float> search_scale,
                         std::optional<float> stall_fraction, int threads) {
                 DockingSettings s;
                 s.box.center = to_vec(center);
                 s.box.size = to_vec(size);
                 if (search) apply_search_preset(s, parse_search_preset(*search));
                 if (exhaustiveness) s.exhaustiveness = *exhaustiveness;
                 s.num_modes = num_modes;
                 s.energy_range = energy_range;
                 s.seed = seed;
                 s.scoring = parse_scoring_kind(scoring);
                 s.grid_spacing = grid_spacing;
                 if (search_scale) s.search_scale = *search_scale;
                 if (stall_fraction) s.stall_fraction = *stall_fraction;
                 s.threads = threads;
                 return s;
             }),
             py::kw_only(), py::arg("center") = std::array<float, 3>{0, 0, 0},
             py::arg("size") = std::array<float, 3>{22.5f, 22.5f, 22.5f}, py::arg("search") = py::none(),
             py::arg("exhaustiveness") = py::none(), py::arg("num_modes") = 9, py::arg("energy_range") = 3.0f,
             py::arg("seed") = 0, py::arg("scoring") = "vina", py::arg("grid_spacing") = 0.375f,
             py::arg("search_scale") = py::none(), py::arg("stall_fraction") = py::none(), py::arg("threads") = 0,
             "search: a preset ('fast', 'balanced', 'detail') that sets exhaustiveness, search_scale and "
             "stall_fraction; any of the three given as well overrides the preset's value.")
        .def_property(
            "center", [](const DockingSettings& s) { return to_array(s.box.center); },
            [](DockingSettings& s, std::array<float, 3> c) { s.box.center = to_vec(c); }, "Box centre (A).")
        .def_property(
            "size", [](const DockingSettings& s) { return to_array(s.box.size); },
            [](DockingSettings& s, std::array<float, 3> c) { s.box.size = to_vec(c); }, "Box edge lengths (A).")
        .def_readwrite("exhaustiveness", &DockingSettings::exhaustiveness, "Monte Carlo chains per ligand.")
        .def_readwrite("num_modes", &DockingSettings::num_modes, "At most this many modes per ligand.")
        .def_readwrite("energy_range", &DockingSettings::energy_range, "Modes within this many kcal/mol of the best.")
        .def_readwrite("seed", &DockingSettings::seed, "The only source of randomness.")
        .def_property(
            "scoring", [](const DockingSettings& s) { return std::string(scoring_kind_name(s.scoring)); },
            [](DockingSettings& s, const std::string& k) { s.scoring = parse_scoring_kind(k); }, "'vina' or 'vinardo'.")
        .def_readwrite("grid_spacing", &DockingSettings::grid_spacing, "Grid map spacing (A).")
        .def_readwrite("search_scale", &DockingSettings::search_scale,
                       "Multiplies Vina's Monte Carlo step count (1 = Vina; smaller is faster and rougher).")
        .def_readwrite("stall_fraction", &DockingSettings::stall_fraction,
                       "A chain stops after this fraction of its steps without a new best (0 = run all steps).")
        .def_readwrite("threads", &DockingSettings::threads, "CPU threads for grids and post-processing (0 = all).")
        .def("__repr__", [](const DockingSettings& s) {
            std::ostringstream o;
            o << "DockingSettings(center=(" << s.box.center.x << ", " << s.box.center.y << ", " << s.box.center.z
              << "), size=(" << s.box.size.x << ", " << s.box.size.y << ", " << s.box.size.z
              << "), exhaustiveness=" << s.exhaustiveness << ", num_modes=" << s.num_modes
              << ", energy_range=" << s.energy_range << ", seed=" << s.seed << ", scoring='"
              << scoring_kind_name(s.scoring) << "', grid_spacing=" << s.grid_spacing
              << ", search_scale=" << s.search_scale << ", stall_fraction=" << s.stall_fraction << ", threads=" << s.threads << ")";
            return o.str();
        });

    py::class_<DockedMode>(m, "DockedMode", "One docked mode of a ligand (energies in kcal/mol).")
        .def_readonly("affinity", &DockedMode::affinity, "Vina's reported value.")
        .def_readonly("inter", &DockedMode::inter, "Intermolecular energy (exact, pairwise).")
        .def_readonly("intra", &DockedMode::intra, "Intramolecular energy.")
        .def_property_readonly("terms", [](const DockedMode& d) { return terms_dict(d.terms); },
                               "Weighted intermolecular terms by name.")
        .def_readonly("rmsd_lb", &DockedMode::rmsd_lb, "RMSD lower bound to the best mode (A).")
        .def_readonly("rmsd_ub", &DockedMode::rmsd_ub, "Heavy-atom RMSD to the best mode (A).")
        .def_property_readonly(
            "coords", [](py::object self) { return coords_view(self.cast<const DockedMode&>().coords, self); },
            "Atom coordinates, a read-only (N, 3) float32 view in ligand atom order.")
        .def_readonly("pose", &DockedMode::pose, "Position, quaternion and torsions.")
        .def("__repr__", [](const DockedMode& d) {
            return "<vscreen.DockedMode affinity=" + fmt3(d.affinity) + " rmsd_lb=" + fmt3(d.rmsd_lb) +
                   " rmsd_ub=" + fmt3(d.rmsd_ub) + ">";
        });

    py::class_<DockingResult>(m, "DockingResult", "The modes of one ligand, best first.")
        .def_readonly("name", &DockingResult::name)
        .def_property_readonly(
            "modes",
            [](py::object self) {
                const auto& r = self.cast<const DockingResult&>();
                py::list l;
                for (const DockedMode& d : r.modes)
                    l.append(py::cast(&d, py::return_value_policy::reference_internal, self));
                return l;
            },
            "Docked modes, best first.")
        .def_readonly("unbound", &DockingResult::unbound, "Intramolecular energy of the best mode (Vina's UNBOUND).")
        .def_readonly("backend", &DockingResult::backend,
                      "Back-end that ran the search: 'cpu', or 'cuda:N/warp-shared' / 'cuda:N/warp-global' (the CUDA kernel variant).")
        .def_readonly("evaluations", &DockingResult::evaluations,
                      "Energy evaluations the search made for this ligand, all chains together (its cost).")
        .def("__len__", [](const DockingResult& r) { return r.modes.size(); })
        .def("__repr__", [](const DockingResult& r) {
            return "<vscreen.DockingResult '" + r.name + "' " + std::to_string(r.modes.size()) + " modes" +
                   (r.modes.empty() ? std::string() : ", best " + fmt3(r.modes.front().affinity)) + " on " +
                   r.backend + ">";
        });

    m.def(
        "cuda_device_count",
        [] {
#ifdef VSCREEN_HAVE_CUDA
            return cuda_device_count();
#else
            return 0;
#endif
        },
        "Number of usable CUDA devices (0 when the CUDA back-end is not built or no GPU is present).");
    m.def(
        "search_effort",
        [](const std::string& name) {
            const SearchEffort e = search_effort(parse_search_preset(name));
            py::dict d;
            d["exhaustiveness"] = e.exhaustiveness;
            d["search_scale"] = e.search_scale;
            d["stall_fraction"] = e.stall_fraction;
            return d;
        },
        py::arg("preset"), "What a search preset ('fast', 'balanced', 'detail') sets: exhaustiveness, search_scale, "
                           "stall_fraction.");
    m.attr("default_search_preset") = search_preset_name(kDefaultSearchPreset);
    py::list presets;
    for (const SearchPreset p : kSearchPresets) presets.append(search_preset_name(p));
    m.attr("search_presets") = py::tuple(presets);
    m.def("available_backends", &available_backends, "Names of the back-ends usable on this machine, fastest first.");

    m.def(
        "dock",
        [](const Receptor& receptor, const std::vector<Ligand>& ligands, DockingSettings settings,
           const std::string& device, int threads, std::optional<std::vector<int>> chains) {
            if (threads < 0) fail("threads must be non-negative, got ", threads);
            if (threads > 0) settings.threads = threads;
            py::gil_scoped_release release;
            auto backend = make_backend(device, settings.threads);
            if (chains) return dock(receptor, ligands, settings, *backend, *chains);
            return dock(receptor, ligands, settings, *backend);
        },
        py::arg("receptor"), py::arg("ligands"), py::arg("settings"), py::arg("device") = "auto",
        py::arg("threads") = 0, py::arg("chains") = py::none(),
        "Docks every ligand into the receptor as one batch; returns one DockingResult per ligand, in order.\n"
        "device: 'auto' (fastest available), 'cpu', 'cuda' or 'cuda:N'. threads: CPU threads (0 = all).\n"
        "chains: Monte Carlo chains per ligand (default: settings.exhaustiveness for each), e.g. docking_chains()\n"
        "of prepared forms so that the ring shapes of a molecule share its chains.");

    m.def(
        "optimize_poses",
        [](const Receptor& receptor, const std::vector<Ligand>& ligands, DockingSettings settings, int threads) {
            if (threads < 0) fail("threads must be non-negative, got ", threads);
            if (threads > 0) settings.threads = threads;
            py::gil_scoped_release release;
            return optimize_poses(receptor, ligands, settings);
        },
        py::arg("receptor"), py::arg("ligands"), py::arg("settings"), py::arg("threads") = 0,
        "Local optimisation of each ligand from its given pose (Vina's --local_only): BFGS with the refinement caps\n"
        "on the grid maps of settings' box until converged; one DockingResult with one mode per ligand. The\n"
        "ligand must lie in the box. Scores a crystal pose on the docking landscape (search vs scoring failures).");

    m.def(
        "write_pdbqt_modes",
        [](py::object out, const Ligand& ligand, const DockingResult& result) {
            return emit_text(out, pdbqt_modes(ligand, result));
        },
        py::arg("out"), py::arg("ligand"), py::arg("result"),
        "Writes the modes as PDBQT MODELs with Vina's REMARK lines. out: a path, a text file object, or None to "
        "return the text.");
    m.def(
        "write_sdf_modes",
        [](py::object out, const Ligand& ligand, const DockingResult& result) {
            return emit_text(out, sdf_modes(ligand, result));
        },
        py::arg("out"), py::arg("ligand"), py::arg("result"),
        "Writes the modes as SDF records (all input atoms) with vscreen_* data fields. out: a path, a text file "
        "object, or None to return the text.");
}

}  // namespace vscreen::python
