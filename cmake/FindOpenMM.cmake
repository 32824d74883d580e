# Finds the OpenMM C++ library (Debian's libopenmm-dev ships no CMake config); defines OpenMM::OpenMM.
# Set OpenMM_ROOT to use another OpenMM installation (e.g. a conda environment's).
find_path(OpenMM_INCLUDE_DIR OpenMM.h PATH_SUFFIXES include)
find_library(OpenMM_LIBRARY NAMES OpenMM PATH_SUFFIXES lib)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenMM REQUIRED_VARS OpenMM_INCLUDE_DIR OpenMM_LIBRARY)
if(OpenMM_FOUND AND NOT TARGET OpenMM::OpenMM)
  add_library(OpenMM::OpenMM UNKNOWN IMPORTED)
  set_target_properties(OpenMM::OpenMM PROPERTIES IMPORTED_LOCATION "${OpenMM_LIBRARY}"
                                                  INTERFACE_INCLUDE_DIRECTORIES "${OpenMM_INCLUDE_DIR}")
endif()
