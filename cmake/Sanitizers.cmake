# Sanitizer and fuzzing builds: VSCREEN_SANITIZE=address (ASan + UBSan) or thread (TSan); VSCREEN_FUZZ (clang, libFuzzer).
set(VSCREEN_SANITIZE "" CACHE STRING "Sanitizer build: empty, 'address' (ASan + UBSan) or 'thread' (TSan)")
set_property(CACHE VSCREEN_SANITIZE PROPERTY STRINGS "" address thread)
option(VSCREEN_FUZZ "Build the libFuzzer targets of tests/fuzz (clang; implies ASan + UBSan)" OFF)

if(VSCREEN_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VSCREEN_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
endif()

set(_vscreen_san_flags "")
if(VSCREEN_SANITIZE STREQUAL "address" OR VSCREEN_FUZZ)
  # UBSan reports stop the program, so a report fails its test instead of scrolling by.
  set(_vscreen_san_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
elseif(VSCREEN_SANITIZE STREQUAL "thread")
  set(_vscreen_san_flags -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT VSCREEN_SANITIZE STREQUAL "")
  message(FATAL_ERROR "VSCREEN_SANITIZE must be empty, 'address' or 'thread' (got '${VSCREEN_SANITIZE}')")
endif()

if(_vscreen_san_flags)
  add_compile_options(${_vscreen_san_flags})
  add_link_options(${_vscreen_san_flags})
  message(STATUS "vscreen: sanitizer build (${_vscreen_san_flags})")
endif()
if(VSCREEN_FUZZ)
  # The library is instrumented for coverage; only the fuzz targets link libFuzzer's main (tests/fuzz).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
# Any sanitizer or fuzz build: sanitized static libraries cannot be consumed by an unsanitized program.
if(_vscreen_san_flags)
  set(VSCREEN_INSTRUMENTED ON)
else()
  set(VSCREEN_INSTRUMENTED OFF)
endif()
