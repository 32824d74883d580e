// MMFF94 clean-up of one conformer: RDKit's bonded terms, a flat non-bonded pair loop, L-BFGS.
#include "force_field_relaxation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <ForceField/ForceField.h>
#include <ForceField/MMFF/Params.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/ForceFieldHelpers/MMFF/Builder.h>
#include <GraphMol/ROMol.h>
#include <boost/range/iterator_range.hpp>

namespace vscreen::detail {

namespace {

constexpr int kHistory = 8;             // L-BFGS correction pairs
constexpr double kFirstStepMax = 0.1;   // A: the largest move of any coordinate on the first trial step
constexpr double kStepMax = 0.3;        // A: ... and on any trial step (a near-singular term can ask for metres)
constexpr double kArmijo = 1e-4;        // sufficient decrease of the line search
constexpr double kGradientTol = 1e-3;   // kcal/mol/A: converged when no gradient component is larger
constexpr int kMaxLineSteps = 20;
constexpr double kStuckGradient = 1.0;  // kcal/mol/A: stopping with a larger gradient component is being stuck
constexpr int kRdkitIterations = 200;   // RDKit's MMFFOptimizeMolecule default, for a stuck start
constexpr double kStraightCosine = 0.9994;  // cos(178 deg): an angle straighter than this is "straight"
constexpr double kNudge = 0.1;              // A

// MMFF94's buffered 14-7 van der Waals and buffered Coulomb terms (Halgren, J. Comput. Chem. 17, 490 (1996))
constexpr double kVdwBuffer1 = 0.07;    // delta
constexpr double kVdwBuffer2 = 0.12;    // gamma
constexpr double kCoulomb = 332.0716;   // kcal A / (mol e^2)
constexpr double kChargeBuffer = 0.05;  // A
constexpr double kScale14 = 0.75;       // electrostatic 1-4 pairs

/// One van der Waals pair and its electrostatic term (charge product over the dielectric, 1-4 scaling applied).
struct Pair {
    unsigned i, j;
    double r_star, epsilon;  // epsilon 0: no van der Waals term (no parameters)
    double charge_term;      // 0: no electrostatic term
};

/// The conformer's MMFF94 terms: RDKit's bonded force field and the non-bonded pairs, as RDKit selects them (every
/// pair 1-4 or further apart; no cut-off).
class Mmff {
public:
    Mmff(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing) {
        const bool vdw = typing.getMMFFVdWTerm(), ele = typing.getMMFFEleTerm();
        typing.setMMFFVdWTerm(false);
        typing.setMMFFEleTerm(false);
        bonded_.reset(RDKit::MMFF::constructForceField(mol, &typing, 100.0, cid));
        typing.setMMFFVdWTerm(vdw);
        typing.setMMFFEleTerm(ele);
        bonded_->initialize();
        distance_dependent_ = typing.getMMFFDielectricModel() == RDKit::MMFF::DISTANCE;
        const double dielectric = typing.getMMFFDielectricConstant();
        const unsigned n = mol.getNumAtoms();
        auto relations = RDKit::MMFF::Tools::buildNeighborMatrix(mol);
        for (unsigned i = 0; i < n; ++i)
            for (unsigned j = i + 1; j < n; ++j) {
                const auto relation =
                    RDKit::MMFF::Tools::getTwoBitCell(relations, RDKit::MMFF::Tools::twoBitCellPos(n, i, j));
                if (relation < RDKit::MMFF::Tools::RELATION_1_4) continue;
                Pair p{i, j, 1.0, 0.0, 0.0};
                ForceFields::MMFF::MMFFVdWRijstarEps params{};
                if (vdw && typing.getMMFFVdWParams(i, j, params)) p.r_star = params.R_ij_star, p.epsilon = params.epsilon;
                const double qi = typing.getMMFFPartialCharge(i), qj = typing.getMMFFPartialCharge(j);
                if (ele && qi != 0.0 && qj != 0.0)
                    p.charge_term = kCoulomb * qi * qj / dielectric *
                                    (relation == RDKit::MMFF::Tools::RELATION_1_4 ? kScale14 : 1.0);
                if (p.epsilon != 0.0 || p.charge_term != 0.0) pairs_.push_back(p);
            }
    }

    size_t size() const { return 3 * bonded_->positions().size(); }

    void read(std::vector<double>& x) const {
        const auto& pos = bonded_->positions();
        for (size_t a = 0; a < pos.size(); ++a)
            for (unsigned k = 0; k < 3; ++k) x[3 * a + k] = (*pos[a])[k];
    }
    void write(const std::vector<double>& x) {
        auto& pos = bonded_->positions();
        for (size_t a = 0; a < pos.size(); ++a)
            for (unsigned k = 0; k < 3; ++k) (*pos[a])[k] = x[3 * a + k];
    }

