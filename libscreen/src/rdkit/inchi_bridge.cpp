// InChI support: placeholder until the IUPAC InChI library bridge lands (no InChI in this build yet).
#include <string>

#include <GraphMol/GraphMol.h>

#include "preparation_steps.hpp"
#include "vscreen/error.hpp"

namespace vscreen::detail {

bool has_inchi_support() { return false; }

std::string inchikey_of(const RDKit::ROMol&) { return {}; }

MolPtr molecule_from_inchi(const std::string&) {
    fail("InChI input is not supported by this build");
}

}  // namespace vscreen::detail
