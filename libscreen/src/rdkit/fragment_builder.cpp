// 3D coordinates without distance geometry: ring systems from templates, ideal geometry around the other atoms.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include <ForceField/MMFF/Params.h>
#include <Geometry/point.h>
#include <GraphMol/Conformer.h>
#include <GraphMol/ForceFieldHelpers/MMFF/AtomTyper.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PeriodicTable.h>

#include "preparation_steps.hpp"
#include "ring_templates.hpp"

namespace vscreen::detail {

namespace {

using RDGeom::Point3D;

constexpr double kPi = 3.14159265358979323846;
constexpr double kTetrahedralDeg = 109.4712;
constexpr int kFixRounds = 2;  // builds after the first, each flipping the stereo elements that came out wrong

double rad(double deg) { return deg * kPi / 180.0; }

/// Connected groups of rings that share atoms (fused, spiro, bridged), each as its sorted atom indices.
std::vector<std::vector<unsigned>> ring_systems(const RDKit::ROMol& mol, std::vector<int>& system_of) {
    const unsigned n = mol.getNumAtoms();
    std::vector<unsigned> parent(n);
    for (unsigned i = 0; i < n; ++i) parent[i] = i;
    auto find = [&](unsigned x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    std::vector<char> in_ring(n, 0);
    for (const auto& ring : mol.getRingInfo()->atomRings())
        for (int a : ring) {
            in_ring[a] = 1;
            parent[find(static_cast<unsigned>(a))] = find(static_cast<unsigned>(ring.front()));
        }
    std::vector<std::vector<unsigned>> systems;
    std::vector<int> root_system(n, -1);
    system_of.assign(n, -1);
    for (unsigned a = 0; a < n; ++a) {
        if (!in_ring[a]) continue;
        const unsigned r = find(a);
        if (root_system[r] < 0) {
            root_system[r] = static_cast<int>(systems.size());
            systems.emplace_back();
        }
        system_of[a] = root_system[r];
        systems[static_cast<size_t>(root_system[r])].push_back(a);
    }
    return systems;
}

Point3D any_perpendicular(const Point3D& u) {
    const Point3D axis = std::fabs(u.x) < 0.9 ? Point3D(1, 0, 0) : Point3D(0, 1, 0);
    Point3D p = u.crossProduct(axis);
    p.normalize();
    return p;
}

/// `v` rotated by `angle` (radians) about the unit axis `k` (Rodrigues).
Point3D rotate(const Point3D& v, const Point3D& k, double angle) {
    const double c = std::cos(angle), s = std::sin(angle);
    return v * c + k.crossProduct(v) * s + k * (k.dotProduct(v) * (1 - c));
}

/// Rotation taking unit vector `a` onto unit vector `b`, applied to `v`.
Point3D align(const Point3D& v, const Point3D& a, const Point3D& b) {
    Point3D axis = a.crossProduct(b);
    const double s = axis.length(), c = a.dotProduct(b);
    if (s < 1e-9) return c > 0 ? v : rotate(v, any_perpendicular(a), kPi);
    axis /= s;
    return rotate(v, axis, std::atan2(s, c));
}

class Assembly {
public:
    Assembly(const RDKit::ROMol& mol, RDKit::MMFF::MMFFMolProperties* typing,
             const std::vector<std::vector<unsigned>>& systems, const std::vector<int>& system_of,
             const std::vector<std::optional<RingTemplate>>& templates, const std::vector<char>& atom_flip,
             const std::vector<char>& bond_flip)
        : mol_(mol), typing_(typing), systems_(systems), system_of_(system_of), templates_(templates),
          atom_flip_(atom_flip), bond_flip_(bond_flip), pos_(mol.getNumAtoms()), placed_(mol.getNumAtoms(), 0),
          system_placed_(systems.size(), 0) {}

    /// Places every atom; false when some atom's coordination has no ideal geometry here.
    bool run() {
        if (!place_root()) return false;
        while (!queue_.empty()) {
            const auto [x, p] = queue_.front();
            queue_.pop_front();
            if (!expand(x, p)) return false;
        }
        return std::all_of(placed_.begin(), placed_.end(), [](char c) { return c != 0; });
    }
    const std::vector<Point3D>& positions() const { return pos_; }

private:
    const RDKit::Atom* atom(unsigned i) const { return mol_.getAtomWithIdx(i); }
    bool heavy(unsigned i) const { return atom(i)->getAtomicNum() > 1; }

    double bond_length(unsigned i, unsigned j) const {
        if (typing_) {
            unsigned type = 0;
            ForceFields::MMFF::MMFFBond params{};
            if (typing_->getMMFFBondStretchParams(mol_, i, j, type, params) && params.r0 > 0.5) return params.r0;
        }
        const RDKit::PeriodicTable* table = RDKit::PeriodicTable::getTable();
        double r = table->getRcovalent(atom(i)->getAtomicNum()) + table->getRcovalent(atom(j)->getAtomicNum());
        const RDKit::Bond* b = mol_.getBondBetweenAtoms(i, j);
        if (b->getBondType() == RDKit::Bond::DOUBLE) r *= 0.87;
        if (b->getBondType() == RDKit::Bond::TRIPLE) r *= 0.78;
        if (b->getIsAromatic()) r *= 0.91;
        return r;
    }

    /// The lowest-index placed neighbour of `p` other than `x`, or -1: the atom torsions about p-x are measured from
    /// (all of p's neighbours are placed once x hangs on p, so the choice depends on the molecule alone).
    int reference_neighbour(unsigned p, unsigned x) const {
        int reference = -1;
        for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(p))))
            if (static_cast<unsigned>(nb) != x && placed_[nb] && (reference < 0 || static_cast<int>(nb) < reference))
                reference = static_cast<int>(nb);
        return reference;
    }