    /// Energy at `x`; with `g`, also its gradient (overwritten).
    double evaluate(std::vector<double>& x, std::vector<double>* g) {
        double e = bonded_->calcEnergy(x.data());  // also resets the bonded field's distance cache for x
        if (g) {
            std::fill(g->begin(), g->end(), 0.0);
            bonded_->calcGrad(x.data(), g->data());
        }
        for (const Pair& p : pairs_) {
            const double* a = &x[3 * p.i];
            const double* b = &x[3 * p.j];
            const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
            const double r = std::max(std::sqrt(dx * dx + dy * dy + dz * dz), 1e-6);
            double de_dr = 0;
            if (p.epsilon != 0.0) {
                const double rs = p.r_star;
                const double buffered = r + kVdwBuffer1 * rs;
                const double t = (1.0 + kVdwBuffer1) * rs / buffered;
                const double t2 = t * t, t7 = t2 * t2 * t2 * t;
                const double r2 = r * r, r6 = r2 * r2 * r2, r7 = r6 * r;
                const double rs2 = rs * rs, rs7 = rs2 * rs2 * rs2 * rs;
                const double denom = r7 + kVdwBuffer2 * rs7;
                const double attraction = (1.0 + kVdwBuffer2) * rs7 / denom;
                e += p.epsilon * t7 * (attraction - 2.0);
                de_dr += p.epsilon * t7 * (-7.0 * (attraction - 2.0) / buffered - 7.0 * attraction * r6 / denom);
            }
            if (p.charge_term != 0.0) {
                const double d = r + kChargeBuffer;
                if (distance_dependent_) {
                    e += p.charge_term / (d * d);
                    de_dr += -2.0 * p.charge_term / (d * d * d);
                } else {
                    e += p.charge_term / d;
                    de_dr += -p.charge_term / (d * d);
                }
            }
            if (g) {
                const double f = de_dr / r;
                double* ga = &(*g)[3 * p.i];
                double* gb = &(*g)[3 * p.j];
                ga[0] += f * dx, ga[1] += f * dy, ga[2] += f * dz;
                gb[0] -= f * dx, gb[1] -= f * dy, gb[2] -= f * dz;
            }
        }
        return e;
    }

private:
    std::unique_ptr<ForceFields::ForceField> bonded_;
    std::vector<Pair> pairs_;
    bool distance_dependent_ = false;
};

/// Moves the centre of every straight angle at an atom that is not sp-hybridised off the line, by kNudge across
/// it: distance geometry can leave one at 180 deg (RDKit 2022.09's ETKDG does, at an exocyclic C=C), where the
/// angle term's gradient is undefined and a minimiser that follows the gradient stays put.
void break_straight_angles(RDKit::ROMol& mol, int cid) {
    RDKit::Conformer& conf = mol.getConformer(cid);
    for (const RDKit::Atom* centre : mol.atoms()) {
        if (centre->getDegree() < 2 || centre->getHybridization() == RDKit::Atom::SP) continue;
        const unsigned j = centre->getIdx();
        std::vector<unsigned> nbrs;
        for (const auto& nb : boost::make_iterator_range(mol.getAtomNeighbors(centre))) nbrs.push_back(nb);
        for (size_t p = 0; p < nbrs.size(); ++p)
            for (size_t q = p + 1; q < nbrs.size(); ++q) {
                const RDGeom::Point3D& c = conf.getAtomPos(j);
                RDGeom::Point3D u = conf.getAtomPos(nbrs[p]) - c, v = conf.getAtomPos(nbrs[q]) - c;
                if (u.length() < 1e-6 || v.length() < 1e-6) continue;
                u.normalize(), v.normalize();
                if (u.dotProduct(v) > -kStraightCosine) continue;
                // across the line: perpendicular to it, in the plane with the x axis (or y when the line is along x)
                RDGeom::Point3D across = u.crossProduct(std::fabs(u.x) < 0.9 ? RDGeom::Point3D(1, 0, 0)
                                                                               : RDGeom::Point3D(0, 1, 0));
                across.normalize();
                conf.setAtomPos(j, c + across * kNudge);
            }
    }
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::fabs(x));
    return m;
}

}  // namespace

double mmff_energy(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing) {
    Mmff ff(mol, cid, typing);
    std::vector<double> x(ff.size());
    ff.read(x);
    return ff.evaluate(x, nullptr);
}

