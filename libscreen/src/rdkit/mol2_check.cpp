// Layout checks of a Tripos MOL2 block before RDKit's parser sees it (the parser indexes its atoms without
// bounds checks: a bond to atom 0 crashed it, found by fuzzing).
#include <sstream>
#include <string>
#include <vector>

#include "rdkit_common.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

namespace {

/// The lines of one section ("ATOM", "BOND"): from its @<TRIPOS> line to the next, blank lines left out.
std::vector<std::string> section(const std::vector<std::string>& lines, const std::string& name, bool& found) {
    std::vector<std::string> out;
    found = false;
    bool in = false;
    for (const std::string& l : lines) {
        if (l.rfind("@<TRIPOS>", 0) == 0) {
            if (in) break;
            const size_t end = l.find_first_of(" \t\r", 9);
            in = l.substr(9, end == std::string::npos ? std::string::npos : end - 9) == name;
            found = found || in;
            continue;
        }
        if (in && l.find_first_not_of(" \t\r") != std::string::npos) out.push_back(l);
    }
    return out;
}

bool read_long(std::istringstream& in, long& v) { return static_cast<bool>(in >> v); }

}  // namespace

std::string mol2_layout_error(const std::string& block) {
    std::vector<std::string> lines;
    {
        std::istringstream in(block);
        for (std::string l; std::getline(in, l);) lines.push_back(l);
    }
    size_t head = 0;
    while (head < lines.size() && lines[head].rfind("@<TRIPOS>MOLECULE", 0) != 0) ++head;
    if (head + 2 >= lines.size()) return "no molecule header (@<TRIPOS>MOLECULE, name, counts)";
    std::istringstream counts(lines[head + 2]);
    long atoms = 0, bonds = 0;
    if (!read_long(counts, atoms) || atoms < 1) return "the header's atom count is missing or below 1";
    if (!read_long(counts, bonds)) bonds = 0;
    if (bonds < 0) return "the header's bond count is negative";
    bool has_atoms = false, has_bonds = false;
    const std::vector<std::string> atom_lines = section(lines, "ATOM", has_atoms);
    if (!has_atoms) return "no @<TRIPOS>ATOM section";
    if (static_cast<long>(atom_lines.size()) < atoms)
        return cat("the header says ", atoms, " atoms, the ATOM section has ", atom_lines.size(), " lines");
    const std::vector<std::string> bond_lines = section(lines, "BOND", has_bonds);
    if (bonds > 0 && static_cast<long>(bond_lines.size()) < bonds)
        return cat("the header says ", bonds, " bonds, the BOND section has ", bond_lines.size(), " lines");
    for (long b = 0; b < bonds; ++b) {
        std::istringstream in(bond_lines[static_cast<size_t>(b)]);
        long id = 0, from = 0, to = 0;
        if (!read_long(in, id) || !read_long(in, from) || !read_long(in, to))
            return cat("bond line ", b + 1, " has no bond id and two atom numbers");
        if (from < 1 || from > atoms || to < 1 || to > atoms)
            return cat("bond ", id, " joins atoms ", from, " and ", to, "; the molecule has atoms 1 to ", atoms);
    }
    return "";
}

}  // namespace vscreen::detail