    /// MMFF94's reference angle at `centre` between `a` and `b` (degrees), or `ideal` without parameters.
    double bond_angle(unsigned a, unsigned centre, unsigned b, double ideal) const {
        if (!typing_ || ideal >= 179.0) return ideal;
        unsigned type = 0;
        ForceFields::MMFF::MMFFAngle params{};
        if (typing_->getMMFFAngleBendParams(mol_, a, centre, b, type, params) && params.theta0 > 60.0 &&
            params.theta0 < 180.0)
            return params.theta0;
        return ideal;
    }

    /// Clash penalty of atoms `fresh` at `where` against the placed atoms, `ignore` aside.
    double clash(const std::vector<unsigned>& fresh, const std::vector<Point3D>& where, unsigned ignore_a,
                 unsigned ignore_b) const {
        double penalty = 0;
        for (size_t k = 0; k < fresh.size(); ++k) {
            const bool fh = heavy(fresh[k]);
            for (unsigned b = 0; b < placed_.size(); ++b) {
                if (!placed_[b] || b == ignore_a || b == ignore_b) continue;
                const double limit = fh && heavy(b) ? 3.0 : (fh || heavy(b) ? 2.4 : 2.0);
                const double d2 = (where[k] - pos_[b]).lengthSq();
                if (d2 >= limit * limit) continue;
                const double d = std::sqrt(d2);
                penalty += (limit - d) * (limit - d);
            }
        }
        return penalty;
    }

    void put(unsigned a, const Point3D& p) {
        pos_[a] = p;
        placed_[a] = 1;
    }

