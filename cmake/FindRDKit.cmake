# Finds the RDKit C++ libraries (Debian's librdkit-dev ships no CMake config); defines RDKit::RDKit.
# Set RDKit_ROOT to use another RDKit installation (e.g. a conda environment).
find_path(RDKit_INCLUDE_DIR GraphMol/ROMol.h PATH_SUFFIXES rdkit include/rdkit)
set(_rdkit_components FileParsers SmilesParse Depictor SubstructMatch MolStandardize DistGeomHelpers DistGeometry
    ForceFieldHelpers ForceField PartialCharges MolAlign Alignment MolTransforms Descriptors Fingerprints
    ChemTransforms GraphMol RDGeometryLib RDGeneral DataStructs EigenSolvers Optimizer Trajectory Catalogs
    CIPLabeler ChemReactions InchiExtra? RDInchiLib? ScaffoldNetwork? MolEnumerator? TautomerQuery?)
set(RDKit_LIBRARIES)
set(_missing)
foreach(c IN LISTS _rdkit_components)
  set(_optional OFF)
  if(c MATCHES "\\?$")
    string(REGEX REPLACE "\\?$" "" c "${c}")
    set(_optional ON)
  endif()
  find_library(RDKit_${c}_LIBRARY NAMES RDKit${c} ${c} PATH_SUFFIXES lib)
  if(RDKit_${c}_LIBRARY)
    list(APPEND RDKit_LIBRARIES ${RDKit_${c}_LIBRARY})
  elseif(NOT _optional)
    list(APPEND _missing ${c})
  endif()
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RDKit REQUIRED_VARS RDKit_INCLUDE_DIR RDKit_GraphMol_LIBRARY
                                  REASON_FAILURE_MESSAGE "missing RDKit libraries: ${_missing}")
if(RDKit_FOUND AND NOT TARGET RDKit::RDKit)
  find_package(Boost QUIET)
  add_library(RDKit::RDKit INTERFACE IMPORTED)
  set_target_properties(RDKit::RDKit PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${RDKit_INCLUDE_DIR}"
                                                INTERFACE_LINK_LIBRARIES "${RDKit_LIBRARIES}")
  if(Boost_FOUND)
    set_property(TARGET RDKit::RDKit APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${Boost_INCLUDE_DIRS}")
  endif()
endif()
