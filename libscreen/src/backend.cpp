// Back-end registry: "auto" picks the fastest available; the CPU back-end is always registered.
#include "vscreen/backend.hpp"

#include <algorithm>
#include <mutex>

#include "vscreen/cpu_backend.hpp"
#include "vscreen/error.hpp"

namespace vscreen {

namespace {
std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}
std::vector<BackendFactory>& registry() {
    static std::vector<BackendFactory> factories = {
        BackendFactory{"cpu", 1, [] { return true; },
                       [](int, int threads) { return std::unique_ptr<Backend>(new CpuBackend(threads)); }}};
    return factories;
}
}  // namespace

void append_chain_poses(const LigandView& L, int capacity, float* buffer, JobPoses& out) {
    const ChainPoses poses = make_chain_poses(L, capacity, buffer);
    out.evaluations += static_cast<long>(*poses.evaluations);
    const int np = L.pose_size();
    for (int i = 0; i < *poses.count; ++i) {
        ChainPose p;
        p.energy = poses.energy[i];
        p.inter = poses.inter[i];
        p.intra = poses.intra[i];
        p.pose.assign(poses.poses + i * np, poses.poses + (i + 1) * np);
        out.poses.push_back(std::move(p));
    }
}

void register_backend(BackendFactory factory) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    auto& r = registry();
    r.erase(std::remove_if(r.begin(), r.end(), [&](const BackendFactory& f) { return f.name == factory.name; }), r.end());
    r.push_back(std::move(factory));
    std::stable_sort(r.begin(), r.end(), [](const BackendFactory& a, const BackendFactory& b) { return a.speed_rank > b.speed_rank; });
}

std::vector<std::string> available_backends() {
    std::lock_guard<std::mutex> lock(registry_mutex());
    std::vector<std::string> names;
    for (const auto& f : registry())
        if (f.available()) names.push_back(f.name);
    return names;
}

std::unique_ptr<Backend> make_backend(const std::string& spec, int threads) {
    std::lock_guard<std::mutex> lock(registry_mutex());
    std::string name = spec;
    int device = -1;
    const auto colon = spec.find(':');
    if (colon != std::string::npos) {
        name = spec.substr(0, colon);
        try {
            device = std::stoi(spec.substr(colon + 1));
        } catch (const std::exception&) {
            fail("device '", spec, "': expected NAME:INDEX, e.g. cuda:0");
        }
    }
    std::string known;
    for (const auto& f : registry()) {
        known += (known.empty() ? "" : ", ") + f.name;
        if (name == "auto" && f.available()) return f.create(device, threads);
        if (f.name == name) {
            if (!f.available()) fail<DeviceError>("back-end '", spec, "' is not available on this machine");
            return f.create(device, threads);
        }
    }
    fail("unknown back-end '", spec, "'; known: auto, ", known);
}

}  // namespace vscreen