Relaxation relax_mmff(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing, int max_iterations) {
    Relaxation result;
    const RDGeom::POINT3D_VECT start = mol.getConformer(cid).getPositions();
    break_straight_angles(mol, cid);
    Mmff ff(mol, cid, typing);
    const size_t n = ff.size();
    std::vector<double> x(n), g(n), x_new(n), g_new(n), d(n), alpha(kHistory);
    std::vector<std::vector<double>> s_hist, y_hist;  // oldest first
    std::vector<double> rho_hist;
    ff.read(x);
    double e = ff.evaluate(x, &g);
    for (int iter = 0; iter < max_iterations; ++iter, ++result.iterations) {
        const double gmax = max_abs(g);
        if (gmax < kGradientTol) break;
        // d = -H g by the two-loop recursion; H0 = (s.y / y.y) I, or a first step of at most kFirstStepMax
        d = g;
        const int m = static_cast<int>(s_hist.size());
        for (int i = m - 1; i >= 0; --i) {
            alpha[i] = rho_hist[i] * dot(s_hist[i], d);
            for (size_t k = 0; k < n; ++k) d[k] -= alpha[i] * y_hist[i][k];
        }
        const double h0 = m > 0 ? 1.0 / (rho_hist[m - 1] * dot(y_hist[m - 1], y_hist[m - 1])) : kFirstStepMax / gmax;
        for (double& v : d) v *= h0;
        for (int i = 0; i < m; ++i) {
            const double beta = rho_hist[i] * dot(y_hist[i], d);
            for (size_t k = 0; k < n; ++k) d[k] += (alpha[i] - beta) * s_hist[i][k];
        }
        for (double& v : d) v = -v;
        double slope = dot(d, g);
        if (!(slope < 0)) {  // no descent direction (numerical noise): start again from steepest descent
            s_hist.clear(), y_hist.clear(), rho_hist.clear();
            for (size_t k = 0; k < n; ++k) d[k] = -g[k] * kFirstStepMax / gmax;
        }
        const double longest = max_abs(d);
        if (longest > kStepMax)
            for (double& v : d) v *= kStepMax / longest;
        slope = dot(d, g);
        // backtracking from the full step: the energy and gradient of each trial together (the first is taken
        // nearly always, so the gradient is rarely wasted)
        double step = 1.0, e_new = e;
        bool accepted = false;
        for (int ls = 0; ls < kMaxLineSteps && !accepted; ++ls) {
            for (size_t k = 0; k < n; ++k) x_new[k] = x[k] + step * d[k];
            e_new = ff.evaluate(x_new, &g_new);
            accepted = e_new <= e + kArmijo * step * slope;
            if (!accepted) {  // minimum of the parabola through e, slope and e_new, within [0.1, 0.5] of the step
                const double q = -slope * step * step / (2.0 * (e_new - e - slope * step));
                step = std::clamp(q, 0.1 * step, 0.5 * step);
            }
        }
        if (!accepted) {
            // A gradient the energy does not follow: a term near its singularity (a torsion about a near-linear
            // angle in a distorted start). Below kStuckGradient the structure is as good as converged.
            result.stuck = gmax > kStuckGradient;
            break;
        }
        std::vector<double> s(n), y(n);
        for (size_t k = 0; k < n; ++k) s[k] = x_new[k] - x[k], y[k] = g_new[k] - g[k];
        const double sy = dot(s, y);
        if (sy > 1e-12) {  // curvature condition; otherwise the pair is skipped, not the step
            if (m == kHistory) s_hist.erase(s_hist.begin()), y_hist.erase(y_hist.begin()), rho_hist.erase(rho_hist.begin());
            s_hist.push_back(std::move(s)), y_hist.push_back(std::move(y)), rho_hist.push_back(1.0 / sy);
        }
        const bool stalled = e - e_new <= 1e-10 * std::max(1.0, std::fabs(e_new));
        x.swap(x_new), g.swap(g_new);
        e = e_new;
        if (stalled) {
            result.stuck = gmax > kStuckGradient;
            break;
        }
    }
    ff.write(x);
    result.energy = e;
    if (result.stuck) {
        // RDKit's dense BFGS from the start instead, RDKit's MMFFOptimizeMolecule: its rescaled gradient steps take
        // another path (from the stuck point it can end in the same straight angle)
        mol.getConformer(cid).getPositions() = start;
        std::unique_ptr<ForceFields::ForceField> rdkit(RDKit::MMFF::constructForceField(mol, &typing, 100.0, cid));
        rdkit->initialize();
        rdkit->minimize(kRdkitIterations);
        result.energy = rdkit->calcEnergy();
    }
    return result;
}

}  // namespace vscreen::detail
