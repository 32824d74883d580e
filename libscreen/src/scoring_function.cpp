// Names and parsing of the built-in scoring functions.
#include "vscreen/scoring_function.hpp"

#include "vscreen/error.hpp"

namespace vscreen {

const char* const kTermNames[kTermCount] = {"gauss1", "gauss2", "repulsion", "hydrophobic", "hydrogen"};

ScoringKind parse_scoring_kind(const std::string& name) {
    if (name == "vina") return ScoringKind::Vina;
    if (name == "vinardo") return ScoringKind::Vinardo;
    fail("unknown scoring function '", name, "'; expected vina or vinardo");
}

const char* scoring_kind_name(ScoringKind k) { return k == ScoringKind::Vinardo ? "vinardo" : "vina"; }

}  // namespace vscreen
