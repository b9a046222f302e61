# Project-wide build helpers: warnings, sanitizers, tests and fuzz targets declared the same way
# in every layer.

# Warnings are errors in CI (scripts/test turns MGC_WERROR on) and in developer builds (Debug),
# never in a user's plain build: a newer compiler's new warning, or a false positive such as
# GCC 12's -Wrestrict at -O3 inside std::string, must not stop someone building a release.
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(MGC_WERROR_DEFAULT ON)
else()
  set(MGC_WERROR_DEFAULT OFF)
endif()
option(MGC_WERROR "Treat compiler warnings in our own code as errors" ${MGC_WERROR_DEFAULT})
set(MGC_WARNINGS -Wall -Wextra)
if(MGC_WERROR)
  list(APPEND MGC_WARNINGS -Werror)
endif()
set(MGC_SAN_FLAGS "")
if(MGC_SANITIZE OR MGC_FUZZ)
  set(MGC_SAN_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
endif()
if(MGC_FUZZ)
  # Instrument every library for coverage so the fuzzers see inside them.
  list(APPEND MGC_SAN_FLAGS -fsanitize=fuzzer-no-link)
endif()
if(MGC_SAN_FLAGS)
  add_compile_options(${MGC_SAN_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()

# Our own code gets the strict warnings; generated code (asn1c) does not.
function(mgc_strict target)
  target_compile_options(${target} PRIVATE ${MGC_WARNINGS})
endfunction()

# mgc_add_library(name SOURCES ... [DEPS ...])
function(mgc_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${A_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${A_DEPS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  mgc_strict(${name})
endfunction()

# mgc_add_test(name SOURCES ... [DEPS ...] [LABELS ...] [RESOURCE_LOCK ...]): a gtest binary,
# every TEST registered with ctest (RESOURCE_LOCK: what its tests must not share with others run
# at the same time, e.g. osmo-mgw's fixed VTY port). Vectors are found through MGC_TEST_DATA.
function(mgc_add_test name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;LABELS;RESOURCE_LOCK" ${ARGN})
  if(NOT MGC_TESTS)
    return()
  endif()
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE MGC_TEST_DATA="${PROJECT_SOURCE_DIR}/tests"
                                             MGC_BUILD_DIR="${PROJECT_BINARY_DIR}")
  mgc_strict(${name})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(A_RESOURCE_LOCK)
    gtest_discover_tests(${name} PROPERTIES LABELS "${A_LABELS}" RESOURCE_LOCK "${A_RESOURCE_LOCK}"
                         DISCOVERY_TIMEOUT 60)
  else()
    gtest_discover_tests(${name} PROPERTIES LABELS "${A_LABELS}" DISCOVERY_TIMEOUT 60)
  endif()
endfunction()

# mgc_add_fuzzer(name SOURCES ... DEPS ... CORPUS dir): a libFuzzer target; scripts/test runs
# every one listed in ${PROJECT_BINARY_DIR}/fuzzers.txt for a bounded time with its corpus.
set_property(GLOBAL PROPERTY MGC_FUZZERS "")
function(mgc_add_fuzzer name)
  cmake_parse_arguments(A "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  if(NOT MGC_FUZZ)
    return()
  endif()
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz-bin)
  mgc_strict(${name})
  file(APPEND ${PROJECT_BINARY_DIR}/fuzzers.txt.tmp "${name} ${A_CORPUS}\n")
  set_property(GLOBAL APPEND PROPERTY MGC_FUZZERS ${name})
endfunction()