    bool place_root() {
        if (!systems_.empty()) {
            size_t best = 0;  // the largest ring system, its template as it is
            for (size_t s = 1; s < systems_.size(); ++s)
                if (systems_[s].size() > systems_[best].size()) best = s;
            if (!templates_[best]) return false;
            const RingTemplate t = flipped(best);
            for (size_t k = 0; k < t.atoms.size(); ++k) put(t.atoms[k], t.positions[k]);
            system_placed_[best] = 1;
            enqueue_shell(best, static_cast<unsigned>(-1));
            return true;
        }
        unsigned root = 0;  // the heavy atom with most neighbours, then a heavy neighbour of it
        for (unsigned a = 0; a < mol_.getNumAtoms(); ++a)
            if (heavy(a) && (!heavy(root) || atom(a)->getDegree() > atom(root)->getDegree())) root = a;
        unsigned first = root;
        for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(root))))
            if (first == root || (heavy(static_cast<unsigned>(nb)) && !heavy(first))) first = static_cast<unsigned>(nb);
        if (first == root) return false;
        put(root, Point3D(0, 0, 0));
        // off every axis: a linear molecule (carbon dioxide) must not come out with two zero coordinates
        put(first, Point3D(0.8, 0.5, 0.33) * (bond_length(root, first) / std::sqrt(0.8 * 0.8 + 0.5 * 0.5 + 0.33 * 0.33)));
        if (!expand(root, first)) return false;
        queue_.emplace_back(first, root);
        return true;
    }

    /// Queues every atom bonded to ring system `system` from outside it (but `parent`), with its ring atom.
    void enqueue_shell(size_t system, unsigned parent) {
        for (unsigned c : systems_[system])
            for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(c)))) {
                const unsigned s = static_cast<unsigned>(nb);
                if (system_of_[s] == static_cast<int>(system) || s == parent) continue;
                queue_.emplace_back(s, c);
            }
    }

    /// Places what hangs on placed atom `x`, reached from its placed neighbour `p`.
    bool expand(unsigned x, unsigned p) {
        const int s = system_of_[x];
        if (s >= 0 && !system_placed_[static_cast<size_t>(s)]) return place_system(static_cast<size_t>(s), x, p);
        if (s >= 0) return true;  // its neighbours came with its ring system
        std::vector<unsigned> children;
        for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(x))))
            if (!placed_[nb]) children.push_back(static_cast<unsigned>(nb));
        if (children.empty()) return true;
        std::stable_sort(children.begin(), children.end(),
                         [&](unsigned a, unsigned b) { return heavy(a) > heavy(b); });
        if (!place_star(x, p, children)) return false;
        for (unsigned c : children) queue_.emplace_back(c, x);
        return true;
    }

    /// The template of a ring system with its flagged centres inverted: a ring atom with two substituents outside
    /// the system has them exchanged (an equally valid template; this is how a centre whose substituents are alike
    /// in the fragment, and so got an arbitrary configuration there, gets the one the molecule asks for).
    RingTemplate flipped(size_t system) const {
        RingTemplate t = *templates_[system];
        for (unsigned c : systems_[system]) {
            if (!atom_flip_[c]) continue;
            std::vector<size_t> outside;
            for (size_t k = 0; k < t.atoms.size(); ++k)
                if (system_of_[t.atoms[k]] != static_cast<int>(system) && mol_.getBondBetweenAtoms(c, t.atoms[k]))
                    outside.push_back(k);
            if (outside.size() == 2) std::swap(t.positions[outside[0]], t.positions[outside[1]]);
        }
        return t;
    }

    /// The ring system of `x` from its template, turned so that x's bond to `p` points at p, spun against clashes.
    bool place_system(size_t system, unsigned x, unsigned p) {
        if (!templates_[system]) return false;
        const RingTemplate t = flipped(system);
        int ix = -1, ip = -1;
        for (size_t k = 0; k < t.atoms.size(); ++k) {
            if (t.atoms[k] == x) ix = static_cast<int>(k);
            if (t.atoms[k] == p) ip = static_cast<int>(k);
        }
        if (ix < 0 || ip < 0) return false;
        Point3D from = t.positions[static_cast<size_t>(ip)] - t.positions[static_cast<size_t>(ix)];
        Point3D to = pos_[p] - pos_[x];
        from.normalize();
        to.normalize();
        std::vector<unsigned> fresh;
        std::vector<Point3D> local;
        for (size_t k = 0; k < t.atoms.size(); ++k) {
            if (placed_[t.atoms[k]]) continue;
            fresh.push_back(t.atoms[k]);
            local.push_back(align(t.positions[k] - t.positions[static_cast<size_t>(ix)], from, to));
        }
        std::vector<double> spins;
        for (int step = 0; step < 12; ++step) spins.push_back(rad(30.0 * step));
        planar_spins(system, x, p, fresh, local, to, spins);
        std::vector<Point3D> best, trial(fresh.size());
        double best_penalty = 0;
        for (double spin : spins) {
            for (size_t k = 0; k < fresh.size(); ++k) trial[k] = pos_[x] + rotate(local[k], to, spin);
            const double penalty = clash(fresh, trial, x, p);
            if (best.empty() || penalty < best_penalty - 1e-9) {
                best = trial;
                best_penalty = penalty;
            }
        }
        for (size_t k = 0; k < fresh.size(); ++k) put(fresh[k], best[k]);
        system_placed_[system] = 1;
        enqueue_shell(system, p);
        return true;
    }

    /// For a ring system hanging on an exocyclic double bond, the spins that put
    /// x's first ring neighbour in the plane of p's substituents, cis and trans to p's reference neighbour; for a
    /// stereo double bond only the one its flag says (the same rule as place_star's).
    void planar_spins(size_t system, unsigned x, unsigned p, const std::vector<unsigned>& fresh,
                      const std::vector<Point3D>& local, const Point3D& axis, std::vector<double>& spins) const {
        if (mol_.getBondBetweenAtoms(x, p)->getBondType() != RDKit::Bond::DOUBLE) return;  // biaryls stay twisted
        const int reference = reference_neighbour(p, x);
        int ring_neighbour = -1;
        size_t k_ring = 0;
        for (size_t k = 0; k < fresh.size(); ++k)
            if (system_of_[fresh[k]] == static_cast<int>(system) && mol_.getBondBetweenAtoms(x, fresh[k]) &&
                (ring_neighbour < 0 || static_cast<int>(fresh[k]) < ring_neighbour)) {
                ring_neighbour = static_cast<int>(fresh[k]);
                k_ring = k;
            }
        if (reference < 0 || ring_neighbour < 0) return;
        double cis = 0, trans = 0, cis_err = 1e9, trans_err = 1e9;
        for (int deg = 0; deg < 360; ++deg) {
            const Point3D q = pos_[x] + rotate(local[k_ring], axis, rad(deg));
            const double t = RDGeom::computeDihedralAngle(pos_[static_cast<unsigned>(reference)], pos_[p], pos_[x], q) *
                             180.0 / kPi;  // unsigned, 0-180
            if (t < cis_err) cis_err = t, cis = rad(deg);
            if (180.0 - t < trans_err) trans_err = 180.0 - t, trans = rad(deg);
        }
        const RDKit::Bond* bond = mol_.getBondBetweenAtoms(x, p);
        if (bond->getStereo() > RDKit::Bond::STEREOANY) spins = {bond_flip_[bond->getIdx()] ? cis : trans};
        else spins = {trans, cis};
    }

    /// True for a bond whose torsion is planar: a double bond, or a conjugated bond between two sp2 atoms.
    bool planar_bond(unsigned a, unsigned b) const {
        const RDKit::Bond* bond = mol_.getBondBetweenAtoms(a, b);
        if (bond->getBondType() == RDKit::Bond::DOUBLE) return true;
        return bond->getIsConjugated() && atom(a)->getHybridization() == RDKit::Atom::SP2 &&
               atom(b)->getHybridization() == RDKit::Atom::SP2;
    }

    /// Penalty for a cis secondary amide: the carbonyl oxygen on the same side as the nitrogen's hydrogen.
    double amide_penalty(unsigned x, unsigned p, const std::vector<unsigned>& fresh,
                         const std::vector<Point3D>& where) const {
        auto position = [&](unsigned a) -> std::optional<Point3D> {
            for (size_t k = 0; k < fresh.size(); ++k)
                if (fresh[k] == a) return where[k];
            if (placed_[a]) return pos_[a];
            return std::nullopt;
        };
        for (const auto& [c, n] : {std::pair<unsigned, unsigned>{x, p}, std::pair<unsigned, unsigned>{p, x}}) {
            if (atom(c)->getAtomicNum() != 6 || atom(n)->getAtomicNum() != 7) continue;
            std::optional<Point3D> o, h;
            int heavy_on_n = 0;
            for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(c)))) {
                const RDKit::Bond* b = mol_.getBondBetweenAtoms(c, static_cast<unsigned>(nb));
                if (atom(nb)->getAtomicNum() == 8 && b->getBondType() == RDKit::Bond::DOUBLE) o = position(nb);
            }
            for (const auto& nb : boost::make_iterator_range(mol_.getAtomNeighbors(atom(n)))) {
                if (atom(nb)->getAtomicNum() == 1) h = position(nb);
                else if (static_cast<unsigned>(nb) != c) ++heavy_on_n;
            }
            if (o && h && heavy_on_n == 1 && (*o - *h).length() < 2.8) return 10.0;
        }
        return 0;
    }

    /// Children of `x` at ideal angles about the bond to `p`: tetrahedral, trigonal or linear.
    bool place_star(unsigned x, unsigned p, std::vector<unsigned> children) {
        const RDKit::Atom* ax = atom(x);
        const unsigned degree = ax->getDegree();
        const auto hyb = ax->getHybridization();
        double theta = kTetrahedralDeg, spacing = 120.0;
        if (hyb == RDKit::Atom::SP2) {
            if (degree > 3) return false;
            theta = 120.0;
            spacing = 180.0;
        } else if (hyb == RDKit::Atom::SP) {
            if (degree > 2) return false;
            theta = 180.0;
        } else if (degree > 4) {
            return false;  // hypervalent coordination: left to distance geometry
        }
        if (children.size() > (hyb == RDKit::Atom::SP ? 1u : hyb == RDKit::Atom::SP2 ? 2u : 3u)) return false;
        const auto nx = static_cast<unsigned>(children.size());
        const RDKit::Bond* to_parent = mol_.getBondBetweenAtoms(x, p);
        // a transposition of two children inverts a centre, or swaps the sides of a double bond
        const bool centre_flip = nx >= 2 && atom_flip_[x];

        Point3D u = pos_[p] - pos_[x];
        u.normalize();
        const int reference = reference_neighbour(p, x);  // fixes the torsion's zero
        Point3D e1;
        if (reference >= 0) {
            e1 = pos_[static_cast<unsigned>(reference)] - pos_[p];
            e1 -= u * e1.dotProduct(u);
            if (e1.length() < 1e-6) e1 = any_perpendicular(u);
        } else {
            e1 = any_perpendicular(u);
        }
        e1.normalize();
        const Point3D e2 = u.crossProduct(e1);
        const bool planar = reference >= 0 && hyb == RDKit::Atom::SP2 && planar_bond(x, p);
        const bool stereo_bond = planar && to_parent->getStereo() > RDKit::Bond::STEREOANY;
        const bool side_flip = stereo_bond && bond_flip_[to_parent->getIdx()];
        if (centre_flip != (side_flip && nx >= 2)) std::swap(children[nx - 2], children[nx - 1]);
        std::vector<double> lengths, angles;
        for (unsigned c : children) {
            lengths.push_back(bond_length(x, c));
            angles.push_back(bond_angle(p, x, c, theta));
        }
        auto arrange = [&](double phi, std::vector<Point3D>& out) {
            for (unsigned k = 0; k < nx; ++k) {
                const double tau = rad(phi + spacing * k), th = rad(angles[k]);
                const Point3D dir = u * std::cos(th) + (e1 * std::cos(tau) + e2 * std::sin(tau)) * std::sin(th);
                out[k] = pos_[x] + dir * lengths[k];
            }
        };
        std::vector<double> candidates;
        if (stereo_bond) candidates = {side_flip && nx == 1 ? 180.0 : 0.0};  // each child's side is the flag's
        else if (planar) candidates = {0.0, 180.0};
        else candidates = {180.0, 60.0, 300.0, 150.0, 210.0, 90.0, 270.0, 120.0, 240.0, 0.0, 30.0, 330.0};
        std::vector<Point3D> best, trial(nx);
        double best_score = 0;
        for (size_t i = 0; i < candidates.size(); ++i) {
            arrange(candidates[i], trial);
            double score = clash(children, trial, x, p) + 1e-3 * static_cast<double>(i);
            if (planar) score += amide_penalty(x, p, children, trial);
            if (best.empty() || score < best_score) {
                best = trial;
                best_score = score;
            }
        }
        for (unsigned k = 0; k < nx; ++k) put(children[k], best[k]);
        return true;
    }

    const RDKit::ROMol& mol_;
    RDKit::MMFF::MMFFMolProperties* typing_;
    const std::vector<std::vector<unsigned>>& systems_;
    const std::vector<int>& system_of_;
    const std::vector<std::optional<RingTemplate>>& templates_;
    const std::vector<char>& atom_flip_;
    const std::vector<char>& bond_flip_;
    std::vector<Point3D> pos_;
    std::vector<char> placed_;
    std::vector<char> system_placed_;
    std::deque<std::pair<unsigned, unsigned>> queue_;
};

