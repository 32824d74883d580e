// PoseRefiner: minimisation (OpenMM L-BFGS, far pocket restrained), MM-GBSA, ligand strain and short Langevin MD.
#include "vscreen/refine/pose_refiner.hpp"

#include <OpenMM.h>

#include <GraphMol/GraphMol.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "vscreen/refine/openmm_energy.hpp"

namespace vscreen {
namespace {

constexpr double kCoulomb = 138.935456;    // kJ mol^-1 nm e^-2 (OpenMM's ONE_4PI_EPS0)
constexpr double kStayRmsd = 2.0;          // A: the pose stays when the second half's mean RMSD is below this
constexpr double kTemperature = 300.0;     // K
constexpr double kFriction = 1.0;          // 1/ps
constexpr double kTimestepPs = 0.001;      // no constraints: X-H vibrations limit the step

std::vector<OpenMM::Vec3> minimise(OpenMM::Context& context, const std::vector<OpenMM::Vec3>& start,
                                   double tolerance, int max_iterations) {
    context.setPositions(start);
    OpenMM::LocalEnergyMinimizer::minimize(context, tolerance, max_iterations);
    const OpenMM::State state = context.getState(OpenMM::State::Positions | OpenMM::State::Energy);
    std::vector<OpenMM::Vec3> out = state.getPositions();
    bool finite = std::isfinite(state.getPotentialEnergy());
    for (const auto& p : out) finite = finite && std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]);
    if (!finite) fail<Error>("minimisation diverged (non-finite energy or coordinates)");
    return out;
}

// RMSD (A) of the given atoms between two coordinate sets (nm).
double rmsd_angstrom(const std::vector<OpenMM::Vec3>& a, const std::vector<OpenMM::Vec3>& b,
                     const std::vector<int>& atoms) {
    double sum = 0.0;
    for (int i : atoms) {
        const OpenMM::Vec3 d = a[i] - b[i];
        sum += d.dot(d);
    }
    return std::sqrt(sum / static_cast<double>(atoms.size())) * 10.0;
}

// Receptor-ligand Coulomb and Lennard-Jones (kcal/mol) with the complex's NonbondedForce parameters.
void cross_terms(const Pocket& pocket, const ComplexSystem& cx, const std::vector<OpenMM::Vec3>& pos,
                 double& coulomb, double& vdw) {
    const ReceptorModel& r = pocket.receptor();
    double c = 0.0, v = 0.0;
    for (int k = 0; k < cx.n_receptor; ++k) {
        const int i = pocket.atoms()[k];
        for (size_t l = 0; l < cx.ligand_charges.size(); ++l) {
            const OpenMM::Vec3 d = pos[k] - pos[cx.n_receptor + l];
            const double dist = std::sqrt(d.dot(d));
            c += r.charges[i] * cx.ligand_charges[l] / dist;
            const double sigma = 0.5 * (r.sigma_nm[i] + cx.ligand_sigma_nm[l]);
            const double eps = std::sqrt(r.epsilon_kj[i] * cx.ligand_epsilon_kj[l]);
            const double s6 = std::pow(sigma / dist, 6);
            v += 4.0 * eps * (s6 * s6 - s6);
        }
    }
    coulomb = kCoulomb * c / kKjPerKcal;
    vdw = v / kKjPerKcal;
}

// E_complex, E_receptor, E_ligand (reported groups), dG and the GB change on binding, at the contexts' positions.
void single_trajectory_energies(OpenMM::Context& complex_ctx, OpenMM::Context& receptor_ctx,
                                OpenMM::Context& ligand_ctx, MmgbsaEstimate& e) {
    using refine_group::kEnergyMask;
    constexpr int kGbMask = 1 << refine_group::kGb;
    e.e_complex = context_energy_kcal(complex_ctx, kEnergyMask);
    e.e_receptor = context_energy_kcal(receptor_ctx, kEnergyMask);
    e.e_ligand = context_energy_kcal(ligand_ctx, kEnergyMask);
    e.dg = e.e_complex - e.e_receptor - e.e_ligand;
    e.gb = context_energy_kcal(complex_ctx, kGbMask) - context_energy_kcal(receptor_ctx, kGbMask) -
           context_energy_kcal(ligand_ctx, kGbMask);
}

