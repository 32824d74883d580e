// MMFF94 clean-up of one conformer: MMFF94 evaluated in flat loops over its terms, L-BFGS.
#include "force_field_relaxation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include <ForceField/Contrib.h>
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

// MMFF94's functional forms (Halgren, J. Comput. Chem. 17, 490 (1996)), in RDKit's units: A, degrees, kcal/mol
constexpr double kMdyneToKcal = 143.9325;  // mdyne A -> kcal/mol
constexpr double kDeg = 57.29577951308232;  // degrees per radian
constexpr double kBondCubic = -2.0;         // cs, 1/A
constexpr double kAngleCubic = -0.006981317;  // cb, 1/deg
constexpr double kAngleScale = kMdyneToKcal / (kDeg * kDeg);  // 0.043844
constexpr double kStretchBendScale = kMdyneToKcal / kDeg;     // 2.51210
// buffered 14-7 van der Waals and buffered Coulomb
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

struct Bond {
    unsigned i, j;
    double kb, r0;
};
/// The angle bend and the stretch-bend term of one angle i-j-k (either may be absent), evaluated from one geometry.
struct AngleTerms {
    unsigned i, j, k;
    bool bend, linear;
    double ka, theta0;
    bool stretch_bend;
    double k_ijk, k_kji, r0_ij, r0_kj, sb_theta0;
};
struct Torsion {
    unsigned i, j, k, l;
    double v1, v2, v3;
};

inline void sub(const double* a, const double* b, double* out) {
    out[0] = a[0] - b[0], out[1] = a[1] - b[1], out[2] = a[2] - b[2];
}
inline double dot3(const double* a, const double* b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline void cross(const double* a, const double* b, double* out) {
    out[0] = a[1] * b[2] - a[2] * b[1], out[1] = a[2] * b[0] - a[0] * b[2], out[2] = a[0] * b[1] - a[1] * b[0];
}
inline void add_scaled(double* g, const double* v, double f) { g[0] += f * v[0], g[1] += f * v[1], g[2] += f * v[2]; }

/// Bond lengths r_ij, r_kj and the angle (cos, degrees) at j of i-j-k, with the unit vectors j->i and j->k.
struct AngleGeometry {
    double u[3], v[3], ru, rv, cos_theta, theta;
    AngleGeometry(const double* x, unsigned i, unsigned j, unsigned k) {
        sub(&x[3 * i], &x[3 * j], u);
        sub(&x[3 * k], &x[3 * j], v);
        ru = std::sqrt(dot3(u, u)), rv = std::sqrt(dot3(v, v));
        for (int a = 0; a < 3; ++a) u[a] /= ru, v[a] /= rv;
        cos_theta = std::clamp(dot3(u, v), -1.0, 1.0);
        theta = kDeg * std::acos(cos_theta);
    }
    /// Adds dE/dtheta (per radian) times dtheta/dx to the gradients of i, j and k.
    void add_gradient(double de_dtheta, double* gi, double* gj, double* gk) const {
        const double sin_theta = std::max(std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta)), 1e-8);
        const double f = -de_dtheta / sin_theta;  // dtheta = -dcos / sin
        for (int a = 0; a < 3; ++a) {
            const double di = f * (v[a] - cos_theta * u[a]) / ru, dk = f * (u[a] - cos_theta * v[a]) / rv;
            gi[a] += di, gk[a] += dk, gj[a] -= di + dk;
        }
    }
};

