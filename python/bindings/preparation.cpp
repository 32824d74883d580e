// Ligand preparation: PreparationOptions, MoleculeInput, PreparedLigand and prepare_ligands() (GIL released).
#include <pybind11/stl.h>

#include <utility>

#include "common.hpp"
#ifdef VSCREEN_HAVE_PREP
#include "vscreen/molecule_io.hpp"
#include "vscreen/preparation.hpp"
#endif

namespace vscreen::python {

#ifdef VSCREEN_HAVE_PREP

void add_preparation(py::module_& m) {
    py::class_<PreparationOptions>(m, "PreparationOptions",
                                   "How ligands are standardised, protonated (pH 7.4 rules), enumerated and embedded.")
        .def(py::init([](bool largest_fragment, bool neutralize, bool canonical_tautomer, bool protonate,
                         int max_stereoisomers, int ring_conformers, int max_heavy_atoms, std::uint64_t seed,
                         int threads) {
                 PreparationOptions o;
                 o.largest_fragment = largest_fragment;
                 o.neutralize = neutralize;
                 o.canonical_tautomer = canonical_tautomer;
                 o.protonate = protonate;
                 o.max_stereoisomers = max_stereoisomers;
                 o.ring_conformers = ring_conformers;
                 o.max_heavy_atoms = max_heavy_atoms;
                 o.seed = seed;
                 o.threads = threads;
                 return o;
             }),
             py::kw_only(), py::arg("largest_fragment") = true, py::arg("neutralize") = true,
             py::arg("canonical_tautomer") = true, py::arg("protonate") = true, py::arg("max_stereoisomers") = 4,
             py::arg("ring_conformers") = PreparationOptions{}.ring_conformers, py::arg("max_heavy_atoms") = 150,
             py::arg("seed") = 42,
             py::arg("threads") = 0)
        .def_readwrite("largest_fragment", &PreparationOptions::largest_fragment)
        .def_readwrite("neutralize", &PreparationOptions::neutralize)
        .def_readwrite("canonical_tautomer", &PreparationOptions::canonical_tautomer)
        .def_readwrite("protonate", &PreparationOptions::protonate)
        .def_readwrite("max_stereoisomers", &PreparationOptions::max_stereoisomers)
        .def_readwrite("ring_conformers", &PreparationOptions::ring_conformers)
        .def_readwrite("max_heavy_atoms", &PreparationOptions::max_heavy_atoms)
        .def_readwrite("seed", &PreparationOptions::seed)
        .def_readwrite("threads", &PreparationOptions::threads)
        .def("__repr__", [](const PreparationOptions& o) {
            return "PreparationOptions(max_stereoisomers=" + std::to_string(o.max_stereoisomers) +
                   ", ring_conformers=" + std::to_string(o.ring_conformers) +
                   ", max_heavy_atoms=" + std::to_string(o.max_heavy_atoms) + ", seed=" + std::to_string(o.seed) +
                   ", threads=" + std::to_string(o.threads) + ")";
        });

    py::class_<MoleculeInput>(m, "MoleculeInput", "One molecule to prepare: its text, format and identity.")
        .def(py::init([](std::string text, std::string format, std::string id, std::string name, std::string source) {
                 return MoleculeInput{std::move(text), std::move(format), std::move(id), std::move(name),
                                      std::move(source)};
             }),
             py::arg("text"), py::arg("format") = "smiles", py::arg("id") = "", py::arg("name") = "",
             py::arg("source") = "")
        .def_readwrite("text", &MoleculeInput::text)
        .def_readwrite("format", &MoleculeInput::format)
        .def_readwrite("id", &MoleculeInput::id)
        .def_readwrite("name", &MoleculeInput::name)
        .def_readwrite("source", &MoleculeInput::source)
        .def("__repr__", [](const MoleculeInput& i) {
            return "MoleculeInput(format='" + i.format + "', id='" + i.id + "', name='" + i.name + "')";
        });

    // The steps in pipeline order: each one an attribute and an entry of as_dict().
    static const std::pair<const char*, double PreparationTimings::*> steps[] = {
        {"parse", &PreparationTimings::parse},         {"inchikey", &PreparationTimings::inchikey},
        {"standardize", &PreparationTimings::standardize}, {"tautomer", &PreparationTimings::tautomer},
        {"protonate", &PreparationTimings::protonate}, {"stereo", &PreparationTimings::stereo},
        {"embed", &PreparationTimings::embed},         {"force_field", &PreparationTimings::force_field},
        {"build", &PreparationTimings::build}};
    py::class_<PreparationTimings> timings(m, "PreparationTimings",
                                           "CPU seconds of one input's preparation per step (on its first entry).");
    for (const auto& [name, field] : steps) timings.def_readonly(name, field);
    timings.def("as_dict", [](const PreparationTimings& t) {
        py::dict d;
        for (const auto& [name, field] : steps) d[name] = t.*field;
        return d;
    }, "the steps in pipeline order, name -> CPU seconds");

    py::class_<PreparedLigand>(m, "PreparedLigand",
                               "One prepared form of an input (stereoisomer x ring conformer), or why it failed.")
        .def_readonly("input_index", &PreparedLigand::input_index)
        .def_readonly("variant", &PreparedLigand::variant)
        .def_readonly("id", &PreparedLigand::id)
        .def_readonly("name", &PreparedLigand::name)
        .def_readonly("source", &PreparedLigand::source)
        .def_readonly("ok", &PreparedLigand::ok)
        .def_readonly("error", &PreparedLigand::error)
        .def_readonly("smiles", &PreparedLigand::smiles)
        .def_readonly("inchikey", &PreparedLigand::inchikey)
        .def_readonly("ring_forms", &PreparedLigand::ring_forms,
                      "forms of this stereoisomer that differ only in ring shape (this one included)")
        .def_readonly("embedding", &PreparedLigand::embedding,
                      "how its 3D was made: 'fragments' (ring templates + ideal geometry) or 'etkdg'")
        .def_readonly("ligand", &PreparedLigand::ligand)
        .def_readonly("timings", &PreparedLigand::timings,
                      "CPU seconds per preparation step of this input (first entry of the input; zeros on the rest)")
        .def_property_readonly("molblock", [](const PreparedLigand& p) { return p.ligand.molblock; },
                               "3D MDL molblock of the prepared form, hydrogens included (empty when not ok)")
        .def("__repr__", [](const PreparedLigand& p) {
            return "PreparedLigand(input_index=" + std::to_string(p.input_index) + ", variant=" +
                   std::to_string(p.variant) + ", id='" + p.id + "', ok=" + (p.ok ? "True" : "False") +
                   (p.ok ? ", smiles='" + p.smiles + "'" : ", error='" + p.error + "'") + ")";
        });

    m.def(
        "prepare_ligands",
        [](const std::vector<MoleculeInput>& inputs, const PreparationOptions& options) {
            py::gil_scoped_release release;
            return prepare_ligands(inputs, options);
        },
        py::arg("inputs"), py::arg("options") = PreparationOptions{},
        "Prepares molecules (SMILES, InChI, molblock, MOL2) for docking on all cores: largest fragment, neutralised,\n"
        "canonical tautomer, charge states for pH 7.4, unspecified stereo enumerated, ETKDGv3 + MMFF94 3D.\n"
        "Every input yields one entry with ok=False and the reason, or one entry per prepared form.");
    m.def("docking_chains", py::overload_cast<const PreparedLigand&, int>(&docking_chains), py::arg("form"),
          py::arg("exhaustiveness"),
          "Monte Carlo chains for one form when the ring shapes of a stereoisomer share the exhaustiveness chains\n"
          "of a docking: ceil(exhaustiveness / form.ring_forms), at least 1 (for dock(..., chains=)).");
    m.def("docking_chains", py::overload_cast<int, int>(&docking_chains), py::arg("ring_forms"),
          py::arg("exhaustiveness"), "The same from a form's ring_forms count.");
    m.def("inchikey", [](const std::string& text, const std::string& format) {
        return inchikey(MoleculeInput{text, format, "", "", ""});
    }, py::arg("text"), py::arg("format") = "smiles",
       "Standard InChIKey of a molecule (SMILES, InChI, molblock or MOL2 text) as given; raises InputError.");
    m.def("ligand_from_molblock", &ligand_from_molblock, py::arg("molblock"), py::arg("name") = "",
          "Docking-ready ligand from a 3D MDL molblock with hydrogens, such as a prepared form's ligand.molblock:\n"
          "the same atoms, types, torsion tree and riders as that ligand. Raises InputError.");
    m.attr("has_inchi") = has_inchi_support();
}

#else

void add_preparation(py::module_&) {}

#endif

}  // namespace vscreen::python
