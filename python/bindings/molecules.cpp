// Receptors, ligands and ligand records, and the functions that read them from files.
#include <cstring>
#include <fstream>
#include <sstream>

#include <pybind11/stl.h>

#include "common.hpp"
#include "vscreen/conformer.hpp"
#include "vscreen/error.hpp"
#include "vscreen/ligand.hpp"
#include "vscreen/pdbqt.hpp"
#include "vscreen/receptor.hpp"
#ifdef VSCREEN_HAVE_PREP
#include "vscreen/molecule_io.hpp"
#endif

namespace vscreen::python {

std::vector<Vec3> to_points(py::handle array, const char* what) {
    auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(array);
    if (!a || a.ndim() != 2 || a.shape(1) != 3) fail(what, ": expected an (N, 3) array of coordinates");
    std::vector<Vec3> v(static_cast<size_t>(a.shape(0)));
    auto r = a.unchecked<2>();
    for (py::ssize_t i = 0; i < a.shape(0); ++i) v[i] = make_vec3(r(i, 0), r(i, 1), r(i, 2));
    return v;
}

py::object emit_text(py::handle out, const std::string& text) {
    if (out.is_none()) return py::str(text);
    if (py::hasattr(out, "write")) {
        out.attr("write")(py::str(text));
        return py::none();
    }
    const std::string path = fspath(out);
    std::ofstream f(path, std::ios::binary);
    if (!f) fail("cannot open ", path, " for writing: ", std::strerror(errno));
    f << text;
    f.close();
    if (!f) fail("error writing ", path);
    return py::none();
}

#ifndef VSCREEN_HAVE_PREP
namespace {
// Stand-ins when the RDKit readers are not built: PDBQT input still works.
struct LigandRecord {
    int index = 0;
    std::string name, source;
    bool ok = false;
    std::string error;
    Ligand ligand;
};

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<LigandRecord> read_ligand_records(const std::string& path) {
    if (!ends_with(path, ".pdbqt")) fail(path, ": only PDBQT ligands can be read (vscreen was built without RDKit)");
    LigandRecord r;
    r.source = path + ":1";
    try {
        r.ligand = read_ligand_pdbqt_file(path);
        r.name = r.ligand.name;
        r.ok = true;
    } catch (const InputError& e) {
        r.error = e.what();
    }
    return {r};
}

Ligand read_ligand_file(const std::string& path) {
    if (!ends_with(path, ".pdbqt")) fail(path, ": only PDBQT ligands can be read (vscreen was built without RDKit)");
    return read_ligand_pdbqt_file(path);
}

Receptor read_receptor_pdb_file(const std::string& path) {
    fail(path, ": PDB receptors need the RDKit readers (vscreen was built without RDKit)");
}

std::string prepare_receptor_pdbqt(const std::string& path) {
    fail(path, ": PDB receptors need the RDKit readers (vscreen was built without RDKit)");
}
}  // namespace
#endif

void add_molecules(py::module_& m) {
#ifdef VSCREEN_HAVE_PREP
    m.attr("has_rdkit") = true;
#else
    m.attr("has_rdkit") = false;
#endif

    py::class_<Receptor>(m, "Receptor", "A rigid receptor: its scored heavy atoms and their XS types.")
        .def_readwrite("name", &Receptor::name)
        .def_property_readonly("num_atoms", &Receptor::size, "Number of scored atoms.")
        .def_property_readonly(
            "coords", [](py::object self) { return coords_view(self.cast<const Receptor&>().coords, self); },
            "Scored atom coordinates, a read-only (N, 3) float32 view.")
        .def("__repr__", [](const Receptor& r) {
            return "<vscreen.Receptor '" + r.name + "' with " + std::to_string(r.size()) + " scored atoms>";
        });

    py::class_<Ligand>(m, "Ligand", "A docking-ready ligand: typed atoms and a torsion tree.")
        .def_readwrite("name", &Ligand::name)
        .def_property_readonly("num_atoms", [](const Ligand& l) { return l.atoms.size(); },
                               "Atoms searched (heavy atoms and polar hydrogens).")
        .def_property_readonly("num_heavy_atoms", &Ligand::num_heavy_atoms)
        .def_property_readonly("num_torsions", &Ligand::num_torsions, "Rotatable bonds of the torsion tree.")
        .def_readonly("num_rotors", &Ligand::num_rotors, "Nrot of Vina's torsion normalisation.")
        .def_property_readonly(
            "coords",
            [](const Ligand& l) {
                return coords_copy(l.atoms.begin(), l.atoms.end(), [](const LigandAtom& a) { return a.coords; });
            },
            "Input coordinates as a new (N, 3) float32 array, ligand atom order.")
        .def_property_readonly(
            "elements",
            [](const Ligand& l) {
                std::vector<int> z;
                for (const auto& a : l.atoms) z.push_back(a.element);
                return z;
            },
            "Atomic number of each atom.")
        .def_property_readonly(
            "ad_types",
            [](const Ligand& l) {
                std::vector<std::string> t;
                for (const auto& a : l.atoms) t.push_back(a.ad_type);
                return t;
            },
            "AutoDock type of each atom.")
        .def_readonly("molblock", &Ligand::molblock, "The input molecule as an MDL molblock ('' for PDBQT input).")
        .def_readonly("molblock_index", &Ligand::molblock_index,
                      "Index in `molblock` of each atom (-1 when absent there).")
        .def("__repr__", [](const Ligand& l) {
            return "<vscreen.Ligand '" + l.name + "' with " + std::to_string(l.atoms.size()) + " atoms, " +
                   std::to_string(l.num_torsions()) + " torsions>";
        });

    py::class_<LigandRecord>(m, "LigandRecord", "One record of a ligand file: the ligand, or why it could not be read.")
        .def_readonly("index", &LigandRecord::index, "0-based position in the file.")
        .def_readonly("name", &LigandRecord::name)
        .def_readonly("source", &LigandRecord::source, "'path:line' of the record.")
        .def_readonly("ok", &LigandRecord::ok)
        .def_readonly("error", &LigandRecord::error, "Why the record failed ('' when ok).")
        .def_property_readonly(
            "ligand",
            [](py::object self) -> py::object {
                const auto& r = self.cast<const LigandRecord&>();
                if (!r.ok) return py::none();
                return py::cast(&r.ligand, py::return_value_policy::reference_internal, self);
            },
            "The ligand, or None when the record failed.")
        .def("__repr__", [](const LigandRecord& r) {
            return "<vscreen.LigandRecord #" + std::to_string(r.index) + " '" + r.name + "' " +
                   (r.ok ? std::string("ok") : "failed: " + r.error) + ">";
        });

    m.def("read_receptor_pdbqt_file", [](py::object path) { return read_receptor_pdbqt_file(fspath(path)); },
          py::arg("path"), "Reads a rigid receptor PDBQT.");
    m.def(
        "read_receptor_pdbqt",
        [](const std::string& text, const std::string& source) {
            std::istringstream in(text);
            return read_receptor_pdbqt(in, source);
        },
        py::arg("text"), py::arg("source") = "<string>", "Reads a rigid receptor from PDBQT text.");
    m.def("read_receptor_pdb_file", [](py::object path) { return read_receptor_pdb_file(fspath(path)); },
          py::arg("path"), "Reads a receptor PDB that already has hydrogens (RDKit typing).");
    m.def("read_ligand_pdbqt_file", [](py::object path) { return read_ligand_pdbqt_file(fspath(path)); },
          py::arg("path"), "Reads a ligand PDBQT with its torsion tree (first MODEL only).");
    m.def(
        "read_ligand_pdbqt",
        [](const std::string& text, const std::string& source) {
            std::istringstream in(text);
            return read_ligand_pdbqt(in, source);
        },
        py::arg("text"), py::arg("source") = "<string>", "Reads a ligand from PDBQT text.");
    m.def(
        "ligand_to_pdbqt",
        [](const Ligand& l) {
            std::ostringstream out;
            std::vector<Vec3> coords;
            for (const auto& a : l.atoms) coords.push_back(a.coords);
            write_pdbqt(out, l, coords);
            return out.str();
        },
        py::arg("ligand"), "The ligand at its own coordinates as PDBQT text (torsion tree included).");
    m.def(
        "randomized_conformer",
        [](const Ligand& l, std::uint64_t seed, py::sequence centre) {
            if (py::len(centre) != 3) fail("centre: expected three coordinates");
            return randomized_conformer(l, seed, make_vec3(centre[0].cast<float>(), centre[1].cast<float>(),
                                                           centre[2].cast<float>()));
        },
        py::arg("ligand"), py::arg("seed"), py::arg("centre"),
        "A copy of the ligand in a random conformation (torsions, orientation) with its root at `centre`.");
    m.def("read_ligand_file", [](py::object path) { return read_ligand_file(fspath(path)); }, py::arg("path"),
          "Reads the first ligand of a .pdbqt/.sdf/.mol/.mol2 file; raises InputError on failure.");
    m.def(
        "read_ligand_records",
        [](py::object path) {
            const std::string p = fspath(path);
            py::gil_scoped_release release;
            return read_ligand_records(p);
        },
        py::arg("path"), "Reads every record of a ligand file; bad records come back with ok=False and a reason.");
    m.def("prepare_receptor_pdbqt", [](py::object path) { return prepare_receptor_pdbqt(fspath(path)); },
          py::arg("pdb_path"), "Rigid receptor PDBQT text from a PDB that already has hydrogens.");
}

}  // namespace vscreen::python