/// Which MMFF94 terms a typing asks for (MMFFMolProperties' switches), to set and put back.
struct TermSwitches {
    bool bond, angle, stretch_bend, torsion, vdw, ele, oop;
    static TermSwitches of(RDKit::MMFF::MMFFMolProperties& t) {
        return {t.getMMFFBondTerm(),    t.getMMFFAngleTerm(), t.getMMFFStretchBendTerm(), t.getMMFFTorsionTerm(),
                t.getMMFFVdWTerm(),     t.getMMFFEleTerm(),   t.getMMFFOopTerm()};
    }
    void apply(RDKit::MMFF::MMFFMolProperties& t) const {
        t.setMMFFBondTerm(bond), t.setMMFFAngleTerm(angle), t.setMMFFStretchBendTerm(stretch_bend);
        t.setMMFFTorsionTerm(torsion), t.setMMFFVdWTerm(vdw), t.setMMFFEleTerm(ele), t.setMMFFOopTerm(oop);
    }
};

/// The conformer's MMFF94 terms as RDKit's force field builder selects them: bond, angle, stretch-bend and torsion
/// terms and the non-bonded pairs (every pair 1-4 or further apart; no cut-off) evaluated here, the out-of-plane
/// terms by RDKit's own term objects.
class Mmff {
public:
    Mmff(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing) {
        select_bonded_terms(mol, typing);
        // RDKit's out-of-plane terms alone; their energy and gradient read the coordinates only, not the force
        // field's distance cache, so they are called directly
        const TermSwitches asked = TermSwitches::of(typing);
        TermSwitches{false, false, false, false, false, false, asked.oop}.apply(typing);
        bonded_.reset(RDKit::MMFF::constructForceField(mol, &typing, 100.0, cid));
        asked.apply(typing);
        const bool vdw = asked.vdw, ele = asked.ele;
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
        if (g) std::fill(g->begin(), g->end(), 0.0);
        double e = 0;
        for (const auto& c : bonded_->contribs()) {
            e += c->getEnergy(x.data());
            if (g) c->getGrad(x.data(), g->data());
        }
        e += bonded_terms(x.data(), g ? g->data() : nullptr);
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
    /// The bond, angle, stretch-bend and torsion terms RDKit's MMFF::constructForceField would add, with their
    /// parameters from the typing.
    void select_bonded_terms(const RDKit::ROMol& mol, RDKit::MMFF::MMFFMolProperties& typing) {
        if (typing.getMMFFBondTerm())
            for (const RDKit::Bond* b : mol.bonds()) {
                unsigned type = 0;
                ForceFields::MMFF::MMFFBond p{};
                if (typing.getMMFFBondStretchParams(mol, b->getBeginAtomIdx(), b->getEndAtomIdx(), type, p))
                    bonds_.push_back({b->getBeginAtomIdx(), b->getEndAtomIdx(), p.kb, p.r0});
            }
        const auto* props = RDKit::MMFF::DefaultParameters::getMMFFProp();
        for (const RDKit::Atom* centre : mol.atoms()) {
            if (centre->getDegree() < 2) continue;
            const unsigned j = centre->getIdx();
            const bool linear = (*props)(typing.getMMFFAtomType(j))->linh;
            std::vector<unsigned> nbrs;
            for (const auto& nb : boost::make_iterator_range(mol.getAtomNeighbors(centre))) nbrs.push_back(nb);
            for (size_t a = 0; a < nbrs.size(); ++a)
                for (size_t b = a + 1; b < nbrs.size(); ++b) {
                    const unsigned i = nbrs[a], k = nbrs[b];
                    AngleTerms t{i, j, k, false, linear, 0, 0, false, 0, 0, 0, 0, 0};
                    unsigned type = 0;
                    ForceFields::MMFF::MMFFAngle angle{};
                    if (typing.getMMFFAngleTerm() && typing.getMMFFAngleBendParams(mol, i, j, k, type, angle))
                        t.bend = true, t.ka = angle.ka, t.theta0 = angle.theta0;
                    ForceFields::MMFF::MMFFStbn stbn{};
                    ForceFields::MMFF::MMFFBond bond[2]{};
                    if (typing.getMMFFStretchBendTerm() && !linear &&
                        typing.getMMFFStretchBendParams(mol, i, j, k, type, stbn, bond, angle)) {
                        t.stretch_bend = true, t.k_ijk = stbn.kbaIJK, t.k_kji = stbn.kbaKJI;
                        t.r0_ij = bond[0].r0, t.r0_kj = bond[1].r0, t.sb_theta0 = angle.theta0;
                    }
                    if (t.bend || t.stretch_bend) angles_.push_back(t);
                }
        }
        if (!typing.getMMFFTorsionTerm()) return;
        // about every bond between two sp2/sp3 atoms with other neighbours and no triple bond (RDKit's default
        // torsion bond SMARTS, [!$(*#*)&!D1]~[!$(*#*)&!D1]), not through a three-membered ring
        auto torsion_centre = [](const RDKit::Atom* a) {
            if (a->getDegree() < 2) return false;
            for (const RDKit::Bond* b : a->getOwningMol().atomBonds(a))
                if (b->getBondType() == RDKit::Bond::TRIPLE) return false;
            return a->getHybridization() == RDKit::Atom::SP2 || a->getHybridization() == RDKit::Atom::SP3;
        };
        for (const RDKit::Bond* bond : mol.bonds()) {
            const RDKit::Atom *aj = bond->getBeginAtom(), *ak = bond->getEndAtom();
            if (!torsion_centre(aj) || !torsion_centre(ak)) continue;
            const unsigned j = aj->getIdx(), k = ak->getIdx();
            for (const RDKit::Bond* b1 : mol.atomBonds(aj)) {
                if (b1 == bond) continue;
                const unsigned i = b1->getOtherAtomIdx(j);
                for (const RDKit::Bond* b2 : mol.atomBonds(ak)) {
                    if (b2 == bond || b2 == b1) continue;
                    const unsigned l = b2->getOtherAtomIdx(k);
                    if (l == i) continue;
                    unsigned type = 0;
                    ForceFields::MMFF::MMFFTor p{};
                    if (typing.getMMFFTorsionParams(mol, i, j, k, l, type, p))
                        torsions_.push_back({i, j, k, l, p.V1, p.V2, p.V3});
                }
            }
        }
    }

    /// Energy of the bond, angle, stretch-bend and torsion terms at `x`; adds their gradient to `g` when given.
    double bonded_terms(const double* x, double* g) const {
        double e = 0;
        for (const Bond& t : bonds_) {
            double d[3];
            sub(&x[3 * t.i], &x[3 * t.j], d);
            const double r = std::sqrt(dot3(d, d)), dr = r - t.r0;
            e += 0.5 * kMdyneToKcal * t.kb * dr * dr * (1.0 + kBondCubic * dr + 7.0 / 12.0 * kBondCubic * kBondCubic * dr * dr);
            if (g && r > 0) {
                const double de_dr = kMdyneToKcal * t.kb * dr *
                                     (1.0 + 1.5 * kBondCubic * dr + 7.0 / 6.0 * kBondCubic * kBondCubic * dr * dr);
                add_scaled(&g[3 * t.i], d, de_dr / r);
                add_scaled(&g[3 * t.j], d, -de_dr / r);
            }
        }
        for (const AngleTerms& t : angles_) {
            const AngleGeometry a(x, t.i, t.j, t.k);
            double de_dtheta = 0;  // per radian, of both terms
            if (t.bend && t.linear) {
                e += kMdyneToKcal * t.ka * (1.0 + a.cos_theta);
                de_dtheta -= kMdyneToKcal * t.ka * std::max(std::sqrt(std::max(0.0, 1.0 - a.cos_theta * a.cos_theta)), 1e-8);
            } else if (t.bend) {
                const double dt = a.theta - t.theta0;
                e += 0.5 * kAngleScale * t.ka * dt * dt * (1.0 + kAngleCubic * dt);
                de_dtheta += kDeg * kAngleScale * t.ka * dt * (1.0 + 1.5 * kAngleCubic * dt);
            }
            if (t.stretch_bend) {
                const double dr1 = a.ru - t.r0_ij, dr2 = a.rv - t.r0_kj, dt = a.theta - t.sb_theta0;
                const double stretch = t.k_ijk * dr1 + t.k_kji * dr2;
                e += kStretchBendScale * stretch * dt;
                if (g) {
                    de_dtheta += kDeg * kStretchBendScale * stretch;
                    const double f1 = kStretchBendScale * dt * t.k_ijk, f2 = kStretchBendScale * dt * t.k_kji;
                    add_scaled(&g[3 * t.i], a.u, f1), add_scaled(&g[3 * t.j], a.u, -f1);
                    add_scaled(&g[3 * t.k], a.v, f2), add_scaled(&g[3 * t.j], a.v, -f2);
                }
            }
            if (g) a.add_gradient(de_dtheta, &g[3 * t.i], &g[3 * t.j], &g[3 * t.k]);
        }
        for (const Torsion& t : torsions_) {
            // F = i - j, G = j - k, H = l - k; A = F x G, B = H x G; phi from A and B (Blondel & Karplus 1996)
            double f[3], gv[3], h[3], a[3], b[3];
            sub(&x[3 * t.i], &x[3 * t.j], f);
            sub(&x[3 * t.j], &x[3 * t.k], gv);
            sub(&x[3 * t.l], &x[3 * t.k], h);
            cross(f, gv, a);
            cross(h, gv, b);
            const double aa = dot3(a, a), bb = dot3(b, b), gg = std::sqrt(dot3(gv, gv));
            if (aa < 1e-16 || bb < 1e-16 || gg < 1e-8) continue;  // a straight angle: the torsion is undefined
            const double cos_phi = std::clamp(dot3(a, b) / std::sqrt(aa * bb), -1.0, 1.0);
            double bxa[3];
            cross(b, a, bxa);
            const double sin_phi = dot3(bxa, gv) / (std::sqrt(aa * bb) * gg);
            const double cos2 = 2 * cos_phi * cos_phi - 1, sin2 = 2 * sin_phi * cos_phi;
            const double cos3 = cos_phi * (4 * cos_phi * cos_phi - 3), sin3 = sin_phi * (3 - 4 * sin_phi * sin_phi);
            e += 0.5 * (t.v1 * (1.0 + cos_phi) + t.v2 * (1.0 - cos2) + t.v3 * (1.0 + cos3));
            if (g) {
                const double de_dphi = 0.5 * (-t.v1 * sin_phi + 2.0 * t.v2 * sin2 - 3.0 * t.v3 * sin3);
                const double fg = dot3(f, gv), hg = dot3(h, gv);
                double* gi = &g[3 * t.i];
                double* gj = &g[3 * t.j];
                double* gk = &g[3 * t.k];
                double* gl = &g[3 * t.l];
                for (int c = 0; c < 3; ++c) {
                    const double da = a[c] / aa, db = b[c] / bb;
                    const double di = -gg * da, dl = gg * db;
                    const double dj = gg * da + fg / gg * da - hg / gg * db;
                    gi[c] += de_dphi * di, gl[c] += de_dphi * dl, gj[c] += de_dphi * dj;
                    gk[c] -= de_dphi * (di + dl + dj);
                }
            }
        }
        return e;
    }

    std::vector<Bond> bonds_;
    std::vector<AngleTerms> angles_;
    std::vector<Torsion> torsions_;
    std::unique_ptr<ForceFields::ForceField> bonded_;  // RDKit's out-of-plane terms
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

double mmff_energy(RDKit::ROMol& mol, int cid, RDKit::MMFF::MMFFMolProperties& typing, std::vector<double>* gradient) {
    Mmff ff(mol, cid, typing);
    std::vector<double> x(ff.size());
    ff.read(x);
    if (gradient) gradient->resize(x.size());
    return ff.evaluate(x, gradient);
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
