// Exact scoring of a ligand pose (vina --score_only): PoseScore as a small dict-like object.
#include <pybind11/stl.h>

#include "common.hpp"
#include "vscreen/error.hpp"
#include "vscreen/scoring.hpp"
#include "vscreen/scoring_function.hpp"

namespace vscreen::python {

namespace {
py::dict terms_dict(const double* terms) {
    py::dict d;
    for (int t = 0; t < kTermCount; ++t) d[kTermNames[t]] = terms[t];
    return d;
}

py::dict as_dict(const PoseScore& s) {
    py::dict d;
    d["affinity"] = s.affinity;
    d["inter"] = s.inter;
    d["intra"] = s.intra;
    d["terms"] = terms_dict(s.terms.data());
    d["num_rotors"] = s.num_rotors;
    return d;
}
}  // namespace

void add_scoring(py::module_& m) {
    py::tuple names(kTermCount);
    for (int t = 0; t < kTermCount; ++t) names[t] = py::str(kTermNames[t]);
    m.attr("term_names") = names;

    py::class_<PoseScore>(m, "PoseScore",
                          "Energies of one pose (kcal/mol); also readable as a mapping: s['affinity'], dict(s).")
        .def_readonly("affinity", &PoseScore::affinity, "Normalised intermolecular energy, as vina --score_only.")
        .def_readonly("inter", &PoseScore::inter, "Intermolecular energy.")
        .def_readonly("intra", &PoseScore::intra, "Intramolecular energy of the ligand.")
        .def_readonly("num_rotors", &PoseScore::num_rotors, "Nrot used in the normalisation.")
        .def_property_readonly("terms", [](const PoseScore& s) { return terms_dict(s.terms.data()); },
                               "Weighted intermolecular terms by name; they sum to inter.")
        .def("as_dict", &as_dict)
        .def("keys", [](const PoseScore& s) -> py::object { return as_dict(s).attr("keys")(); })
        .def("__getitem__",
             [](const PoseScore& s, const std::string& k) -> py::object {
                 py::dict d = as_dict(s);
                 if (!d.contains(k)) throw py::key_error(k);
                 return d[k.c_str()];
             })
        .def("__iter__", [](const PoseScore& s) -> py::object { return as_dict(s).attr("__iter__")(); })
        .def("__len__", [](const PoseScore&) { return 5; })
        .def("__repr__", [](const PoseScore& s) { return "PoseScore(" + py::repr(as_dict(s)).cast<std::string>() + ")"; });

    m.def(
        "score",
        [](const Receptor& receptor, const Ligand& ligand, const std::string& scoring, py::object coords) {
            std::vector<Vec3> xyz;
            if (coords.is_none()) {
                for (const auto& a : ligand.atoms) xyz.push_back(a.coords);
            } else {
                xyz = to_points(coords, "score: coords");
            }
            const ScoringFunction sf = ScoringFunction::make(parse_scoring_kind(scoring));
            py::gil_scoped_release release;
            const ExactScorer scorer(receptor, sf);
            return score_pose(scorer, ligand, xyz);
        },
        py::arg("receptor"), py::arg("ligand"), py::arg("scoring") = "vina", py::arg("coords") = py::none(),
        "Scores the ligand at its input coordinates (or `coords`, (N, 3)) without a grid, as vina --score_only.");
}

}  // namespace vscreen::python
