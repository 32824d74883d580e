// Docked poses as SDF records: the input molecule (riders included) at the pose's coordinates plus data fields.
#include <cstdio>
#include <memory>
#include <ostream>

#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/GraphMol.h>

#include "rdkit_common.hpp"
#include "vscreen/ad_type.hpp"
#include "vscreen/error.hpp"
#include "vscreen/molecule_io.hpp"

namespace vscreen {

namespace {

/// A V2000 molblock written from the ligand's own atoms and bonds (ligands read from PDBQT).
std::string molblock_from_atoms(const Ligand& lig, const std::vector<Vec3>& coords) {
    if (lig.atoms.size() > 999 || lig.bonds.size() > 999)
        fail("write_sdf_pose: ligand ", lig.name, " has too many atoms for a V2000 molblock");
    std::string s = lig.name + "\n  vscreen          3D\n\n";
    char buf[128];
    std::snprintf(buf, sizeof buf, "%3d%3d  0  0  0  0  0  0  0  0999 V2000\n", static_cast<int>(lig.atoms.size()),
                  static_cast<int>(lig.bonds.size()));
    s += buf;
    for (size_t i = 0; i < lig.atoms.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%10.4f%10.4f%10.4f %-3s 0  0  0  0  0  0  0  0  0  0  0  0\n", coords[i].x,
                      coords[i].y, coords[i].z, element_symbol(lig.atoms[i].element).c_str());
        s += buf;
    }
    for (const auto& b : lig.bonds) {
        std::snprintf(buf, sizeof buf, "%3d%3d  1  0\n", b[0] + 1, b[1] + 1);
        s += buf;
    }
    s += "M  END\n";
    return s;
}

std::string molblock_at(const Ligand& lig, const std::vector<Vec3>& coords, const std::vector<Vec3>& rider_coords) {
    std::unique_ptr<RDKit::RWMol> mol;
    {
        detail::QuietRdkit quiet;
        try {
            mol.reset(RDKit::MolBlockToMol(lig.molblock, false, false));
        } catch (const std::exception& e) {
            fail("write_sdf_pose: ligand ", lig.name, ": cannot read its stored molblock: ", e.what());
        }
    }
    if (!mol || mol->getNumConformers() == 0) fail("write_sdf_pose: ligand ", lig.name, ": stored molblock is empty");
    RDKit::Conformer& conf = mol->getConformer();
    const int n = static_cast<int>(mol->getNumAtoms());
    auto place = [&](int index, const Vec3& p, const char* what, size_t i) {
        if (index < 0) return;
        if (index >= n) fail("write_sdf_pose: ligand ", lig.name, ": ", what, " ", i, " has molblock index ", index, " of ", n, " atoms");
        conf.setAtomPos(static_cast<unsigned>(index), RDGeom::Point3D(p.x, p.y, p.z));
    };
    for (size_t i = 0; i < coords.size(); ++i)
        place(i < lig.molblock_index.size() ? lig.molblock_index[i] : -1, coords[i], "atom", i);
    for (size_t i = 0; i < rider_coords.size(); ++i) place(lig.riders[i].molblock_index, rider_coords[i], "rider", i);
    mol->setProp(RDKit::common_properties::_Name, lig.name);
    mol->updatePropertyCache(false);
    try {
        return RDKit::MolToMolBlock(*mol, true, -1, false);
    } catch (const std::exception& e) {
        fail("write_sdf_pose: ligand ", lig.name, ": cannot write molblock: ", e.what());
    }
}

}  // namespace

void write_sdf_pose(std::ostream& out, const Ligand& lig, const std::vector<Vec3>& coords,
                    const std::vector<Vec3>& rider_coords, const std::map<std::string, std::string>& properties) {
    if (coords.size() != lig.atoms.size())
        fail("write_sdf_pose: ligand ", lig.name, ": ", coords.size(), " coordinates for ", lig.atoms.size(), " atoms");
    if (rider_coords.size() != lig.riders.size())
        fail("write_sdf_pose: ligand ", lig.name, ": ", rider_coords.size(), " rider coordinates for ", lig.riders.size(),
             " riders");
    std::string block = lig.molblock.empty() ? molblock_from_atoms(lig, coords) : molblock_at(lig, coords, rider_coords);
    if (block.empty() || block.back() != '\n') block += '\n';
    out << block;
    for (const auto& [key, value] : properties) out << "> <" << key << ">\n" << value << "\n\n";
    out << "$$$$\n";
}

}  // namespace vscreen
