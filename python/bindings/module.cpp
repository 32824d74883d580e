// The extension module vscreen._vscreen: each topic file adds its classes and functions.
#include "common.hpp"
#ifdef VSCREEN_HAVE_CUDA
#include "vscreen/cuda_backend.hpp"
#endif

PYBIND11_MODULE(_vscreen, m) {
    m.doc() = "vscreen C++ core: receptors, ligands, scoring and batch docking";
    m.attr("__version__") = VSCREEN_VERSION;
#ifdef VSCREEN_HAVE_CUDA
    vscreen::register_cuda_backend();  // "cuda" joins the registry; available only where a GPU is
    m.attr("has_cuda") = true;
#else
    m.attr("has_cuda") = false;
#endif
    vscreen::python::add_errors(m);
    vscreen::python::add_molecules(m);
    vscreen::python::add_scoring(m);
    vscreen::python::add_docking(m);
    vscreen::python::add_preparation(m);
}
