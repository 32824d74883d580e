// Distance-based bond perception with a hashed cell grid so large receptors stay linear in time.
#include "vscreen/detail/bonds.hpp"

#include <cmath>
#include <unordered_map>

#include "vscreen/ad_type.hpp"
#include "vscreen/detail/cell_key.hpp"

namespace vscreen::detail {

std::vector<std::array<int, 2>> bonds_by_distance(const std::vector<LigandAtom>& atoms, const std::vector<int>& members) {
    constexpr float kFactor = 1.1f;
    constexpr float kCell = 4.0f;  // > 1.1 * 2 * largest covalent radius in use
    std::vector<float> radius(members.size());
    for (size_t m = 0; m < members.size(); ++m) {
        const LigandAtom& a = atoms[members[m]];
        AdTypeInfo info;
        radius[m] = ad_type_info(a.ad_type, info) ? info.covalent_radius : covalent_radius(a.element);
    }
    auto key = [](int x, int y, int z) { return cell_key(x, y, z); };
    auto cell_of = [&](const Vec3& c, int& x, int& y, int& z) {
        x = cell_index(c.x, kCell);
        y = cell_index(c.y, kCell);
        z = cell_index(c.z, kCell);
    };
    std::unordered_map<long long, std::vector<int>> cells;
    for (size_t m = 0; m < members.size(); ++m) {
        int x, y, z;
        cell_of(atoms[members[m]].coords, x, y, z);
        cells[key(x, y, z)].push_back(static_cast<int>(m));
    }
    std::vector<std::array<int, 2>> bonds;
    for (size_t m = 0; m < members.size(); ++m) {
        const Vec3 c = atoms[members[m]].coords;
        int x, y, z;
        cell_of(c, x, y, z);
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    auto it = cells.find(key(x + dx, y + dy, z + dz));
                    if (it == cells.end()) continue;
                    for (int o : it->second) {
                        if (o <= static_cast<int>(m)) continue;
                        const float limit = kFactor * (radius[m] + radius[o]);
                        if (norm_sqr(atoms[members[o]].coords - c) < limit * limit)
                            bonds.push_back({members[m], members[o]});
                    }
                }
    }
    return bonds;
}

}  // namespace vscreen::detail
