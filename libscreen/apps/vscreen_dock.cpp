// vscreen-dock: docks (or scores) a directory of ligand PDBQT files into a receptor PDBQT with the core library
// alone (no RDKit, OpenMM or Python), and writes the results and the timings as JSON. Built for the GPU machine.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "vscreen/backend.hpp"
#include "vscreen/docking.hpp"
#include "vscreen/energy.hpp"
#include "vscreen/error.hpp"
#include "vscreen/grid_maps.hpp"
#include "vscreen/ligand_model.hpp"
#include "vscreen/pair_table.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/search_preset.hpp"
#include "vscreen/workspace.hpp"
#ifdef VSCREEN_HAVE_CUDA
#include "vscreen/cuda_backend.hpp"
#endif

namespace fs = std::filesystem;
using namespace vscreen;

namespace {

const char* const kUsage =
    "usage: vscreen-dock --receptor R.pdbqt --ligands DIR|FILE.pdbqt --center X Y Z --size X Y Z --out RESULTS.json\n"
    "                    [--mode dock|score|grids] [--backend auto|cpu|cuda[:N]] [--threads N] [--seed S]\n"
    "                    [--search fast|balanced|detail] [--exhaustiveness N] [--search-scale F] [--batch N]\n"
    "                    [--first K] [--limit N] [--time-limit S] [--timings TIMINGS.json]\n"
    "  dock:  docks every ligand (sorted by file name), --batch ligands per dock() call (0: all in one);\n"
    "         writes each ligand's modes (affinity, inter, intra, heavy-atom coordinates of the top mode).\n"
    "         --time-limit: no further batch is started once the batches so far and one more like the last\n"
    "         would pass S seconds (the results and timings then hold the ligands docked).\n"
    "  score: inter and intra energies of each ligand's input pose on the grid maps (no search); with a cuda\n"
    "         back-end on the device (one warp per pose), else on the CPU.\n"
    "  grids: the grid maps of the ligands' types built on the CPU and (cuda back-end) on the device, compared\n"
    "         value by value (the CPU against itself otherwise).\n"
    "  RESULTS.json holds no timings (the same inputs and seed give the same bytes); TIMINGS.json does, with the\n"
    "  back-end's profile (device back-ends: grid-map passes and kernel time per variant and size bucket).\n"
    "  VSCREEN_CUDA_SEARCH=shared|global|auto picks the CUDA search kernel's variant (default auto).\n";

struct Options {
    std::string receptor, ligands, out, timings, mode = "dock", backend = "auto", search;
    float center[3] = {0, 0, 0}, size[3] = {0, 0, 0};
    bool has_center = false, has_size = false;
    int threads = 0, exhaustiveness = -1, batch = 0, first = 0, limit = -1;
    float search_scale = -1;
    double time_limit = 0;
    unsigned long long seed = 0;
};

Options parse(int argc, char** argv) {
    Options o;
    auto need = [&](int& i, int n) {
        if (i + n >= argc) fail<InputError>(argv[i], " needs ", n, " value(s)");
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else if (a == "--receptor") { need(i, 1); o.receptor = argv[++i]; }
        else if (a == "--ligands") { need(i, 1); o.ligands = argv[++i]; }
        else if (a == "--out") { need(i, 1); o.out = argv[++i]; }
        else if (a == "--timings") { need(i, 1); o.timings = argv[++i]; }
        else if (a == "--mode") { need(i, 1); o.mode = argv[++i]; }
        else if (a == "--backend") { need(i, 1); o.backend = argv[++i]; }
        else if (a == "--search") { need(i, 1); o.search = argv[++i]; }
        else if (a == "--threads") { need(i, 1); o.threads = std::atoi(argv[++i]); }
        else if (a == "--seed") { need(i, 1); o.seed = std::strtoull(argv[++i], nullptr, 10); }
        else if (a == "--exhaustiveness") { need(i, 1); o.exhaustiveness = std::atoi(argv[++i]); }
        else if (a == "--search-scale") { need(i, 1); o.search_scale = static_cast<float>(std::atof(argv[++i])); }
        else if (a == "--batch") { need(i, 1); o.batch = std::atoi(argv[++i]); }
        else if (a == "--time-limit") { need(i, 1); o.time_limit = std::atof(argv[++i]); }
        else if (a == "--first") { need(i, 1); o.first = std::atoi(argv[++i]); }
        else if (a == "--limit") { need(i, 1); o.limit = std::atoi(argv[++i]); }
        else if (a == "--center" || a == "--size") {
            need(i, 3);
            float* v = a == "--center" ? o.center : o.size;
            for (int k = 0; k < 3; ++k) v[k] = static_cast<float>(std::atof(argv[++i]));
            (a == "--center" ? o.has_center : o.has_size) = true;
        } else {
            fail<InputError>("unknown option ", a, "\n", kUsage);
        }
    }
    if (o.receptor.empty() || o.ligands.empty() || o.out.empty() || !o.has_center || !o.has_size)
        fail<InputError>("--receptor, --ligands, --center, --size and --out are required\n", kUsage);
    if (o.mode != "dock" && o.mode != "score" && o.mode != "grids")
        fail<InputError>("--mode is dock, score or grids, not ", o.mode);
    return o;
}

/// The PDBQT files of a directory sorted by name (or the one file given), from index `first`, at most `limit`.
std::vector<fs::path> ligand_files(const Options& o) {
    std::vector<fs::path> files;
    if (!fs::exists(o.ligands)) fail<InputError>("--ligands ", o.ligands, ": not found");
    if (fs::is_directory(o.ligands)) {
        for (const auto& e : fs::directory_iterator(o.ligands))
            if (e.is_regular_file() && e.path().extension() == ".pdbqt") files.push_back(e.path());
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(o.ligands);
    }
    const size_t first = std::min(files.size(), static_cast<size_t>(std::max(0, o.first)));
    files.erase(files.begin(), files.begin() + static_cast<long>(first));
    if (o.limit >= 0 && files.size() > static_cast<size_t>(o.limit)) files.resize(o.limit);
    if (files.empty()) fail<InputError>("no ligand PDBQT files in ", o.ligands);
    return files;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

/// A float as the shortest text that reads back to the same float (%.9g), so results compare exactly.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<bool> types_of(const std::vector<Ligand>& ligands) {
    std::vector<bool> t(kXsCount, false);
    for (const Ligand& l : ligands)
        for (const auto& a : l.atoms)
            if (a.xs != kXsNone) t[a.xs] = true;
    return t;
}

/// A back-end's search profile as JSON: the searches, the device grid-map passes, and the launches summed per
/// (variant, size bucket): launches, tasks, kernel milliseconds (launches of one search overlap on their streams).
std::string profile_json(const SearchProfile& p) {
    struct Sum {
        long launches = 0, tasks = 0, shared_bytes = 0, max_scratch_floats = 0;
        int warps = 0;
        double ms = 0;
    };
    std::map<std::pair<std::string, int>, Sum> by;
    for (const SearchLaunch& l : p.launches) {
        Sum& s = by[{l.variant, l.bucket}];
        ++s.launches;
        s.tasks += l.tasks;
        s.ms += l.kernel_ms;
        s.warps = l.warps_per_block;
        s.shared_bytes = std::max(s.shared_bytes, l.shared_bytes);
        s.max_scratch_floats = std::max(s.max_scratch_floats, l.max_scratch_floats);
    }
    std::ostringstream os;
    os << "{\"searches\": " << p.searches << ", \"search_ms\": " << num(p.search_ms) << ", \"grid_builds\": "
       << p.grid_builds << ", \"grid_reuses\": " << p.grid_reuses << ", \"grid_ms\": " << num(p.grid_ms)
       << ", \"launches\": [";
    bool first = true;
    for (const auto& [key, s] : by) {
        os << (first ? "" : ", ") << "{\"variant\": " << json_string(key.first) << ", \"bucket\": " << key.second
           << ", \"launches\": " << s.launches << ", \"tasks\": " << s.tasks << ", \"warps_per_block\": " << s.warps
           << ", \"shared_bytes\": " << s.shared_bytes << ", \"max_scratch_floats\": " << s.max_scratch_floats
           << ", \"kernel_ms\": " << num(s.ms) << "}";
        first = false;
    }
    os << "]}";
    return os.str();
}

/// Energies of each ligand's input pose: on the device with a cuda back-end, else with the CPU's one-lane code.
std::vector<EnergyParts> score_poses(const Receptor& receptor, const std::vector<Ligand>& ligands, const Box& box,
                                     const std::string& backend_name, int threads) {
    const PairTable table(ScoringFunction::make(ScoringKind::Vina));
    const GridMaps maps(receptor, table, box, types_of(ligands), 0.375f, threads);
    std::vector<EnergyParts> out;
    for (const Ligand& lig : ligands) {
        const LigandModel model(lig);
        const LigandView L = model.view();
        const std::vector<float>& pose = model.reference_pose();
#ifdef VSCREEN_HAVE_CUDA
        if (backend_name.rfind("cuda", 0) == 0) {
            const int device = backend_name.size() > 5 ? std::atoi(backend_name.c_str() + 5) : 0;
            out.push_back(cuda_pose_energies(device, maps.view(), table, model, {pose}, EnergyCaps{})[0]);
            continue;
        }
#endif
        std::vector<float> buffer(chain_scratch_floats(L));
        ChainScratch s = make_chain_scratch(L, buffer.data());
        EnergyContext ctx = make_energy_context(L, maps.view(), table.view(), s);
        out.push_back(evaluate_pose(ctx, pose.data(), EnergyCaps{}, nullptr));
    }
    return out;
}

/// Grid maps of the ligands' types on the CPU and, with a cuda back-end, on the device: values, how many differ, the
/// largest difference.
std::string compare_grids(const Receptor& receptor, const std::vector<Ligand>& ligands, const Box& box,
                          const std::string& backend_name, int threads) {
    const PairTable table(ScoringFunction::make(ScoringKind::Vina));
    const std::vector<bool> types = types_of(ligands);
    const GridMaps cpu(receptor, table, box, types, 0.375f, threads);
    std::vector<float> other = cpu.data();
#ifdef VSCREEN_HAVE_CUDA
    if (backend_name.rfind("cuda", 0) == 0) {
        const int device = backend_name.size() > 5 ? std::atoi(backend_name.c_str() + 5) : 0;
        other = cuda_grid_maps(device, receptor, table, box, types, 0.375f);
    }
#else
    (void)backend_name;
#endif
    if (other.size() != cpu.data().size()) fail<Error>("grid maps of ", other.size(), " values vs the CPU's ", cpu.data().size());
    long differ = 0;
    double worst = 0;
    for (size_t i = 0; i < other.size(); ++i) {
        differ += other[i] != cpu.data()[i];
        worst = std::max(worst, std::fabs(static_cast<double>(other[i]) - cpu.data()[i]));
    }
    std::ostringstream os;
    os << "{\"values\": " << other.size() << ", \"differ\": " << differ << ", \"max_abs_difference\": " << num(worst)
       << "}";
    return os.str();
}

int run(int argc, char** argv) {
#ifdef VSCREEN_HAVE_CUDA
    register_cuda_backend();
#endif
    const Options o = parse(argc, argv);
    const auto t_start = std::chrono::steady_clock::now();
    const Receptor receptor = read_receptor_pdbqt_file(o.receptor);
    const std::vector<fs::path> files = ligand_files(o);
    std::vector<Ligand> ligands;
    for (const fs::path& f : files) ligands.push_back(read_ligand_pdbqt_file(f.string()));
    const double read_s = seconds_since(t_start);

    DockingSettings settings;
    settings.box.center = make_vec3(o.center[0], o.center[1], o.center[2]);
    settings.box.size = make_vec3(o.size[0], o.size[1], o.size[2]);
    settings.seed = o.seed;
    settings.threads = o.threads;
    if (!o.search.empty()) apply_search_preset(settings, parse_search_preset(o.search));
    if (o.exhaustiveness > 0) settings.exhaustiveness = o.exhaustiveness;
    if (o.search_scale > 0) settings.search_scale = o.search_scale;

    std::unique_ptr<Backend> backend = make_backend(o.backend, o.threads);
    const std::string backend_name = backend->name();
    std::ostringstream js;
    js << "{\n  \"program\": \"vscreen-dock\",\n  \"mode\": " << json_string(o.mode)
       << ",\n  \"backend\": " << json_string(backend_name) << ",\n  \"receptor\": "
       << json_string(fs::path(o.receptor).filename().string()) << ",\n  \"seed\": " << o.seed
       << ",\n  \"exhaustiveness\": " << settings.exhaustiveness << ",\n  \"search_scale\": " << num(settings.search_scale)
       << ",\n  \"stall_fraction\": " << num(settings.stall_fraction) << ",\n  \"ligands\": [";
    // Timings are rewritten after every batch, so a run stopped from outside still leaves its rate.
    auto write_timings = [&](size_t done, double work_s, long evaluations) {
        if (o.timings.empty()) return;
        std::ostringstream tj;
        tj << "{\n  \"backend\": " << json_string(backend_name) << ",\n  \"mode\": " << json_string(o.mode)
           << ",\n  \"ligands\": " << done << ",\n  \"ligands_given\": " << ligands.size() << ",\n  \"read_s\": "
           << num(read_s) << ",\n  \"work_s\": " << num(work_s) << ",\n  \"ligands_per_s\": "
           << num(work_s > 0 ? done / work_s : 0.0) << ",\n  \"evaluations\": " << evaluations
           << ",\n  \"profile\": " << profile_json(backend->profile()) << "\n}\n";
        const std::string tmp = o.timings + ".part";
        std::ofstream(tmp) << tj.str();
        fs::rename(tmp, o.timings);
    };
    const auto t_work = std::chrono::steady_clock::now();
    long evaluations = 0;
    size_t done = ligands.size();
    if (o.mode == "grids") {
        js << "\n    " << compare_grids(receptor, ligands, settings.box, backend_name, o.threads);
    } else if (o.mode == "score") {
        const std::vector<EnergyParts> e = score_poses(receptor, ligands, settings.box, backend_name, o.threads);
        for (size_t i = 0; i < ligands.size(); ++i)
            js << (i ? "," : "") << "\n    {\"file\": " << json_string(files[i].filename().string())
               << ", \"inter\": " << num(e[i].inter) << ", \"intra\": " << num(e[i].intra) << "}";
    } else {
        const size_t batch = o.batch > 0 ? static_cast<size_t>(o.batch) : ligands.size();
        size_t written = 0;
        double last_batch_s = 0;
        for (size_t first = 0; first < ligands.size(); first += batch) {
            if (o.time_limit > 0 && first > 0 && seconds_since(t_work) + last_batch_s > o.time_limit) break;
            const auto t_batch = std::chrono::steady_clock::now();
            const std::vector<Ligand> part(ligands.begin() + static_cast<long>(first),
                                           ligands.begin() + static_cast<long>(std::min(ligands.size(), first + batch)));
            const std::vector<DockingResult> results = dock(receptor, part, settings, *backend);
            for (size_t i = 0; i < results.size(); ++i, ++written) {
                const DockingResult& r = results[i];
                const Ligand& lig = part[i];
                evaluations += r.evaluations;
                js << (written ? "," : "") << "\n    {\"file\": " << json_string(files[written].filename().string())
                   << ", \"atoms\": " << lig.atoms.size() << ", \"heavy\": " << lig.num_heavy_atoms()
                   << ", \"torsions\": " << lig.num_torsions() << ", \"pairs\": " << LigandModel(lig).view().num_pairs
                   << ", \"backend\": " << json_string(r.backend) << ", \"evaluations\": " << r.evaluations
                   << ", \"modes\": [";
                for (size_t m = 0; m < r.modes.size(); ++m)
                    js << (m ? ", " : "") << "{\"affinity\": " << num(r.modes[m].affinity) << ", \"inter\": "
                       << num(r.modes[m].inter) << ", \"intra\": " << num(r.modes[m].intra) << "}";
                js << "], \"top_heavy_coords\": [";
                if (!r.modes.empty()) {
                    bool any = false;
                    for (size_t a = 0; a < lig.atoms.size(); ++a) {
                        if (lig.atoms[a].element == 1) continue;
                        const Vec3 c = r.modes[0].coords[a];
                        js << (any ? ", " : "") << "[" << num(c.x) << ", " << num(c.y) << ", " << num(c.z) << "]";
                        any = true;
                    }
                }
                js << "]}";
            }
            last_batch_s = seconds_since(t_batch);
            write_timings(written, seconds_since(t_work), evaluations);
        }
        done = written;
    }
    const double work_s = seconds_since(t_work);
    js << "\n  ]\n}\n";
    std::ofstream(o.out) << js.str();
    write_timings(done, work_s, evaluations);
    std::cerr << "vscreen-dock: " << o.mode << " " << done << " of " << ligands.size() << " ligand(s) on "
              << backend_name << " in " << num(work_s) << " s (" << num(work_s > 0 ? done / work_s : 0.0)
              << " ligands/s)\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "vscreen-dock: " << e.what() << "\n";
        return 2;
    }
}
