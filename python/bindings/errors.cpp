// One exception translator: vscreen::Error and its subclasses become vscreen.VscreenError and its subclasses.
#include <Python.h>

#include "common.hpp"
#include "vscreen/error.hpp"

namespace vscreen::python {

namespace {
// Created once at import and kept for the life of the interpreter.
PyObject* g_error = nullptr;
PyObject* g_input = nullptr;
PyObject* g_capacity = nullptr;
PyObject* g_device = nullptr;

PyObject* new_exception(py::module_& m, const char* name, py::tuple bases, const char* doc) {
    const std::string full = std::string("vscreen.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases.ptr(), nullptr);
    if (!type) throw py::error_already_set();
    m.add_object(name, py::handle(type));  // the module holds one reference, the static another
    Py_INCREF(type);
    return type;
}
}  // namespace

void add_errors(py::module_& m) {
    const py::handle runtime(PyExc_RuntimeError), value(PyExc_ValueError);
    g_error = new_exception(m, "VscreenError", py::make_tuple(runtime), "Base of every error raised by vscreen.");
    const py::handle base(g_error);
    g_input = new_exception(m, "InputError", py::make_tuple(base, value),
                            "Malformed or unsupported input (files, molecules, parameters).");
    g_capacity = new_exception(m, "CapacityError", py::make_tuple(base), "A size limit of a kernel or buffer was exceeded.");
    g_device = new_exception(m, "DeviceError", py::make_tuple(base), "A compute device failed or is absent.");

    py::register_exception_translator([](std::exception_ptr p) {
        if (!p) return;
        try {
            std::rethrow_exception(p);
        } catch (const InputError& e) {
            PyErr_SetString(g_input, e.what());
        } catch (const CapacityError& e) {
            PyErr_SetString(g_capacity, e.what());
        } catch (const DeviceError& e) {
            PyErr_SetString(g_device, e.what());
        } catch (const Error& e) {
            PyErr_SetString(g_error, e.what());
        }
    });
}

}  // namespace vscreen::python
