// X-Score (XS) atom types of the Vina family of scoring functions and their properties.
#pragma once

#include <cstdint>

#include "vscreen/hd.hpp"

namespace vscreen {

/// XS atom type. Hydrogens carry kXsNone: they are not scored, they only decide donor status.
enum XsType : std::uint8_t {
    kXsC_H = 0,
    kXsC_P,
    kXsN_P,
    kXsN_D,
    kXsN_A,
    kXsN_DA,
    kXsO_P,
    kXsO_D,
    kXsO_A,
    kXsO_DA,
    kXsS_P,
    kXsP_P,
    kXsF_H,
    kXsCl_H,
    kXsBr_H,
    kXsI_H,
    kXsSi,
    kXsAt,
    kXsMet_D,
    kXsCount,
    kXsNone = 255
};

/// Printable name of an XS type ("C_H", "N_DA", ...).
const char* xs_name(int t);

VSCREEN_HD bool xs_is_hydrophobic(int t) {
    return t == kXsC_H || t == kXsF_H || t == kXsCl_H || t == kXsBr_H || t == kXsI_H || t == kXsAt;
}
VSCREEN_HD bool xs_is_donor(int t) {
    return t == kXsN_D || t == kXsN_DA || t == kXsO_D || t == kXsO_DA || t == kXsMet_D;
}
VSCREEN_HD bool xs_is_acceptor(int t) {
    return t == kXsN_A || t == kXsN_DA || t == kXsO_A || t == kXsO_DA;
}
VSCREEN_HD bool xs_hbond_possible(int a, int b) {
    return (xs_is_donor(a) && xs_is_acceptor(b)) || (xs_is_donor(b) && xs_is_acceptor(a));
}

/// Index of the unordered type pair (a, b) in a packed triangular table of kXsCount types.
VSCREEN_HD int xs_pair_index(int a, int b) {
    if (a > b) { const int t = a; a = b; b = t; }
    return a * kXsCount - a * (a - 1) / 2 + (b - a);
}
constexpr int kXsPairCount = kXsCount * (kXsCount + 1) / 2;

}  // namespace vscreen