// Langevin MD of the restrained complex from the minimised positions; the ligand's heavy-atom RMSD every report.
void run_md(const OpenMM::System& system, const std::vector<OpenMM::Vec3>& start, const std::vector<int>& heavy,
            const RefineSettings& s, const std::map<std::string, std::string>& props, RefinedPose& out) {
    OpenMM::LangevinMiddleIntegrator integrator(kTemperature, kFriction, kTimestepPs);
    integrator.setRandomNumberSeed(static_cast<int>(s.seed) + 1);  // 0 would mean "a random seed"
    const auto ctx = make_context(system, integrator, s.platform, props);
    ctx->setPositions(start);
    ctx->setVelocitiesToTemperature(kTemperature, static_cast<int>(s.seed) + 1);
    const int per_report = std::max(1, static_cast<int>(std::nearbyint(s.md_report_ps / kTimestepPs)));
    const int reports = std::max(1, static_cast<int>(std::nearbyint(s.md_ps / kTimestepPs / per_report)));
    for (int k = 1; k <= reports; ++k) {
        integrator.step(per_report);
        const std::vector<OpenMM::Vec3> now = ctx->getState(OpenMM::State::Positions).getPositions();
        out.md_times_ps.push_back(k * per_report * kTimestepPs);
        out.md_rmsd.push_back(rmsd_angstrom(now, start, heavy));
    }
    const size_t half = out.md_rmsd.size() / 2;
    double sum = 0.0;
    for (size_t k = half; k < out.md_rmsd.size(); ++k) sum += out.md_rmsd[k];
    out.md_rmsd_mean_second_half = sum / static_cast<double>(out.md_rmsd.size() - half);
    out.md_stays = std::isfinite(out.md_rmsd_mean_second_half) && out.md_rmsd_mean_second_half < kStayRmsd;
}

std::string fixed3(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

}  // namespace

std::unique_ptr<RDKit::RWMol> refined_molecule(const RDKit::ROMol& ligand, const RefinedPose& pose, int conf_id) {
    if (pose.ligand_positions_angstrom.size() != ligand.getNumAtoms())
        fail<InputError>("refined_molecule: the refined pose has ", pose.ligand_positions_angstrom.size(),
                         " atoms, the molecule ", ligand.getNumAtoms());
    auto out = std::make_unique<RDKit::RWMol>(ligand);
    RDKit::Conformer& conf = out->getConformer(conf_id);
    for (unsigned i = 0; i < out->getNumAtoms(); ++i) {
        const OpenMM::Vec3& p = pose.ligand_positions_angstrom[i];
        conf.setAtomPos(i, RDGeom::Point3D(p[0], p[1], p[2]));
    }
    const MmgbsaEstimate& e = pose.mmgbsa;
    const std::pair<const char*, double> values[] = {
        {"dg_mmgbsa", e.dg}, {"dg_coulomb", e.coulomb}, {"dg_vdw", e.vdw}, {"dg_gb", e.gb},
        {"ligand_strain", pose.ligand_strain}, {"rmsd_minimised", pose.rmsd_minimised},
        {"md_rmsd_mean", pose.md_rmsd_mean_second_half}};
    for (const auto& [key, v] : values)
        if (std::isfinite(v)) out->setProp(std::string("vscreen_refine_") + key, fixed3(v));
    if (!pose.md_rmsd.empty()) out->setProp("vscreen_refine_md_stays", std::string(pose.md_stays ? "true" : "false"));
    return out;
}

