// PDBQT parsing (atoms, torsion tree, bonds by covalent radii) and pose writing with Vina's remarks.
#include "vscreen/pdbqt.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <istream>
#include <map>
#include <ostream>
#include <sstream>

#include "vscreen/ad_type.hpp"
#include "vscreen/atom_type.hpp"
#include "vscreen/detail/bonds.hpp"
#include "vscreen/detail/text.hpp"
#include "vscreen/error.hpp"

namespace vscreen {

namespace {

using detail::trim;

using detail::starts_with;

struct AtomLine {
    std::string name, ad_type;
    int serial = 0;
    Vec3 coords;
    float charge = 0;
};

float parse_float(const std::string& line, size_t pos, size_t len, const char* what, const std::string& source,
                  int lineno) {
    if (line.size() < pos + 1) fail(source, ":", lineno, ": atom line too short for ", what);
    const std::string f = trim(line.substr(pos, len));
    char* end = nullptr;
    const float v = std::strtof(f.c_str(), &end);
    if (f.empty() || end != f.c_str() + f.size() || !std::isfinite(v))
        fail(source, ":", lineno, ": cannot read ", what, " from '", f, "'");
    return v;
}

AtomLine parse_atom_line(const std::string& line, const std::string& source, int lineno) {
    AtomLine a;
    if (line.size() < 78) fail(source, ":", lineno, ": atom line has no AutoDock type (columns 78-79)");
    a.name = trim(line.substr(12, 4));
    a.serial = static_cast<int>(std::strtol(line.substr(6, 5).c_str(), nullptr, 10));
    a.coords.x = parse_float(line, 30, 8, "x", source, lineno);
    a.coords.y = parse_float(line, 38, 8, "y", source, lineno);
    a.coords.z = parse_float(line, 46, 8, "z", source, lineno);
    const std::string q = trim(line.substr(68, 8));
    a.charge = q.empty() ? 0.0f : std::strtof(q.c_str(), nullptr);
    a.ad_type = trim(line.substr(77));
    AdTypeInfo info;
    if (!ad_type_info(a.ad_type, info)) fail(source, ":", lineno, ": unsupported AutoDock atom type '", a.ad_type, "'");
    return a;
}

std::ifstream open_or_fail(const std::string& path) {
    std::ifstream f(path);
    if (!f) fail(path, ": cannot open file");
    return f;
}

}  // namespace

Receptor read_receptor_pdbqt(std::istream& in, const std::string& source) {
    std::vector<LigandAtom> atoms;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (starts_with(line, "ATOM") || starts_with(line, "HETATM")) {
            const AtomLine a = parse_atom_line(line, source, lineno);
            LigandAtom la;
            la.name = a.name;
            la.ad_type = a.ad_type;
            la.coords = a.coords;
            la.charge = a.charge;
            AdTypeInfo info;
            ad_type_info(a.ad_type, info);
            la.element = info.element;
            atoms.push_back(la);
        } else if (starts_with(line, "ROOT") || starts_with(line, "BRANCH") || starts_with(line, "BEGIN_RES")) {
            fail(source, ":", lineno, ": flexible receptor residues are not supported; give a rigid receptor");
        } else if (starts_with(line, "ENDMDL")) {
            break;
        }
    }
    if (atoms.empty()) fail(source, ": no atoms in receptor");
    std::vector<int> all(atoms.size());
    for (size_t i = 0; i < atoms.size(); ++i) all[i] = static_cast<int>(i);
    const auto bonds = detail::bonds_by_distance(atoms, all);
    try {
        assign_xs_types(atoms, bonds);
    } catch (const InputError& e) {
        fail(source, ": ", e.what());
    }
    Receptor r;
    r.name = source;
    for (const auto& a : atoms) {
        if (a.xs == kXsNone) continue;
        r.coords.push_back(a.coords);
        r.xs.push_back(a.xs);
    }
    return r;
}

Receptor read_receptor_pdbqt_file(const std::string& path) {
    auto f = open_or_fail(path);
    return read_receptor_pdbqt(f, path);
}

