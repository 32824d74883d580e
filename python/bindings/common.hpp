// Shared helpers of the binding files: the add_* declarations, path arguments, numpy views of coordinates.
#pragma once

#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "vscreen/math.hpp"

namespace vscreen::python {

namespace py = pybind11;

void add_errors(py::module_& m);
void add_molecules(py::module_& m);
void add_scoring(py::module_& m);
void add_docking(py::module_& m);
void add_preparation(py::module_& m);

/// A str or os.PathLike argument as a filesystem path string.
inline std::string fspath(py::handle path) {
    return py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>();
}

static_assert(sizeof(Vec3) == 3 * sizeof(float), "Vec3 must be three packed floats");

/// Read-only (N, 3) float32 view of `coords` that keeps `owner` alive; no copy.
inline py::array_t<float> coords_view(const std::vector<Vec3>& coords, py::handle owner) {
    py::array_t<float> a({static_cast<py::ssize_t>(coords.size()), py::ssize_t{3}},
                         {static_cast<py::ssize_t>(sizeof(Vec3)), static_cast<py::ssize_t>(sizeof(float))},
                         reinterpret_cast<const float*>(coords.data()), owner);
    py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
    return a;
}

/// (N, 3) float32 array (a new copy) from any sequence of points.
template <typename It, typename Get>
py::array_t<float> coords_copy(It begin, It end, Get get) {
    const auto n = static_cast<py::ssize_t>(std::distance(begin, end));
    py::array_t<float> a({n, py::ssize_t{3}});
    auto r = a.mutable_unchecked<2>();
    py::ssize_t i = 0;
    for (It it = begin; it != end; ++it, ++i) {
        const Vec3 v = get(*it);
        r(i, 0) = v.x;
        r(i, 1) = v.y;
        r(i, 2) = v.z;
    }
    return a;
}

/// (N, 3) float array-like to points; throws InputError on a wrong shape.
std::vector<Vec3> to_points(py::handle array, const char* what);

/// Writes `text` to `out`: None returns it as str, a file object gets .write(text), else a path is written.
py::object emit_text(py::handle out, const std::string& text);

}  // namespace vscreen::python