PoseRefiner::PoseRefiner(Pocket pocket, RefineSettings settings)
    : pocket_(std::move(pocket)), settings_(std::move(settings)) {
    settings_.platform = resolve_platform_name(settings_.platform);
    if (settings_.md_ps < 0 || settings_.md_report_ps <= 0)
        fail<InputError>("refinement settings: md_ps must be >= 0 and md_report_ps > 0");
    context_properties_ = refine_context_properties(settings_.platform, settings_.deterministic, settings_.threads);
    receptor_system_ = pocket_.receptor_system();
    receptor_integrator_ = std::make_unique<OpenMM::VerletIntegrator>(kTimestepPs);
    receptor_context_ = make_context(*receptor_system_, *receptor_integrator_, settings_.platform,
                                     context_properties_);
}

PoseRefiner::~PoseRefiner() = default;

RefinedPose PoseRefiner::refine(const RDKit::ROMol& ligand, int conf_id) {
    const RefineSettings& s = settings_;
    bool is_3d = false;
    try {
        is_3d = ligand.getNumConformers() > 0 && ligand.getConformer(conf_id).is3D();
    } catch (const std::exception&) {  // RDKit's ConformerException: no conformer of that id
    }
    if (!is_3d) fail<LigandParameterError>("the pose has no 3D coordinates (conformer ", conf_id, ")");
    const MmffTerms terms = mmff_terms(ligand);
    const ComplexSystem cx = build_complex(pocket_, ligand, terms, s.restrain_beyond, s.restraint_k, conf_id);
    const std::unique_ptr<OpenMM::System> lig_system = ligand_system(ligand, terms);
    const auto& props = context_properties_;
    OpenMM::VerletIntegrator complex_integrator(kTimestepPs), ligand_integrator(kTimestepPs);
    const auto complex_ctx = make_context(*cx.system, complex_integrator, s.platform, props);
    const auto ligand_ctx = make_context(*lig_system, ligand_integrator, s.platform, props);
    const int n_rec = cx.n_receptor;
    std::vector<int> heavy;  // complex indices of the ligand's heavy atoms
    for (const RDKit::Atom* a : ligand.atoms())
        if (a->getAtomicNum() > 1) heavy.push_back(n_rec + static_cast<int>(a->getIdx()));

    RefinedPose out;
    try {
        const std::vector<OpenMM::Vec3> pos = minimise(*complex_ctx, cx.positions_nm, s.tolerance, s.max_iterations);
        const std::vector<OpenMM::Vec3> rec_pos(pos.begin(), pos.begin() + n_rec);
        const std::vector<OpenMM::Vec3> lig_pos(pos.begin() + n_rec, pos.end());
        receptor_context_->setPositions(rec_pos);
        ligand_ctx->setPositions(lig_pos);
        MmgbsaEstimate& e = out.mmgbsa;
        single_trajectory_energies(*complex_ctx, *receptor_context_, *ligand_ctx, e);
        cross_terms(pocket_, cx, pos, e.coulomb, e.vdw);
        out.rmsd_minimised = rmsd_angstrom(pos, cx.positions_nm, heavy);
        for (const auto& p : lig_pos) out.ligand_positions_angstrom.push_back(p * 10.0);

        if (s.ligand_strain) {
            minimise(*ligand_ctx, lig_pos, s.tolerance, s.max_iterations);  // leaves the relaxed ligand in place
            out.ligand_strain = e.e_ligand - context_energy_kcal(*ligand_ctx, refine_group::kEnergyMask);
        }
        if (s.md_ps > 0) run_md(*cx.system, pos, heavy, s, props, out);
    } catch (const OpenMM::OpenMMException& e) {
        fail<Error>("OpenMM (", s.platform, " platform): ", e.what());
    }
    const MmgbsaEstimate& e = out.mmgbsa;
    if (!(std::isfinite(e.e_complex) && std::isfinite(e.e_receptor) && std::isfinite(e.e_ligand)))
        fail<Error>("non-finite energy after minimisation");
    return out;
}

}  // namespace vscreen
