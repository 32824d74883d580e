// Docking-ready ligands from RDKit molecules: AutoDock typing, rotatable bonds, torsion tree, riders.
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PartialCharges/GasteigerCharges.h>

#include "rdkit_common.hpp"
#include "vscreen/ad_type.hpp"
#include "vscreen/error.hpp"
#include "vscreen/molecule_io.hpp"
#include "vscreen/pdbqt.hpp"

namespace vscreen {

namespace detail {

namespace {

/// True when `atom` has a double bond to one of the elements O, N, S.
bool has_double_bond_to_ons(const RDKit::Atom& atom) {
    const RDKit::ROMol& mol = atom.getOwningMol();
    for (const RDKit::Bond* b : mol.atomBonds(&atom)) {
        if (b->getBondType() != RDKit::Bond::DOUBLE) continue;
        const int z = b->getOtherAtom(&atom)->getAtomicNum();
        if (z == 7 || z == 8 || z == 16) return true;
    }
    return false;
}

bool has_double_bond_to(const RDKit::Atom& atom, int z1, int z2) {
    const RDKit::ROMol& mol = atom.getOwningMol();
    for (const RDKit::Bond* b : mol.atomBonds(&atom)) {
        if (b->getBondType() != RDKit::Bond::DOUBLE) continue;
        const int z = b->getOtherAtom(&atom)->getAtomicNum();
        if (z == z1 || z == z2) return true;
    }
    return false;
}

bool in_triple_bond(const RDKit::Atom& atom) {
    const RDKit::ROMol& mol = atom.getOwningMol();
    for (const RDKit::Bond* b : mol.atomBonds(&atom))
        if (b->getBondType() == RDKit::Bond::TRIPLE) return true;
    return false;
}

/// Neighbours plus the hydrogens RDKit holds as counts (explicit hydrogens atoms are neighbours already).
unsigned total_connections(const RDKit::Atom& atom) {
    unsigned n = atom.getDegree() + atom.getNumExplicitHs();
    try {
        // needs a property cache; a molecule read without sanitising may lack it
        if (!atom.getNoImplicit()) n += atom.getNumImplicitHs();
    } catch (const std::exception&) {
    }
    return n;
}

unsigned hydrogen_count(const RDKit::Atom& atom) {
    unsigned n = atom.getNumExplicitHs();
    try {
        if (!atom.getNoImplicit()) n += atom.getNumImplicitHs();
    } catch (const std::exception&) {
    }
    const RDKit::ROMol& mol = atom.getOwningMol();
    for (const RDKit::Atom* nb : mol.atomNeighbors(&atom)) n += nb->getAtomicNum() == 1;
    return n;
}

}  // namespace

bool nitrogen_is_acceptor(const RDKit::Atom& atom) {
    if (atom.getFormalCharge() > 0) return false;
    const unsigned conn = total_connections(atom);
    if (conn >= 4) return false;
    if (atom.getIsAromatic() && hydrogen_count(atom) > 0) return false;  // pyrrole-type N-H
    if (conn == 3) {
        const RDKit::ROMol& mol = atom.getOwningMol();
        for (const RDKit::Atom* nb : mol.atomNeighbors(&atom)) {
            if (nb->getIsAromatic()) return false;  // aniline, N-substituted azole
            const int z = nb->getAtomicNum();
            if ((z == 6 || z == 16 || z == 15) && has_double_bond_to_ons(*nb)) return false;  // amide-like
        }
    }
    return true;  // pyridine-type, imine, nitrile, sp3 amine
}

std::string ad_type_of(const RDKit::Atom& atom) {
    const int z = atom.getAtomicNum();
    switch (z) {
        case 1: {
            const RDKit::ROMol& mol = atom.getOwningMol();
            for (const RDKit::Atom* nb : mol.atomNeighbors(&atom))
                if (nb->getAtomicNum() == 7 || nb->getAtomicNum() == 8) return "HD";
            return "H";
        }
        case 6: return atom.getIsAromatic() ? "A" : "C";
        case 7: return nitrogen_is_acceptor(atom) ? "NA" : "N";
        case 8: return "OA";
        case 16: return "SA";
        case 15: return "P";
        case 9: return "F";
        case 17: return "Cl";
        case 35: return "Br";
        case 53: return "I";
        case 14: return "Si";
        default: break;
    }
    AdTypeInfo info;
    const std::string sym = element_symbol(z);
    if (z > 0 && ad_type_info(sym, info) && info.metal) return sym;
    return "";
}

std::string ligand_ad_type_of(const RDKit::Atom& atom) {
    std::string ad = ad_type_of(atom);
    if (!ad.empty()) return ad;
    switch (atom.getAtomicNum()) {
        case 5: return "C";    // boron: the typing AutoDock's maintainers advise (meeko -aa '[B]' -> C)
        case 34: return "SA";  // selenium: its group's typable element, sulfur
        case 33: return "P";   // arsenic: its group's typable element, phosphorus
        default: return "";
    }
}

void require_supported_elements(const RDKit::ROMol& mol, const std::string& name) {
    for (const RDKit::Atom* a : mol.atoms()) {
        const int z = a->getAtomicNum();
        if (z == 0) fail(name, ": atom ", a->getIdx() + 1, " is a dummy atom (*); unsupported element");
        if (z != 1 && ligand_ad_type_of(*a).empty())
            fail(name, ": unsupported element ", a->getSymbol(), " (atom ", a->getIdx() + 1,
                 "); the Vina scoring functions have no parameters for it");
    }
}

Ligand ligand_from_rdkit(RDKit::RWMol& mol, const std::string& name) {
    if (mol.getNumAtoms() == 0) fail(name, ": molecule has no atoms");
    if (mol.getNumConformers() == 0) fail(name, ": molecule has no coordinates; docking needs 3D coordinates");
    {
        const RDKit::Conformer& conf = mol.getConformer();
        bool any_z = false;
        for (unsigned i = 0; i < mol.getNumAtoms(); ++i) any_z = any_z || std::fabs(conf.getAtomPos(i).z) > 1e-4;
        if (!conf.is3D() || (!any_z && mol.getNumAtoms() > 1))
            fail(name, ": molecule has 2D coordinates; docking needs 3D coordinates (embed a conformer first)");
    }
    {
        std::vector<int> frag_of_atom;
        const unsigned nfrag = RDKit::MolOps::getMolFrags(mol, frag_of_atom);
        if (nfrag > 1) fail(name, ": molecule has several fragments; keep one (", nfrag, " found; strip salts and counter-ions)");
    }
    require_supported_elements(mol, name);

    // Hydrogens: the polar ones are docking atoms, the others ride on their heavy neighbour.
    RDKit::MolOps::addHs(mol, false, true);
    mol.getRingInfo()->reset();
    RDKit::MolOps::findSSSR(mol);
    try {
        RDKit::computeGasteigerCharges(mol, 12, false);
    } catch (const std::exception&) {
        // charges are informative only (Vina scoring does not use them); keep 0 on failure
    }

    const int n = static_cast<int>(mol.getNumAtoms());
    const RDKit::Conformer& conf = mol.getConformer();
    std::vector<std::string> ad(n);
    std::vector<char> kept(n, 0);
    for (const RDKit::Atom* a : mol.atoms()) {
        const int i = static_cast<int>(a->getIdx());
        ad[i] = ligand_ad_type_of(*a);
        if (ad[i].empty()) fail(name, ": unsupported element ", a->getSymbol(), " (atom ", i + 1, ")");
        kept[i] = ad[i] != "H";
    }
    // Only non-polar hydrogens (an H2 record): no docking atom, so no torsion tree (found by fuzzing: the tree
    // walk indexed an empty fragment list).
    if (std::find(kept.begin(), kept.end(), 1) == kept.end()) fail(name, ": no heavy atom; not a docking ligand");
    std::vector<int> kept_degree(n, 0);
    for (const RDKit::Bond* b : mol.bonds()) {
        const int u = static_cast<int>(b->getBeginAtomIdx()), v = static_cast<int>(b->getEndAtomIdx());
        if (kept[u] && kept[v]) {
            ++kept_degree[u];
            ++kept_degree[v];
        }
    }

    // Rotatable bonds: single, acyclic, between non-terminal atoms, not amide C-N, not next to a triple bond.
    const RDKit::RingInfo* rings = mol.getRingInfo();
    auto is_amide = [&](const RDKit::Atom* c, const RDKit::Atom* nn) {
        return c->getAtomicNum() == 6 && nn->getAtomicNum() == 7 && has_double_bond_to(*c, 8, 16);
    };
    std::vector<char> rotatable(mol.getNumBonds(), 0);
    for (const RDKit::Bond* b : mol.bonds()) {
        const RDKit::Atom* a1 = b->getBeginAtom();
        const RDKit::Atom* a2 = b->getEndAtom();
        const int u = static_cast<int>(a1->getIdx()), v = static_cast<int>(a2->getIdx());
        if (!kept[u] || !kept[v]) continue;
        if (b->getBondType() != RDKit::Bond::SINGLE) continue;
        if (rings->numBondRings(b->getIdx()) > 0) continue;
        if (kept_degree[u] < 2 || kept_degree[v] < 2) continue;
        if (is_amide(a1, a2) || is_amide(a2, a1)) continue;
        if (in_triple_bond(*a1) || in_triple_bond(*a2)) continue;
        rotatable[b->getIdx()] = 1;
    }

    // Rigid fragments: connected components of kept atoms over the non-rotatable bonds.
    std::vector<int> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](int x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const RDKit::Bond* b : mol.bonds()) {
        const int u = static_cast<int>(b->getBeginAtomIdx()), v = static_cast<int>(b->getEndAtomIdx());
        if (kept[u] && kept[v] && !rotatable[b->getIdx()]) parent[find(u)] = find(v);
    }
    std::vector<int> frag(n, -1), root_to_frag(n, -1);
    int nfrag = 0;
    for (int i = 0; i < n; ++i) {
        if (!kept[i]) continue;
        const int r = find(i);
        if (root_to_frag[r] < 0) root_to_frag[r] = nfrag++;
        frag[i] = root_to_frag[r];
    }
    struct Edge {
        int to, atom_here, atom_there;
    };
    std::vector<std::vector<Edge>> adj(nfrag);
    std::vector<int> heavy_in_frag(nfrag, 0);
    for (int i = 0; i < n; ++i)
        if (kept[i] && mol.getAtomWithIdx(i)->getAtomicNum() != 1) ++heavy_in_frag[frag[i]];
    for (const RDKit::Bond* b : mol.bonds()) {
        if (!rotatable[b->getIdx()]) continue;
        const int u = static_cast<int>(b->getBeginAtomIdx()), v = static_cast<int>(b->getEndAtomIdx());
        adj[frag[u]].push_back({frag[v], u, v});
        adj[frag[v]].push_back({frag[u], v, u});
    }
    for (auto& e : adj) std::sort(e.begin(), e.end(), [](const Edge& x, const Edge& y) { return x.to < y.to; });

