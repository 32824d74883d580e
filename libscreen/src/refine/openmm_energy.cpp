// Platform lookup (plugins loaded once), conformer -> nm positions, and single-point energies through a Context.
#include "vscreen/refine/openmm_energy.hpp"

#include <OpenMM.h>

#include <GraphMol/GraphMol.h>

#include <mutex>

namespace vscreen {

OpenMM::Platform& openmm_platform(const std::string& name) {
    static std::once_flag plugins;
    std::call_once(plugins, [] {
        // The CPU and CUDA platforms are plugins; Reference is built in. A missing directory only leaves
        // Reference available, which getPlatformByName reports below.
        try {
            OpenMM::Platform::loadPluginsFromDirectory(OpenMM::Platform::getDefaultPluginsDirectory());
        } catch (const OpenMM::OpenMMException&) {
        }
    });
    try {
        return OpenMM::Platform::getPlatformByName(name);
    } catch (const OpenMM::OpenMMException&) {
        std::string known;
        for (int i = 0; i < OpenMM::Platform::getNumPlatforms(); ++i)
            known += (known.empty() ? "" : ", ") + OpenMM::Platform::getPlatform(i).getName();
        fail<InputError>("OpenMM has no platform \"", name, "\" here (available: ", known, ")");
    }
}

std::vector<OpenMM::Vec3> conformer_positions_nm(const RDKit::ROMol& mol, int conf_id) {
    if (mol.getNumConformers() == 0) fail<InputError>("the molecule has no conformer (3D coordinates) to evaluate");
    const RDKit::Conformer& conf = mol.getConformer(conf_id);
    std::vector<OpenMM::Vec3> positions;
    positions.reserve(mol.getNumAtoms());
    for (unsigned i = 0; i < mol.getNumAtoms(); ++i) {
        const auto& p = conf.getAtomPos(i);
        positions.emplace_back(p.x / 10.0, p.y / 10.0, p.z / 10.0);
    }
    return positions;
}

std::string resolve_platform_name(const std::string& name) {
    if (name != "auto" && name != "Auto" && name != "AUTO") return name;
    static const std::string chosen = [] {
        openmm_platform("Reference");  // loads the plugins
        auto present = [](const std::string& n) {
            for (int i = 0; i < OpenMM::Platform::getNumPlatforms(); ++i)
                if (OpenMM::Platform::getPlatform(i).getName() == n) return true;
            return false;
        };
        if (present("CUDA")) {
            try {  // the plugin loads without a driver or device; making a context tells
                OpenMM::System probe;
                probe.addParticle(1.0);
                OpenMM::VerletIntegrator integrator(0.001);
                OpenMM::Context context(probe, integrator, OpenMM::Platform::getPlatformByName("CUDA"));
                return std::string("CUDA");
            } catch (const OpenMM::OpenMMException&) {
            }
        }
        return std::string(present("CPU") ? "CPU" : "Reference");
    }();
    return chosen;
}

std::map<std::string, std::string> refine_context_properties(const std::string& platform, bool deterministic,
                                                             int threads) {
    std::map<std::string, std::string> props;
    if (platform == "CPU" && (deterministic || threads > 0)) props["Threads"] = deterministic ? "1" : std::to_string(threads);
    if (platform == "CUDA" || platform == "OpenCL") {
        props["Precision"] = "mixed";
        if (deterministic) props["DeterministicForces"] = "true";
    }
    return props;
}

std::unique_ptr<OpenMM::Context> make_context(const OpenMM::System& system, OpenMM::Integrator& integrator,
                                              const std::string& platform,
                                              const std::map<std::string, std::string>& properties) {
    OpenMM::Platform& p = openmm_platform(resolve_platform_name(platform));
    try {
        return std::make_unique<OpenMM::Context>(system, integrator, p, properties);
    } catch (const OpenMM::OpenMMException& e) {
        fail<Error>("OpenMM (", platform, " platform): cannot create a context: ", e.what());
    }
}

double context_energy_kcal(OpenMM::Context& context, int group_mask) {
    return context.getState(OpenMM::State::Energy, false, group_mask).getPotentialEnergy() / kKjPerKcal;
}

bool near_any(const OpenMM::Vec3& p, const std::vector<OpenMM::Vec3>& points, double radius_nm) {
    const double r2 = radius_nm * radius_nm;
    for (const OpenMM::Vec3& q : points) {
        const OpenMM::Vec3 d = p - q;
        if (d.dot(d) <= r2) return true;
    }
    return false;
}

std::vector<double> potential_energies_kcal(const OpenMM::System& system, const std::vector<OpenMM::Vec3>& positions,
                                            const std::string& platform, const std::vector<int>& group_masks) {
    OpenMM::VerletIntegrator integrator(0.001);
    const std::unique_ptr<OpenMM::Context> context = make_context(system, integrator, platform);
    try {
        context->setPositions(positions);
        std::vector<double> out;
        for (int mask : group_masks) out.push_back(context_energy_kcal(*context, mask));
        return out;
    } catch (const OpenMM::OpenMMException& e) {
        fail<Error>("OpenMM (", platform, " platform): ", e.what());
    }
}

}  // namespace vscreen
