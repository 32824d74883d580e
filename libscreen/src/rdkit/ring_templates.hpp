// Ring-system templates for the fragment builder: 3D coordinates of a ring system and its first shell (internal).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <Geometry/point.h>

namespace RDKit {
class ROMol;
}  // namespace RDKit

namespace vscreen::detail {

/// Coordinates of a ring system's atoms and of every atom bonded to them, in the template's own frame.
struct RingTemplate {
    std::vector<unsigned> atoms;              ///< atom indices in the molecule
    std::vector<RDGeom::Point3D> positions;   ///< one per atom
};

/// The template of ring system `core` (atom indices of `mol`, every hydrogen explicit): ETKDGv3 on the system with
/// its first shell (hydrogens, and bare stubs for the heavy substituents), core stereo tags carried over, embedded
/// from `seed`, in the canonical atom order of the fragment's isomeric SMILES and cached process-wide by that SMILES
/// and the seed, so the result depends on the fragment and the seed alone. nullopt when the fragment cannot be
/// sanitised or embedded. With `refuse_impossible`, throws InputError when the system embeds without its centres'
/// configurations and not with them: that stereoisomer cannot exist.
std::optional<RingTemplate> ring_template(const RDKit::ROMol& mol, const std::vector<unsigned>& core,
                                         std::uint64_t seed, bool refuse_impossible);

/// Empties the process-wide template cache (tests: a result must not depend on what the cache held).
void clear_ring_template_cache();

}  // namespace vscreen::detail