    // Root: the tree centre (smallest largest torsion count to any fragment); ties to the most heavy atoms.
    int root = 0, best_ecc = nfrag + 1;
    for (int f = 0; f < nfrag; ++f) {
        std::vector<int> dist(nfrag, -1);
        std::vector<int> queue{f};
        dist[f] = 0;
        int ecc = 0;
        for (size_t q = 0; q < queue.size(); ++q) {
            const int x = queue[q];
            ecc = std::max(ecc, dist[x]);
            for (const Edge& e : adj[x])
                if (dist[e.to] < 0) {
                    dist[e.to] = dist[x] + 1;
                    queue.push_back(e.to);
                }
        }
        if (static_cast<int>(queue.size()) != nfrag)
            fail(name, ": internal error: torsion tree of the molecule is not connected");
        if (ecc < best_ecc || (ecc == best_ecc && heavy_in_frag[f] > heavy_in_frag[root])) {
            best_ecc = ecc;
            root = f;
        }
    }

    // Pre-order walk; each node's atoms keep their input order.
    std::vector<std::vector<int>> frag_atoms(nfrag);
    for (int i = 0; i < n; ++i)
        if (kept[i]) frag_atoms[frag[i]].push_back(i);
    struct Visit {
        int frag, parent_node, parent_mol_atom, child_mol_atom;
    };
    std::vector<Visit> stack{{root, -1, -1, -1}};
    std::vector<char> seen(nfrag, 0);
    std::vector<int> new_index(n, -1), node_of_frag(nfrag, -1);
    std::vector<Visit> order;
    Ligand lig;
    lig.name = name;
    while (!stack.empty()) {
        const Visit v = stack.back();
        stack.pop_back();
        if (seen[v.frag]) continue;
        seen[v.frag] = 1;
        TorsionNode node;
        node.parent = v.parent_node;
        node.begin = static_cast<int>(lig.atoms.size());
        for (int i : frag_atoms[v.frag]) {
            new_index[i] = static_cast<int>(lig.atoms.size());
            const RDKit::Atom* a = mol.getAtomWithIdx(i);
            LigandAtom la;
            std::string atom_name;
            if (!a->getPropIfPresent<std::string>("_TriposAtomName", atom_name) || atom_name.empty())
                atom_name = a->getSymbol() + std::to_string(i + 1);
            la.name = atom_name;
            la.ad_type = ad[i];
            la.element = a->getAtomicNum();
            const RDGeom::Point3D& p = conf.getAtomPos(i);
            la.coords = make_vec3(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z));
            double q = 0;
            if (a->getPropIfPresent<double>("_GasteigerCharge", q) && std::isfinite(q)) la.charge = static_cast<float>(q);
            lig.atoms.push_back(la);
            lig.molblock_index.push_back(i);
        }
        node.end = static_cast<int>(lig.atoms.size());
        if (v.parent_node >= 0) {
            node.parent_atom = new_index[v.parent_mol_atom];
            node.child_atom = new_index[v.child_mol_atom];
        }
        const int k = static_cast<int>(lig.nodes.size());
        node_of_frag[v.frag] = k;
        lig.nodes.push_back(node);
        for (auto it = adj[v.frag].rbegin(); it != adj[v.frag].rend(); ++it)
            if (!seen[it->to]) stack.push_back({it->to, k, it->atom_here, it->atom_there});
    }