/// Neighbours of ring atom `a` outside its ring system.
int substituents_outside(const RDKit::ROMol& mol, const std::vector<int>& system_of, const RDKit::Atom* a) {
    int count = 0;
    for (const auto& nb : boost::make_iterator_range(mol.getAtomNeighbors(a)))
        count += system_of[nb] != system_of[a->getIdx()];
    return count;
}

}  // namespace

int build_from_fragments(RDKit::RWMol& mol, RDKit::MMFF::MMFFMolProperties* typing, std::uint64_t seed,
                         bool refuse_impossible_stereo) {
    if (!mol.getRingInfo()->isInitialized()) RDKit::MolOps::findSSSR(mol);
    // A specified double bond inside a ring (macrocycles: polyene macrolides, rifamycins, tacrolimus) comes out of
    // its template as the template's embedding has it, and no flip can change it: leave the molecule to distance
    // geometry without spending a macrocycle template on it.
    for (const RDKit::Bond* b : mol.bonds())
        if (b->getStereo() > RDKit::Bond::STEREOANY && mol.getRingInfo()->numBondRings(b->getIdx())) return -1;
    std::vector<int> system_of;
    const auto systems = ring_systems(mol, system_of);
    std::vector<std::optional<RingTemplate>> templates;
    for (const auto& core : systems) {
        templates.push_back(ring_template(mol, core, seed, refuse_impossible_stereo));
        if (!templates.back()) return -1;
    }
    std::vector<char> atom_flip(mol.getNumAtoms(), 0), bond_flip(mol.getNumBonds(), 0);
    for (int round = 0; round <= kFixRounds; ++round) {
        Assembly assembly(mol, typing, systems, system_of, templates, atom_flip, bond_flip);
        if (!assembly.run()) return -1;
        auto conf = std::make_unique<RDKit::Conformer>(mol.getNumAtoms());
        for (unsigned a = 0; a < mol.getNumAtoms(); ++a) conf->setAtomPos(a, assembly.positions()[a]);
        conf->set3D(true);

        // The stereo the geometry has, element by element, against the tags (same atoms, same neighbour order).
        RDKit::RWMol probe(mol);
        probe.clearConformers();
        const int probe_cid = static_cast<int>(probe.addConformer(new RDKit::Conformer(*conf), true));
        RDKit::MolOps::assignStereochemistryFrom3D(probe, probe_cid);
        bool wrong = false, fixable = true;
        for (const RDKit::Atom* a : mol.atoms()) {
            const auto want = a->getChiralTag(), got = probe.getAtomWithIdx(a->getIdx())->getChiralTag();
            if (a->getAtomicNum() == 7 || (want != RDKit::Atom::CHI_TETRAHEDRAL_CW &&
                                          want != RDKit::Atom::CHI_TETRAHEDRAL_CCW))
                continue;
            if (got != RDKit::Atom::CHI_TETRAHEDRAL_CW && got != RDKit::Atom::CHI_TETRAHEDRAL_CCW) continue;
            if (got == want) continue;
            wrong = true;
            fixable = fixable && (system_of[a->getIdx()] < 0 || substituents_outside(mol, system_of, a) == 2);
            atom_flip[a->getIdx()] ^= 1;
        }
        for (const RDKit::Bond* b : mol.bonds()) {
            const auto want = b->getStereo(), got = probe.getBondWithIdx(b->getIdx())->getStereo();
            const bool ez = want == RDKit::Bond::STEREOE || want == RDKit::Bond::STEREOZ;
            if (!ez || (got != RDKit::Bond::STEREOE && got != RDKit::Bond::STEREOZ) || got == want) continue;
            wrong = true;
            fixable = fixable && !mol.getRingInfo()->numBondRings(b->getIdx());
            bond_flip[b->getIdx()] ^= 1;
        }
        if (!fixable) return -1;
        if (!wrong || round == kFixRounds) return static_cast<int>(mol.addConformer(conf.release(), true));
    }
    return -1;
}

}  // namespace vscreen::detail
