// AutoDock 4 atom type table (elements, covalent radii) and element symbols.
#include "vscreen/ad_type.hpp"

#include <algorithm>
#include <cctype>

namespace vscreen {

namespace {

struct AdRow {
    const char* name;
    int element;
    float covalent_radius;
    bool acceptor;
};

// Covalent radii as in AutoDock Vina's atom constants; metals are XS donors (Met_D).
constexpr AdRow kAdTypes[] = {
    {"C", 6, 0.77f, false},   {"A", 6, 0.77f, false},   {"N", 7, 0.75f, false},   {"NA", 7, 0.75f, true},
    {"O", 8, 0.73f, false},   {"OA", 8, 0.73f, true},
    {"S", 16, 1.02f, false},  {"SA", 16, 1.02f, false}, {"P", 15, 1.06f, false},  {"H", 1, 0.37f, false},
    {"HD", 1, 0.37f, false},  {"F", 9, 0.71f, false},   {"Cl", 17, 0.99f, false},
    {"CL", 17, 0.99f, false}, {"Br", 35, 1.14f, false}, {"BR", 35, 1.14f, false}, {"I", 53, 1.33f, false},
    {"Si", 14, 1.11f, false}, {"At", 85, 1.45f, false}, {"Mg", 12, 1.30f, false}, {"MG", 12, 1.30f, false},
    {"Mn", 25, 1.39f, false}, {"MN", 25, 1.39f, false}, {"Zn", 30, 1.31f, false}, {"ZN", 30, 1.31f, false},
    {"Ca", 20, 1.74f, false}, {"CA", 20, 1.74f, false}, {"Fe", 26, 1.25f, false}, {"FE", 26, 1.25f, false},
    {"Cu", 29, 1.38f, false}, {"Co", 27, 1.26f, false}, {"Ni", 28, 1.21f, false}, {"Na", 11, 1.54f, false},
    {"K", 19, 1.96f, false},  {"Hg", 80, 1.49f, false}, {"Cd", 48, 1.48f, false}, {"Sr", 38, 1.92f, false},
    {"CG0", 6, 0.77f, false}, {"CG1", 6, 0.77f, false}, {"CG2", 6, 0.77f, false}, {"CG3", 6, 0.77f, false},
    {"B", 5, 0.82f, false},
};

constexpr const char* kSymbols[] = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",
    "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
    "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho",
    "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po",
    "At"};
constexpr int kNumSymbols = sizeof(kSymbols) / sizeof(kSymbols[0]);

bool is_metal(int z) {
    switch (z) {
        case 11: case 12: case 19: case 20: case 25: case 26: case 27: case 28: case 29: case 30:
        case 38: case 48: case 80:
            return true;
        default:
            return false;
    }
}

}  // namespace

bool ad_type_info(const std::string& ad_type, AdTypeInfo& out) {
    for (const AdRow& r : kAdTypes) {
        if (ad_type == r.name) {
            out.element = r.element;
            out.covalent_radius = r.covalent_radius;
            out.acceptor = r.acceptor;
            out.metal = is_metal(r.element);
            out.heteroatom = r.element != 6 && r.element != 1;
            return true;
        }
    }
    return false;
}

std::string element_symbol(int z) { return (z > 0 && z < kNumSymbols) ? kSymbols[z] : "X"; }

int element_from_symbol(const std::string& symbol) {
    if (symbol.empty()) return 0;
    std::string s = symbol;
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    for (int z = 1; z < kNumSymbols; ++z)
        if (s == kSymbols[z]) return z;
    return 0;
}

float covalent_radius(int element) {
    for (const AdRow& r : kAdTypes)
        if (r.element == element) return r.covalent_radius;
    return 1.5f;
}

}  // namespace vscreen