    for (const RDKit::Bond* b : mol.bonds()) {
        const int u = static_cast<int>(b->getBeginAtomIdx()), v = static_cast<int>(b->getEndAtomIdx());
        if (kept[u] && kept[v]) lig.bonds.push_back({new_index[u], new_index[v]});
    }
    for (int i = 0; i < n; ++i) {
        if (kept[i]) continue;
        const RDKit::Atom* h = mol.getAtomWithIdx(i);
        int heavy = -1;
        for (const RDKit::Atom* nb : mol.atomNeighbors(h))
            if (kept[nb->getIdx()]) heavy = static_cast<int>(nb->getIdx());
        if (heavy < 0) fail(name, ": hydrogen atom ", i + 1, " is not bonded to a heavy atom");
        RiderAtom r;
        r.node = node_of_frag[frag[heavy]];
        const RDGeom::Point3D& p = conf.getAtomPos(i);
        r.coords = make_vec3(static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z));
        r.molblock_index = i;
        lig.riders.push_back(r);
    }

    try {
        assign_xs_types(lig.atoms, lig.bonds);
    } catch (const InputError& e) {
        fail(name, ": ", e.what());
    }
    lig.num_rotors = count_rotors(lig);
    mol.setProp(RDKit::common_properties::_Name, name);
    try {
        lig.molblock = RDKit::MolToMolBlock(mol);
    } catch (const std::exception& e) {
        fail(name, ": cannot write the molecule as a molblock: ", e.what());
    }
    make_pdbqt_template(lig);
    validate(lig, name);
    return lig;
}

}  // namespace detail

Ligand ligand_from_molblock(const std::string& molblock, const std::string& name) {
    std::unique_ptr<RDKit::RWMol> mol;
    {
        detail::QuietRdkit quiet;
        try {
            mol.reset(RDKit::MolBlockToMol(molblock, true, false));
        } catch (const std::exception& e) {
            fail(name, ": cannot read the molblock: ", e.what());
        }
    }
    if (!mol) fail(name, ": cannot read the molblock: no molecule in it");
    return detail::ligand_from_rdkit(*mol, name);
}

}  // namespace vscreen
