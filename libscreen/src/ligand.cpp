// XS typing from AD types and bonds, and structural checks of a ligand's torsion tree.
#include "vscreen/ligand.hpp"

#include "vscreen/ad_type.hpp"
#include "vscreen/atom_type.hpp"
#include "vscreen/error.hpp"

namespace vscreen {

namespace {
const char* const kXsNames[kXsCount] = {"C_H", "C_P",  "N_P", "N_D", "N_A", "N_DA", "O_P", "O_D", "O_A", "O_DA",
                                        "S_P", "P_P",  "F_H", "Cl_H", "Br_H", "I_H", "Si", "At", "Met_D"};
}

const char* xs_name(int t) { return (t >= 0 && t < kXsCount) ? kXsNames[t] : "none"; }

int Ligand::num_heavy_atoms() const {
    int n = 0;
    for (const auto& a : atoms) n += a.element != 1;
    return n;
}

void assign_xs_types(std::vector<LigandAtom>& atoms, const std::vector<std::array<int, 2>>& bonds) {
    const size_t n = atoms.size();
    std::vector<AdTypeInfo> info(n);
    for (size_t i = 0; i < n; ++i)
        if (!ad_type_info(atoms[i].ad_type, info[i]))
            fail("atom ", i + 1, " (", atoms[i].name, "): unsupported AutoDock type '", atoms[i].ad_type, "'");
    std::vector<bool> near_hetero(n, false), near_hd(n, false);
    for (const auto& b : bonds) {
        for (int side = 0; side < 2; ++side) {
            const int a = b[side], o = b[1 - side];
            if (info[o].heteroatom) near_hetero[a] = true;
            if (atoms[o].ad_type == "HD") near_hd[a] = true;
        }
    }
    for (size_t i = 0; i < n; ++i) {
        LigandAtom& a = atoms[i];
        const AdTypeInfo& t = info[i];
        a.element = t.element;
        const bool donor = t.metal || near_hd[i];
        unsigned char xs = kXsNone;
        switch (t.element) {
            case 1: xs = kXsNone; break;
            case 6: xs = near_hetero[i] ? kXsC_P : kXsC_H; break;
            case 7: xs = t.acceptor ? (donor ? kXsN_DA : kXsN_A) : (donor ? kXsN_D : kXsN_P); break;
            case 8: xs = t.acceptor ? (donor ? kXsO_DA : kXsO_A) : (donor ? kXsO_D : kXsO_P); break;
            case 16: xs = kXsS_P; break;
            case 15: xs = kXsP_P; break;
            case 9: xs = kXsF_H; break;
            case 17: xs = kXsCl_H; break;
            case 35: xs = kXsBr_H; break;
            case 53: xs = kXsI_H; break;
            case 14: xs = kXsSi; break;
            case 85: xs = kXsAt; break;
            default:
                if (t.metal) { xs = kXsMet_D; break; }
                fail("atom ", i + 1, " (", a.name, "): element ", element_symbol(t.element),
                     " is not supported by the Vina scoring functions");
        }
        a.xs = xs;
    }
}

float count_rotors(const Ligand& lig) {
    const size_t n = lig.atoms.size();
    std::vector<int> heavy_degree(n, 0);
    for (const auto& b : lig.bonds)
        if (lig.atoms[b[0]].element != 1 && lig.atoms[b[1]].element != 1) {
            ++heavy_degree[b[0]];
            ++heavy_degree[b[1]];
        }
    float count = 0;
    for (size_t k = 1; k < lig.nodes.size(); ++k) {
        const int a = lig.nodes[k].parent_atom, b = lig.nodes[k].child_atom;
        if (lig.atoms[a].element == 1 || lig.atoms[b].element == 1) continue;
        if (heavy_degree[b] > 1) count += 0.5f;
        if (heavy_degree[a] > 1) count += 0.5f;
    }
    return count;
}

void validate(const Ligand& lig, const std::string& context) {
    const int na = static_cast<int>(lig.atoms.size());
    if (na == 0) fail(context, ": ligand has no atoms");
    if (lig.nodes.empty()) fail(context, ": ligand has no torsion tree");
    int expected = 0;
    for (size_t k = 0; k < lig.nodes.size(); ++k) {
        const TorsionNode& n = lig.nodes[k];
        if (n.begin != expected || n.end <= n.begin) fail(context, ": torsion tree fragment ", k, " is empty or not contiguous");
        expected = n.end;
        if (k == 0) {
            if (n.parent != -1) fail(context, ": root fragment has a parent");
            continue;
        }
        if (n.parent < 0 || n.parent >= static_cast<int>(k)) fail(context, ": fragment ", k, " has an invalid parent");
        const TorsionNode& p = lig.nodes[n.parent];
        if (n.parent_atom < p.begin || n.parent_atom >= p.end)
            fail(context, ": rotatable bond of fragment ", k, " does not start in its parent fragment");
        if (n.child_atom < n.begin || n.child_atom >= n.end)
            fail(context, ": rotatable bond of fragment ", k, " does not end in the fragment");
    }
    if (expected != na) fail(context, ": torsion tree covers ", expected, " of ", na, " atoms");
    for (int a = 0; a < na; ++a)
        if (lig.atoms[a].element != 1 && lig.atoms[a].xs == kXsNone)
            fail(context, ": atom ", a + 1, " has no XS type");
}

}  // namespace vscreen
