// InChI through the IUPAC InChI library: standard InChIKeys of molecules, molecules from standard InChI strings.
// The library is not re-entrant (it answers "busy" to a concurrent call), so every call holds one mutex.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <GraphMol/GraphMol.h>
#include <GraphMol/MolOps.h>
#include <GraphMol/PeriodicTable.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

#ifdef VSCREEN_HAVE_INCHI
#include <inchi_api.h>
#endif

namespace vscreen::detail {

#ifndef VSCREEN_HAVE_INCHI

std::string inchikey_of(const RDKit::ROMol&) { return {}; }
MolPtr molecule_from_inchi(const std::string&) {
    fail("InChI input is not supported by this build (built without the IUPAC InChI library, libinchi-dev)");
}

#else

namespace {

std::mutex& inchi_mutex() {
    static std::mutex m;
    return m;
}

constexpr int kPlaceholderH = -2;  // stands for an implicit hydrogen in a list of neighbours

/// Parity of the permutation that takes `from` to `to` (same elements): true when odd.
bool odd_permutation(std::vector<int> from, const std::vector<int>& to) {
    bool odd = false;
    for (size_t i = 0; i < to.size(); ++i) {
        if (from[i] == to[i]) continue;
        const auto j = std::find(from.begin() + static_cast<long>(i) + 1, from.end(), to[i]);
        if (j == from.end()) fail<Error>("internal error: InChI stereo neighbours do not match the molecule's");
        std::iter_swap(from.begin() + static_cast<long>(i), j);
        odd = !odd;
    }
    return odd;
}

/// Neighbours of an atom in RDKit's bond order; with three, the implicit hydrogen or lone pair goes last (that is
/// how RDKit reads chiral tags; InChI puts the central atom in its place, first).
std::vector<int> rdkit_neighbours(const RDKit::ROMol& mol, const RDKit::Atom& atom) {
    std::vector<int> out;
    for (const RDKit::Bond* b : mol.atomBonds(&atom)) out.push_back(static_cast<int>(b->getOtherAtomIdx(atom.getIdx())));
    if (out.size() == 3) out.push_back(kPlaceholderH);
    return out;
}

// Tetrahedral parity: InChI 'e' (even) when det(X-W, Y-W, Z-W) > 0 for its list {W, X, Y, Z}; RDKit CW when the
// same determinant is positive for its neighbour list. The two agree when the lists are an even permutation.

/// Heavy atoms of each component of an InChI formula layer ("C2H6O.2Na" -> {3, 1, 1}), or false when it is not
/// a formula (the components a multiplier repeats are listed once each).
bool formula_components(const std::string& formula, std::vector<long>& atoms) {
    size_t i = 0;
    while (i <= formula.size()) {
        const size_t end = std::min(formula.find('.', i), formula.size());
        const std::string part = formula.substr(i, end - i);
        size_t k = 0;
        long repeat = 0;
        while (k < part.size() && std::isdigit(static_cast<unsigned char>(part[k])) && repeat < 100000)
            repeat = repeat * 10 + (part[k++] - '0');
        if (k == 0) repeat = 1;
        long heavy = 0;
        if (k == part.size() || repeat < 1 || repeat > 10000) return false;
        while (k < part.size()) {
            if (!std::isupper(static_cast<unsigned char>(part[k]))) return false;
            std::string element(1, part[k++]);
            while (k < part.size() && std::islower(static_cast<unsigned char>(part[k]))) element += part[k++];
            long count = 0;
            bool digits = false;
            while (k < part.size() && std::isdigit(static_cast<unsigned char>(part[k])) && count < 100000) {
                count = count * 10 + (part[k++] - '0');
                digits = true;
            }
            if (!digits) count = 1;
            if (count < 1 || count >= 100000) return false;
            if (element != "H") heavy += count;
        }
        for (long r = 0; r < repeat; ++r) atoms.push_back(heavy);
        if (atoms.size() > 10000) return false;
        i = end + 1;
    }
    return !atoms.empty();
}

/// Why a standard InChI string must not be handed to libinchi, or "" when it may: libinchi 1.03 (Debian) reads
/// past its arrays on a connection layer that names atoms its formula does not have (e.g. "InChI=1S/C.P26O/c13",
/// found by fuzzing), so the atom numbers of each component's connections are checked against its formula first.
std::string inchi_string_error(const std::string& inchi) {
    const size_t prefix = inchi.find('/');
    if (prefix == std::string::npos) return "no formula layer";
    const size_t formula_end = std::min(inchi.find('/', prefix + 1), inchi.size());
    std::vector<long> atoms;
    if (!formula_components(inchi.substr(prefix + 1, formula_end - prefix - 1), atoms)) return "unreadable formula layer";
    // Layers after the formula: each starts with its lower-case letter (standard InChI: c h q p b t m s i), and the
    // connection layer comes once, right after the formula (a second one, after an unknown "/C14" layer, was
    // another crash of libinchi found by fuzzing).
    for (size_t at = formula_end; at < inchi.size();) {
        const size_t next = std::min(inchi.find('/', at + 1), inchi.size());
        if (next == at + 1 || !std::strchr("chqpbtmsi", inchi[at + 1]))
            return detail::cat("unknown layer '", inchi.substr(at, std::min<size_t>(next - at, 12)), "'");
        if (inchi[at + 1] == 'c' && at != formula_end) return "a connection layer that is not the first layer";
        at = next;
    }
    if (formula_end == inchi.size() || inchi.compare(formula_end, 2, "/c") != 0) return "";
    const size_t layer_end = std::min(inchi.find('/', formula_end + 1), inchi.size());
    const std::string layer = inchi.substr(formula_end + 2, layer_end - formula_end - 2);
    size_t component = 0, i = 0;
    while (i <= layer.size()) {
        const size_t end = std::min(layer.find(';', i), layer.size());
        std::string part = layer.substr(i, end - i);
        long repeat = 1;
        const size_t star = part.find('*');
        if (star != std::string::npos) {
            repeat = 0;
            for (size_t k = 0; k < star; ++k) {
                if (!std::isdigit(static_cast<unsigned char>(part[k])) || repeat > 10000) return "bad connection layer";
                repeat = repeat * 10 + (part[k] - '0');
            }
            if (repeat < 1) return "bad connection layer";
            part = part.substr(star + 1);
        }
        // Syntax: atom numbers joined by '-', branches "n(a,b)m"; a '-', ',' or ')' follows a number or ')',
        // a '(' follows a number, and the parentheses balance.
        long highest = 0, number = 0;
        int depth = 0;
        char prev = '^';  // '^' start, '0' a number
        for (const char c : part) {
            if (std::isdigit(static_cast<unsigned char>(c))) {
                if (number > 1000000) return "bad connection layer";
                number = number * 10 + (c - '0');
                prev = '0';
                continue;
            }
            const bool after_atom = prev == '0' || prev == ')';
            if (c == '-' && !after_atom) return "a bond without its first atom in the connection layer";
            if (c == '(' && prev != '0') return "a branch without its atom in the connection layer";
            if ((c == ',' || c == ')') && (!after_atom || depth == 0)) return "unbalanced branches in the connection layer";
            if (!std::strchr("-(),", c)) return detail::cat("unexpected '", c, "' in the connection layer");
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            highest = std::max(highest, number);
            number = 0;
            prev = c;
        }
        if (depth != 0 || (prev != '^' && prev != '0' && prev != ')'))
            return "an unfinished bond or branch in the connection layer";
        highest = std::max(highest, number);
        for (long r = 0; r < repeat; ++r, ++component) {
            if (component >= atoms.size()) return "more components in the connection layer than in the formula";
            if (highest > atoms[component])
                return detail::cat("the connection layer names atom ", highest, " in component ", component + 1,
                                   ", whose formula has ", atoms[component], " non-hydrogen atom(s)");
        }
        i = end + 1;
    }
    return "";
}

/// Why the structure libinchi made from a string cannot be read (an atom index out of range, an unknown element),
/// or "" when it can: malformed strings must not take the reader outside the arrays.
std::string inchi_layout_error(const inchi_OutputStruct& out) {
    const int n = out.num_atoms;
    if (n < 0 || (n > 0 && !out.atom)) return "no atoms in the structure";
    auto in_range = [n](int i) { return i >= 0 && i < n; };
    for (int i = 0; i < n; ++i) {
        const inchi_Atom& a = out.atom[i];
        if (a.num_bonds < 0 || a.num_bonds > MAXVAL) return detail::cat("atom ", i + 1, ": ", a.num_bonds, " bonds");
        for (int k = 0; k < a.num_bonds; ++k)
            if (!in_range(a.neighbor[k]) || a.neighbor[k] == i)
                return detail::cat("atom ", i + 1, ": bond to atom ", a.neighbor[k] + 1, " of ", n);
        const size_t len = strnlen(a.elname, ATOM_EL_LEN);
        const std::string element(a.elname, len);
        bool known = len > 0 && len < ATOM_EL_LEN;
        try {
            known = known && RDKit::PeriodicTable::getTable()->getAtomicNumber(element) > 0;
        } catch (const std::exception&) {
            known = false;
        }
        if (!known) return detail::cat("atom ", i + 1, ": unknown element '", element, "'");
    }
    if (out.num_stereo0D < 0 || (out.num_stereo0D > 0 && !out.stereo0D)) return "bad stereo layer";
    for (int s = 0; s < out.num_stereo0D; ++s) {
        const inchi_Stereo0D& st = out.stereo0D[s];
        if (st.type == INCHI_StereoType_Tetrahedral && !in_range(st.central_atom))
            return detail::cat("stereo centre ", st.central_atom + 1, " of ", n, " atoms");
        if (st.type == INCHI_StereoType_Tetrahedral || st.type == INCHI_StereoType_DoubleBond)
            for (int k = 0; k < 4; ++k)
                if (!in_range(st.neighbor[k])) return detail::cat("stereo neighbour ", st.neighbor[k] + 1, " of ", n);
    }
    return "";
}

}  // namespace

std::string inchikey_of(const RDKit::ROMol& input) {
    RDKit::RWMol mol(input);
    RDKit::MolOps::removeHs(mol);
    RDKit::MolOps::assignStereochemistry(mol, true, true);
    RDKit::MolOps::Kekulize(mol, true);
    const unsigned n = mol.getNumAtoms();
    if (n == 0 || n >= 1024) return {};
    std::vector<inchi_Atom> atoms(n);
    for (const RDKit::Atom* a : mol.atoms()) {
        inchi_Atom& ia = atoms[a->getIdx()];
        std::memset(&ia, 0, sizeof ia);
        std::strncpy(ia.elname, a->getSymbol().c_str(), ATOM_EL_LEN - 1);
        ia.num_iso_H[0] = static_cast<S_CHAR>(a->getTotalNumHs());
        ia.charge = static_cast<S_CHAR>(a->getFormalCharge());
        ia.isotopic_mass = static_cast<AT_NUM>(a->getIsotope());
        if (a->getNumRadicalElectrons() == 1) ia.radical = INCHI_RADICAL_DOUBLET;
        if (a->getNumRadicalElectrons() == 2) ia.radical = INCHI_RADICAL_TRIPLET;
    }
    for (const RDKit::Bond* b : mol.bonds()) {
        inchi_Atom& ia = atoms[std::max(b->getBeginAtomIdx(), b->getEndAtomIdx())];
        if (ia.num_bonds >= MAXVAL) return {};
        S_CHAR type = INCHI_BOND_TYPE_SINGLE;
        switch (b->getBondType()) {
            case RDKit::Bond::SINGLE: type = INCHI_BOND_TYPE_SINGLE; break;
            case RDKit::Bond::DOUBLE: type = INCHI_BOND_TYPE_DOUBLE; break;
            case RDKit::Bond::TRIPLE: type = INCHI_BOND_TYPE_TRIPLE; break;
            default: return {};  // aromatic bonds are kekulised below; anything else has no InChI bond type
        }
        ia.neighbor[ia.num_bonds] = static_cast<AT_NUM>(std::min(b->getBeginAtomIdx(), b->getEndAtomIdx()));
        ia.bond_type[ia.num_bonds] = type;
        ++ia.num_bonds;
    }
    std::vector<inchi_Stereo0D> stereo;
    for (const RDKit::Atom* a : mol.atoms()) {
        const auto tag = a->getChiralTag();
        if (tag != RDKit::Atom::CHI_TETRAHEDRAL_CW && tag != RDKit::Atom::CHI_TETRAHEDRAL_CCW) continue;
        std::vector<int> rd = rdkit_neighbours(mol, *a);
        if (rd.size() != 4) continue;
        inchi_Stereo0D s{};
        s.central_atom = static_cast<AT_NUM>(a->getIdx());
        s.type = INCHI_StereoType_Tetrahedral;
        // InChI's list: the implicit hydrogen is represented by the central atom, in first place
        std::vector<int> in = rd;
        if (rd.back() == kPlaceholderH) {
            in = {kPlaceholderH, rd[0], rd[1], rd[2]};
        }
        for (int k = 0; k < 4; ++k)
            s.neighbor[k] = static_cast<AT_NUM>(in[k] == kPlaceholderH ? static_cast<int>(a->getIdx()) : in[k]);
        const bool cw = tag == RDKit::Atom::CHI_TETRAHEDRAL_CW;
        const bool same = !odd_permutation(rd, in);
        s.parity = (cw == same) ? INCHI_PARITY_EVEN : INCHI_PARITY_ODD;
        stereo.push_back(s);
    }
    for (const RDKit::Bond* b : mol.bonds()) {
        const auto st = b->getStereo();
        if (b->getBondType() != RDKit::Bond::DOUBLE || st < RDKit::Bond::STEREOZ) continue;
        const auto& sa = b->getStereoAtoms();
        if (sa.size() != 2) continue;
        const bool trans = st == RDKit::Bond::STEREOE || st == RDKit::Bond::STEREOTRANS;
        int x = sa[0], y = sa[1];
        const int a1 = static_cast<int>(b->getBeginAtomIdx()), a2 = static_cast<int>(b->getEndAtomIdx());
        if (!mol.getBondBetweenAtoms(x, a1)) std::swap(x, y);
        if (!mol.getBondBetweenAtoms(x, a1) || !mol.getBondBetweenAtoms(y, a2)) continue;
        inchi_Stereo0D s{};
        s.neighbor[0] = static_cast<AT_NUM>(x);
        s.neighbor[1] = static_cast<AT_NUM>(a1);
        s.neighbor[2] = static_cast<AT_NUM>(a2);
        s.neighbor[3] = static_cast<AT_NUM>(y);
        s.central_atom = NO_ATOM;
        s.type = INCHI_StereoType_DoubleBond;
        s.parity = trans ? INCHI_PARITY_EVEN : INCHI_PARITY_ODD;
        stereo.push_back(s);
    }

    inchi_Input in{};
    in.atom = atoms.data();
    in.num_atoms = static_cast<AT_NUM>(n);
    in.stereo0D = stereo.empty() ? nullptr : stereo.data();
    in.num_stereo0D = static_cast<AT_NUM>(stereo.size());
    char options[] = "";
    in.szOptions = options;
    std::lock_guard<std::mutex> lock(inchi_mutex());
    inchi_Output out{};
    const int ret = GetStdINCHI(&in, &out);
    std::string key;
    if ((ret == inchi_Ret_OKAY || ret == inchi_Ret_WARNING) && out.szInChI) {
        char buf[32] = {0};
        if (GetStdINCHIKeyFromStdINCHI(out.szInChI, buf) == 0) key = buf;
    }
    FreeStdINCHI(&out);
    return key;
}

MolPtr molecule_from_inchi(const std::string& text) {
    std::string inchi = text.substr(0, text.find_first_of(" \t\r\n"));
    if (inchi.empty()) fail("empty InChI");
    if (inchi.rfind("InChI=", 0) != 0) fail("not an InChI (it must start with 'InChI='): '", inchi.substr(0, 40), "'");
    if (const std::string why = inchi_string_error(inchi); !why.empty())
        fail("cannot read InChI '", inchi.substr(0, 60), "': ", why);
    std::vector<char> buffer(inchi.begin(), inchi.end());
    buffer.push_back('\0');
    char options[] = "";
    inchi_InputINCHI in{buffer.data(), options};
    inchi_OutputStruct out{};
    MolPtr mol = std::make_unique<RDKit::RWMol>();
    std::string error;
    {
        std::lock_guard<std::mutex> lock(inchi_mutex());
        const int ret = GetStructFromINCHI(&in, &out);
        if (ret != inchi_Ret_OKAY && ret != inchi_Ret_WARNING) {
            error = out.szMessage && *out.szMessage ? out.szMessage : "no structure could be made";
        } else {
            const RDKit::PeriodicTable* table = RDKit::PeriodicTable::getTable();
            error = inchi_layout_error(out);
            if (error.empty()) try {
                for (int i = 0; i < out.num_atoms; ++i) {
                    const inchi_Atom& ia = out.atom[i];
                    auto* atom = new RDKit::Atom(table->getAtomicNumber(ia.elname));
                    atom->setFormalCharge(ia.charge);
                    int h = 0;
                    for (int k = 0; k <= NUM_H_ISOTOPES; ++k) h += std::max<int>(0, ia.num_iso_H[k]);
                    atom->setNumExplicitHs(static_cast<unsigned>(h));
                    atom->setNoImplicit(true);
                    if (ia.radical == INCHI_RADICAL_DOUBLET) atom->setNumRadicalElectrons(1);
                    if (ia.radical == INCHI_RADICAL_TRIPLET) atom->setNumRadicalElectrons(2);
                    if (ia.isotopic_mass > 0) {
                        int mass = ia.isotopic_mass;
                        if (mass > ISOTOPIC_SHIFT_FLAG / 2)
                            mass = static_cast<int>(std::lround(table->getAtomicWeight(atom->getAtomicNum()))) +
                                   (mass - ISOTOPIC_SHIFT_FLAG);
                        atom->setIsotope(static_cast<unsigned>(mass));
                    }
                    mol->addAtom(atom, true, true);
                }
                std::set<std::pair<int, int>> seen;
                for (int i = 0; i < out.num_atoms; ++i) {
                    const inchi_Atom& ia = out.atom[i];
                    for (int k = 0; k < ia.num_bonds; ++k) {
                        const int j = ia.neighbor[k];
                        if (!seen.insert({std::min(i, j), std::max(i, j)}).second) continue;
                        RDKit::Bond::BondType t = RDKit::Bond::SINGLE;
                        if (ia.bond_type[k] == INCHI_BOND_TYPE_DOUBLE) t = RDKit::Bond::DOUBLE;
                        if (ia.bond_type[k] == INCHI_BOND_TYPE_TRIPLE) t = RDKit::Bond::TRIPLE;
                        if (ia.bond_type[k] == INCHI_BOND_TYPE_ALTERN) t = RDKit::Bond::AROMATIC;
                        mol->addBond(static_cast<unsigned>(i), static_cast<unsigned>(j), t);
                    }
                }
                for (int s = 0; s < out.num_stereo0D; ++s) {
                    const inchi_Stereo0D& st = out.stereo0D[s];
                    const int parity = st.parity & 7;
                    if (parity != INCHI_PARITY_EVEN && parity != INCHI_PARITY_ODD) continue;
                    const bool even = parity == INCHI_PARITY_EVEN;
                    if (st.type == INCHI_StereoType_Tetrahedral) {
                        RDKit::Atom* c = mol->getAtomWithIdx(static_cast<unsigned>(st.central_atom));
                        std::vector<int> listed;
                        for (int k = 0; k < 4; ++k)
                            listed.push_back(st.neighbor[k] == st.central_atom ? kPlaceholderH : st.neighbor[k]);
                        const std::vector<int> rd = rdkit_neighbours(*mol, *c);
                        if (rd.size() != 4) continue;
                        const bool same = !odd_permutation(listed, rd);
                        c->setChiralTag(even == same ? RDKit::Atom::CHI_TETRAHEDRAL_CW : RDKit::Atom::CHI_TETRAHEDRAL_CCW);
                    } else if (st.type == INCHI_StereoType_DoubleBond) {
                        RDKit::Bond* b = mol->getBondBetweenAtoms(st.neighbor[1], st.neighbor[2]);
                        if (!b || b->getBondType() != RDKit::Bond::DOUBLE) continue;  // cumulenes: not kept
                        if (static_cast<int>(b->getBeginAtomIdx()) != st.neighbor[1]) {
                            b->setStereoAtoms(st.neighbor[3], st.neighbor[0]);
                        } else {
                            b->setStereoAtoms(st.neighbor[0], st.neighbor[3]);
                        }
                        b->setStereo(even ? RDKit::Bond::STEREOTRANS : RDKit::Bond::STEREOCIS);
                    }
                }
            } catch (const std::exception& e) {
                error = e.what();
            }
        }
        FreeStructFromINCHI(&out);
    }
    if (!error.empty()) fail("cannot read InChI '", inchi.substr(0, 60), "': ", error);
    try {
        RDKit::MolOps::sanitizeMol(*mol);
        // cis/trans labels become bond directions, then E/Z: the form every later RDKit step keeps
        RDKit::MolOps::setDoubleBondNeighborDirections(*mol);
        RDKit::MolOps::assignStereochemistry(*mol, true, true);
    } catch (const std::exception& e) {
        fail("cannot read InChI '", inchi.substr(0, 60), "': ", e.what());
    }
    return mol;
}

#endif

}  // namespace vscreen::detail

namespace vscreen {

#ifdef VSCREEN_HAVE_INCHI
bool has_inchi_support() { return true; }
#else
bool has_inchi_support() { return false; }
#endif

}  // namespace vscreen