Ligand read_ligand_pdbqt(std::istream& in, const std::string& source) {
    struct RawNode {
        int parent;
        int parent_serial, child_serial;
        std::vector<int> atoms;  // indices into raw atoms
    };
    std::vector<AtomLine> raw;
    std::vector<RawNode> nodes;
    std::vector<int> stack;  // open nodes
    std::vector<std::string> lines;
    std::vector<int> line_raw;
    int torsdof = -1;
    bool root_open = false, root_seen = false, in_model = false;
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
        ++lineno;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (starts_with(line, "MODEL")) {
            if (in_model || root_seen) break;
            in_model = true;
            continue;
        }
        if (starts_with(line, "ENDMDL")) break;
        if (starts_with(line, "REMARK VINA") || starts_with(line, "REMARK INTER") ||
            starts_with(line, "REMARK INTRA") || starts_with(line, "REMARK UNBOUND"))
            continue;  // remarks of an earlier docking are rewritten on output
        int raw_index = -1;
        if (starts_with(line, "ROOT")) {
            if (root_seen) fail(source, ":", lineno, ": second ROOT");
            root_seen = root_open = true;
            nodes.push_back(RawNode{-1, 0, 0, {}});
            stack.push_back(0);
        } else if (starts_with(line, "ENDROOT")) {
            if (!root_open) fail(source, ":", lineno, ": ENDROOT without ROOT");
            root_open = false;
        } else if (starts_with(line, "BRANCH")) {
            if (stack.empty()) fail(source, ":", lineno, ": BRANCH outside ROOT");
            std::istringstream ss(line.substr(6));
            int a = 0, b = 0;
            if (!(ss >> a >> b)) fail(source, ":", lineno, ": BRANCH needs two atom serial numbers");
            nodes.push_back(RawNode{stack.back(), a, b, {}});
            stack.push_back(static_cast<int>(nodes.size()) - 1);
        } else if (starts_with(line, "ENDBRANCH")) {
            if (stack.size() < 2) fail(source, ":", lineno, ": ENDBRANCH without BRANCH");
            stack.pop_back();
        } else if (starts_with(line, "TORSDOF")) {
            std::istringstream ss(line.substr(7));
            if (!(ss >> torsdof) || torsdof < 0) fail(source, ":", lineno, ": cannot read TORSDOF");
        } else if (starts_with(line, "ATOM") || starts_with(line, "HETATM")) {
            if (stack.empty()) fail(source, ":", lineno, ": atom outside ROOT/BRANCH");
            raw.push_back(parse_atom_line(line, source, lineno));
            raw_index = static_cast<int>(raw.size()) - 1;
            nodes[stack.back()].atoms.push_back(raw_index);
        } else if (starts_with(line, "BEGIN_RES") || starts_with(line, "END_RES")) {
            fail(source, ":", lineno, ": flexible residues are not a ligand");
        }
        lines.push_back(line);
        line_raw.push_back(raw_index);
    }
    if (!root_seen) fail(source, ": no ROOT record; not a ligand PDBQT");
    if (stack.size() != 1) fail(source, ": unterminated BRANCH");
    if (raw.empty()) fail(source, ": ligand has no atoms");

    // Atoms grouped by node (nodes are already in pre-order).
    Ligand lig;
    lig.name = source;
    std::vector<int> new_index(raw.size(), -1);
    for (size_t k = 0; k < nodes.size(); ++k) {
        TorsionNode n;
        n.parent = nodes[k].parent;
        n.begin = static_cast<int>(lig.atoms.size());
        if (nodes[k].atoms.empty()) fail(source, ": BRANCH ", nodes[k].parent_serial, " ", nodes[k].child_serial, " has no atoms");
        for (int r : nodes[k].atoms) {
            new_index[r] = static_cast<int>(lig.atoms.size());
            LigandAtom a;
            a.name = raw[r].name;
            a.ad_type = raw[r].ad_type;
            a.coords = raw[r].coords;
            a.charge = raw[r].charge;
            lig.atoms.push_back(a);
        }
        n.end = static_cast<int>(lig.atoms.size());
        lig.nodes.push_back(n);
    }
    // Resolve BRANCH serial numbers.
    std::map<int, int> by_serial;
    for (size_t r = 0; r < raw.size(); ++r) by_serial[raw[r].serial] = new_index[r];
    for (size_t k = 1; k < nodes.size(); ++k) {
        auto pa = by_serial.find(nodes[k].parent_serial);
        auto ch = by_serial.find(nodes[k].child_serial);
        if (pa == by_serial.end() || ch == by_serial.end())
            fail(source, ": BRANCH ", nodes[k].parent_serial, " ", nodes[k].child_serial, " names an unknown atom");
        lig.nodes[k].parent_atom = pa->second;
        lig.nodes[k].child_atom = ch->second;
    }
    // Bonds: by distance within each rigid fragment, plus the rotatable bonds.
    for (const TorsionNode& n : lig.nodes) {
        std::vector<int> members;
        for (int a = n.begin; a < n.end; ++a) members.push_back(a);
        for (const auto& b : detail::bonds_by_distance(lig.atoms, members)) lig.bonds.push_back(b);
    }
    for (size_t k = 1; k < lig.nodes.size(); ++k) lig.bonds.push_back({lig.nodes[k].parent_atom, lig.nodes[k].child_atom});
    try {
        assign_xs_types(lig.atoms, lig.bonds);
    } catch (const InputError& e) {
        fail(source, ": ", e.what());
    }
    (void)torsdof;  // Vina 1.2 reads TORSDOF but counts Nrot from the bonds for its scoring
    lig.num_rotors = count_rotors(lig);
    lig.pdbqt_lines = std::move(lines);
    lig.line_atom.resize(line_raw.size());
    for (size_t i = 0; i < line_raw.size(); ++i) lig.line_atom[i] = line_raw[i] >= 0 ? new_index[line_raw[i]] : -1;
    validate(lig, source);
    return lig;
}

