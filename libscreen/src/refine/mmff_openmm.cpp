// MMFF94 terms from RDKit's MMFFMolProperties, enumerated as RDKit's builder does, and their OpenMM forces.
#include "vscreen/refine/mmff_openmm.hpp"

#include "vscreen/refine/openmm_energy.hpp"

#include <OpenMM.h>

#include <GraphMol/GraphMol.h>  // first: the MMFF headers need the complete molecule types
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>  // not MMFF.h: it defines non-inline functions
#include <GraphMol/MolOps.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/Substruct/SubstructMatch.h>

#include <cmath>
#include <memory>
#include <set>
#include <sstream>

namespace vscreen {
namespace {

constexpr double kMdyneAToKcal = 143.9325;      // MMFF's md/A -> kcal/mol/A^2
const std::set<int> kLinearTypes = {4, 53, 61}; // MMFFPROP "lin": linear bend form, no stretch-bend
const std::set<std::string> kMmffElements = {"H", "C", "N", "O", "F", "Si", "P", "S", "Cl", "Br", "I", "Li",
                                             "Na", "K", "Mg", "Ca", "Fe", "Cu", "Zn"};

// Functional forms of RDKit's Code/ForceField/MMFF/*.cpp, in kcal/mol and A inside (OpenMM passes nm, kJ/mol).
std::string str(double v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
}
const std::string kPi = "3.141592653589793";
const std::string kBondExpr = str(kKjPerKcal) + "*0.5*" + str(kMdyneAToKcal) +
                              "*kb*dr^2*(1 + cs*dr + (7/12)*cs^2*dr^2); dr = 10*r - r0; cs = -2.0";
const std::string kAngleExpr = str(kKjPerKcal) + "*(lin*" + str(kMdyneAToKcal) + "*ka*(1 + cos(theta)) + (1 - lin)*0.5*" +
                               str(kMdyneAToKcal) + "*(pi/180)^2*ka*dt^2*(1 + cb*dt));" +
                               "dt = theta*180/pi - theta0; cb = -0.006981317; pi = " + kPi;
const std::string kStretchBendExpr = str(kKjPerKcal) + "*" + str(kMdyneAToKcal) +
                                     "*(pi/180)*(kijk*(10*distance(p1,p2) - r1) + kkji*(10*distance(p2,p3) - r2))"
                                     "*(angle(p1,p2,p3)*180/pi - theta0); pi = " + kPi;
// Wilson angle of l (p4) out of the plane i-j-k (p1-p2-p3) about the centre j, as RDKit's calcOopChi.
const std::string kOopExpr = str(kKjPerKcal) + "*0.5*" + str(kMdyneAToKcal) + "*(pi/180)^2*koop*chi^2;" +
                             "chi = asin(min(1, max(-1, s)))*180/pi;"
                             "s = (nx*cx + ny*cy + nz*cz)/sqrt((nx^2 + ny^2 + nz^2)*(cx^2 + cy^2 + cz^2));"
                             "nx = ay*bz - az*by; ny = az*bx - ax*bz; nz = ax*by - ay*bx;"
                             "ax = x1 - x2; ay = y1 - y2; az = z1 - z2;"
                             "bx = x3 - x2; by = y3 - y2; bz = z3 - z2;"
                             "cx = x4 - x2; cy = y4 - y2; cz = z4 - z2;"
                             "pi = " + kPi;
const std::string kVdwExpr = str(kKjPerKcal) + "*eps*(1.07*rs/(d + 0.07*rs))^7*(1.12*rs^7/(d^7 + 0.12*rs^7) - 2); d = 10*r";
const std::string kEleExpr = str(kKjPerKcal) + "*332.0716*qq/(10*r + 0.05)";

std::string atom_name(const RDKit::ROMol& mol, std::initializer_list<unsigned> idx) {
    std::string s;
    for (unsigned i : idx) {
        if (!s.empty()) s += "-";
        s += mol.getAtomWithIdx(i)->getSymbol() + std::to_string(i + 1);
    }
    return s;
}

bool torsion_hybridization(const RDKit::Atom* a) {
    const auto h = a->getHybridization();
    return h == RDKit::Atom::SP2 || h == RDKit::Atom::SP3;
}

}  // namespace

MmffTerms mmff_terms(const RDKit::ROMol& input, const std::string& variant) {
    RDKit::ROMol mol(input);  // MMFFMolProperties types (and annotates) a mutable molecule
    std::set<std::string> bad;
    for (const RDKit::Atom* a : mol.atoms()) {
        if (!kMmffElements.count(a->getSymbol())) bad.insert(a->getSymbol());
        if (a->getTotalNumHs(false) > 0)
            fail<LigandParameterError>("atom ", a->getIdx() + 1, " has implicit hydrogens; MMFF94 needs them "
                                       "explicit (RDKit::MolOps::addHs with coordinates)");
    }
    if (!bad.empty()) {
        std::string list;
        for (const auto& e : bad) list += (list.empty() ? "" : ", ") + e;
        fail<LigandParameterError>(variant, " has no atom types for element(s) ", list);
    }
    RDKit::MMFF::MMFFMolProperties props(mol, variant, RDKit::MMFF::MMFF_VERBOSITY_NONE);
    if (!props.isValid())
        fail<LigandParameterError>(variant, " atom typing failed (an atom in an environment ", variant,
                                   " does not cover, e.g. hypervalent or unusual bonding)");
    const unsigned n = mol.getNumAtoms();
    MmffTerms t;
    t.num_atoms = static_cast<int>(n);
    for (unsigned i = 0; i < n; ++i) {
        t.atom_types.push_back(props.getMMFFAtomType(i));
        t.charges.push_back(props.getMMFFPartialCharge(i));
        ForceFields::MMFF::MMFFVdWRijstarEps vdw;
        if (!props.getMMFFVdWParams(i, i, vdw))
            fail<LigandParameterError>(variant, " has no van der Waals parameters for atom ", i + 1, " (type ",
                                       t.atom_types.back(), ")");
        t.r_star_self.push_back(vdw.R_ij_star);
        t.epsilon_self.push_back(vdw.epsilon);
    }
    // Bonds (and their r0 for the stretch-bends).
    std::vector<double> r0(static_cast<size_t>(n) * n, -1.0);
    for (const RDKit::Bond* b : mol.bonds()) {
        const unsigned i = b->getBeginAtomIdx(), j = b->getEndAtomIdx();
        unsigned type;
        ForceFields::MMFF::MMFFBond p;
        if (!props.getMMFFBondStretchParams(mol, i, j, type, p)) {
            t.skipped.push_back("bond " + atom_name(mol, {i, j}));
            continue;
        }
        t.bonds.push_back({static_cast<int>(i), static_cast<int>(j), p.kb, p.r0});
        r0[i * n + j] = r0[j * n + i] = p.r0;
    }
    // Angles and stretch-bends around every atom with two or more neighbours.
    for (unsigned j = 0; j < n; ++j) {
        const RDKit::Atom* centre = mol.getAtomWithIdx(j);
        if (centre->getDegree() < 2) continue;
        std::vector<unsigned> nbrs;
        for (const RDKit::Atom* a : mol.atomNeighbors(centre)) nbrs.push_back(a->getIdx());
        const bool linear = kLinearTypes.count(t.atom_types[j]) > 0;
        for (size_t a = 0; a < nbrs.size(); ++a)
            for (size_t c = a + 1; c < nbrs.size(); ++c) {
                const unsigned i = nbrs[a], k = nbrs[c];
                unsigned type;
                ForceFields::MMFF::MMFFAngle p;
                if (!props.getMMFFAngleBendParams(mol, i, j, k, type, p)) {
                    t.skipped.push_back("angle " + atom_name(mol, {i, j, k}));
                    continue;
                }
                t.angles.push_back({static_cast<int>(i), static_cast<int>(j), static_cast<int>(k), p.ka, p.theta0,
                                    linear});
                if (linear) continue;
                unsigned sb_type;
                ForceFields::MMFF::MMFFStbn sb;
                ForceFields::MMFF::MMFFBond sb_bonds[2];
                ForceFields::MMFF::MMFFAngle sb_angle;
                if (!props.getMMFFStretchBendParams(mol, i, j, k, sb_type, sb, sb_bonds, sb_angle)) {
                    t.skipped.push_back("stretch-bend " + atom_name(mol, {i, j, k}));
                    continue;
                }
                if (r0[i * n + j] < 0 || r0[j * n + k] < 0) continue;  // the bond was reported missing
                t.stretch_bends.push_back({static_cast<int>(i), static_cast<int>(j), static_cast<int>(k), sb.kbaIJK,
                                           sb.kbaKJI, r0[i * n + j], r0[j * n + k], p.theta0});
            }
    }
    // Out-of-plane bends: three per trivalent centre.
    for (unsigned j = 0; j < n; ++j) {
        const RDKit::Atom* centre = mol.getAtomWithIdx(j);
        if (centre->getDegree() != 3) continue;
        std::vector<unsigned> nb;
        for (const RDKit::Atom* a : mol.atomNeighbors(centre)) nb.push_back(a->getIdx());
        ForceFields::MMFF::MMFFOop p;
        if (!props.getMMFFOopBendParams(mol, nb[0], j, nb[1], nb[2], p)) {
            t.skipped.push_back("out-of-plane " + atom_name(mol, {nb[0], j, nb[1], nb[2]}));
            continue;
        }
        const unsigned order[3][3] = {{nb[0], nb[1], nb[2]}, {nb[0], nb[2], nb[1]}, {nb[1], nb[2], nb[0]}};
        for (const auto& o : order)
            t.out_of_planes.push_back({static_cast<int>(o[0]), static_cast<int>(j), static_cast<int>(o[1]),
                                       static_cast<int>(o[2]), p.koop});
    }
    // Torsions about every bond between non-terminal atoms outside triple bonds, sp2/sp3 at both ends.
    std::unique_ptr<RDKit::RWMol> torsion_bond(RDKit::SmartsToMol("[!$(*#*)&!D1]~[!$(*#*)&!D1]"));
    std::vector<RDKit::MatchVectType> matches;
    RDKit::SubstructMatch(mol, *torsion_bond, matches, true, true, false, false, 1000000);
    for (const auto& m : matches) {
        const unsigned j = m[0].second, k = m[1].second;
        const RDKit::Atom* aj = mol.getAtomWithIdx(j);
        const RDKit::Atom* ak = mol.getAtomWithIdx(k);
        if (!torsion_hybridization(aj) || !torsion_hybridization(ak)) continue;
        for (const RDKit::Atom* ai : mol.atomNeighbors(aj)) {
            const unsigned i = ai->getIdx();
            if (i == k) continue;
            for (const RDKit::Atom* al : mol.atomNeighbors(ak)) {
                const unsigned l = al->getIdx();
                if (l == j || l == i) continue;
                unsigned type;
                ForceFields::MMFF::MMFFTor p;
                if (!props.getMMFFTorsionParams(mol, i, j, k, l, type, p)) {
                    t.skipped.push_back("torsion " + atom_name(mol, {i, j, k, l}));
                    continue;
                }
                t.torsions.push_back({static_cast<int>(i), static_cast<int>(j), static_cast<int>(k),
                                      static_cast<int>(l), p.V1, p.V2, p.V3});
            }
        }
    }
    // Non-bonded pairs three or more bonds apart (1-4 charges scaled by 0.75); disconnected fragments included.
    const double* topo = RDKit::MolOps::getDistanceMat(mol);
    for (unsigned i = 0; i < n; ++i)
        for (unsigned j = i + 1; j < n; ++j) {
            const double d = topo[i * n + j];
            if (d < 3) continue;
            ForceFields::MMFF::MMFFVdWRijstarEps vdw;
            if (!props.getMMFFVdWParams(i, j, vdw))
                t.skipped.push_back("van der Waals " + atom_name(mol, {i, j}));
            else
                t.vdw_pairs.push_back({static_cast<int>(i), static_cast<int>(j), vdw.R_ij_star, vdw.epsilon});
            if (std::fabs(t.charges[i]) < 1e-10 || std::fabs(t.charges[j]) < 1e-10) continue;
            t.charge_pairs.push_back({static_cast<int>(i), static_cast<int>(j),
                                      t.charges[i] * t.charges[j] * (d == 3 ? 0.75 : 1.0)});
        }
    return t;
}

void add_mmff_forces(OpenMM::System& system, const MmffTerms& t, int offset,
                     const std::array<int, kMmffTermCount>& groups, bool nonbonded) {
    auto put = [&](OpenMM::Force* f, MmffTerm term, const char* name) {
        f->setName(std::string("MMFF94 ") + name);
        f->setForceGroup(groups[static_cast<int>(term)]);
        system.addForce(f);  // the System owns it
    };
    if (!t.bonds.empty()) {
        auto* f = new OpenMM::CustomBondForce(kBondExpr);
        f->addPerBondParameter("kb");
        f->addPerBondParameter("r0");
        for (const auto& b : t.bonds) f->addBond(offset + b.i, offset + b.j, {b.kb, b.r0});
        put(f, MmffTerm::Bond, "bond");
    }
    if (!t.angles.empty()) {
        auto* f = new OpenMM::CustomAngleForce(kAngleExpr);
        for (const char* p : {"ka", "theta0", "lin"}) f->addPerAngleParameter(p);
        for (const auto& a : t.angles)
            f->addAngle(offset + a.i, offset + a.j, offset + a.k, {a.ka, a.theta0, a.linear ? 1.0 : 0.0});
        put(f, MmffTerm::Angle, "angle");
    }
    if (!t.stretch_bends.empty()) {
        auto* f = new OpenMM::CustomCompoundBondForce(3, kStretchBendExpr);
        for (const char* p : {"kijk", "kkji", "r1", "r2", "theta0"}) f->addPerBondParameter(p);
        for (const auto& s : t.stretch_bends)
            f->addBond({offset + s.i, offset + s.j, offset + s.k}, {s.kba_ijk, s.kba_kji, s.r0_ij, s.r0_kj, s.theta0});
        put(f, MmffTerm::StretchBend, "stretch_bend");
    }
    if (!t.out_of_planes.empty()) {
        auto* f = new OpenMM::CustomCompoundBondForce(4, kOopExpr);
        f->addPerBondParameter("koop");
        for (const auto& o : t.out_of_planes)
            f->addBond({offset + o.i, offset + o.j, offset + o.k, offset + o.l}, {o.koop});
        put(f, MmffTerm::OutOfPlane, "oop");
    }
    if (!t.torsions.empty()) {
        auto* f = new OpenMM::PeriodicTorsionForce();
        const double pi = 3.141592653589793;
        for (const auto& d : t.torsions) {
            const double v[3] = {d.v1, d.v2, d.v3}, phase[3] = {0.0, pi, 0.0};
            for (int p = 0; p < 3; ++p)
                if (v[p] != 0.0)
                    f->addTorsion(offset + d.i, offset + d.j, offset + d.k, offset + d.l, p + 1, phase[p],
                                  0.5 * v[p] * kKjPerKcal);
        }
        put(f, MmffTerm::Torsion, "torsion");
    }
    if (nonbonded && !t.vdw_pairs.empty()) {
        auto* f = new OpenMM::CustomBondForce(kVdwExpr);
        f->addPerBondParameter("rs");
        f->addPerBondParameter("eps");
        for (const auto& p : t.vdw_pairs) f->addBond(offset + p.i, offset + p.j, {p.r_star, p.epsilon});
        put(f, MmffTerm::VanDerWaals, "vdw");
    }
    if (nonbonded && !t.charge_pairs.empty()) {
        auto* f = new OpenMM::CustomBondForce(kEleExpr);
        f->addPerBondParameter("qq");
        for (const auto& p : t.charge_pairs) f->addBond(offset + p.i, offset + p.j, {p.qq});
        put(f, MmffTerm::Electrostatic, "ele");
    }
}

double openmm_mmff_energy(const RDKit::ROMol& mol, const std::string& platform,
                          std::array<double, kMmffTermCount>* per_term, int conf_id, const std::string& variant) {
    const std::vector<OpenMM::Vec3> positions = conformer_positions_nm(mol, conf_id);
    const MmffTerms terms = mmff_terms(mol, variant);
    OpenMM::System system;
    for (const RDKit::Atom* a : mol.atoms()) system.addParticle(a->getMass());
    add_mmff_forces(system, terms, 0, {0, 1, 2, 3, 4, 5, 6});
    std::vector<int> masks = {-1};
    if (per_term)
        for (int g = 0; g < kMmffTermCount; ++g) masks.push_back(1 << g);
    const std::vector<double> e = potential_energies_kcal(system, positions, platform, masks);
    if (per_term)
        for (int g = 0; g < kMmffTermCount; ++g) (*per_term)[g] = e[g + 1];
    return e[0];
}

}  // namespace vscreen