Ligand read_ligand_pdbqt_file(const std::string& path) {
    auto f = open_or_fail(path);
    Ligand lig = read_ligand_pdbqt(f, path);
    const auto slash = path.find_last_of('/');
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    const auto dot = base.find_last_of('.');
    lig.name = dot == std::string::npos ? base : base.substr(0, dot);
    return lig;
}

void make_pdbqt_template(Ligand& lig) {
    lig.pdbqt_lines.clear();
    lig.line_atom.clear();
    auto add = [&](const std::string& s, int atom) {
        lig.pdbqt_lines.push_back(s);
        lig.line_atom.push_back(atom);
    };
    char buf[128];
    auto atom_line = [&](int a) {
        const LigandAtom& at = lig.atoms[a];
        std::string name = at.name.empty() ? element_symbol(at.element) : at.name;
        if (name.size() > 4) name = name.substr(0, 4);
        std::snprintf(buf, sizeof buf, "ATOM  %5d %-4s UNL     1    %8.3f%8.3f%8.3f  1.00  0.00    %6.3f %-2s", a + 1,
                      name.c_str(), at.coords.x, at.coords.y, at.coords.z, at.charge, at.ad_type.c_str());
        add(buf, a);
    };
    std::vector<std::vector<int>> children(lig.nodes.size());
    for (size_t k = 1; k < lig.nodes.size(); ++k) children[lig.nodes[k].parent].push_back(static_cast<int>(k));
    // Recursive emission in pre-order, which is the node order.
    std::vector<std::pair<int, bool>> todo{{0, false}};
    while (!todo.empty()) {
        auto [k, closing] = todo.back();
        todo.pop_back();
        const TorsionNode& n = lig.nodes[k];
        if (closing) {
            std::snprintf(buf, sizeof buf, "ENDBRANCH %3d %3d", n.parent_atom + 1, n.child_atom + 1);
            add(buf, -1);
            continue;
        }
        if (k == 0) {
            add("ROOT", -1);
        } else {
            std::snprintf(buf, sizeof buf, "BRANCH %3d %3d", n.parent_atom + 1, n.child_atom + 1);
            add(buf, -1);
        }
        for (int a = n.begin; a < n.end; ++a) atom_line(a);
        if (k == 0) add("ENDROOT", -1);
        else todo.push_back({k, true});
        for (auto it = children[k].rbegin(); it != children[k].rend(); ++it) todo.push_back({*it, false});
    }
    std::snprintf(buf, sizeof buf, "TORSDOF %d", lig.num_torsions());
    add(buf, -1);
}

namespace {
void write_lines(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords) {
    if (coords.size() != lig.atoms.size()) fail<Error>("write_pdbqt: ", coords.size(), " coordinates for ", lig.atoms.size(), " atoms");
    if (lig.pdbqt_lines.empty()) {
        Ligand copy = lig;
        make_pdbqt_template(copy);
        write_lines(out, copy, coords);
        return;
    }
    char xyz[32];
    for (size_t i = 0; i < lig.pdbqt_lines.size(); ++i) {
        const std::string& l = lig.pdbqt_lines[i];
        const int a = lig.line_atom[i];
        if (a < 0) {
            out << l << '\n';
            continue;
        }
        std::snprintf(xyz, sizeof xyz, "%8.3f%8.3f%8.3f", coords[a].x, coords[a].y, coords[a].z);
        out << l.substr(0, 30) << xyz << l.substr(54) << '\n';
    }
}

void remark(std::ostream& out, const char* label, float v) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%*.3f", label, 37 - static_cast<int>(std::string(label).size()), v);
    out << buf << '\n';
}
}  // namespace

void write_pdbqt_model(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords, int model,
                       const ModeRemarks& r) {
    char buf[96];
    out << "MODEL " << model << '\n';
    std::snprintf(buf, sizeof buf, "REMARK VINA RESULT: %9.3f  %9.3f  %9.3f", r.affinity, r.rmsd_lb, r.rmsd_ub);
    out << buf << '\n';
    remark(out, "REMARK INTER + INTRA:", r.inter_plus_intra);
    remark(out, "REMARK INTER:", r.inter);
    remark(out, "REMARK INTRA:", r.intra);
    remark(out, "REMARK UNBOUND:", r.unbound);
    if (r.search_evaluations >= 0) out << "REMARK VSCREEN SEARCH EVALUATIONS: " << r.search_evaluations << '\n';
    write_lines(out, lig, coords);
    out << "ENDMDL\n";
}

void write_pdbqt(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords) { write_lines(out, lig, coords); }

}  // namespace vscreen
