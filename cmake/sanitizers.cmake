# Opt-in instrumented builds, each in its own build directory so the normal g++ Release build is unchanged:
#   SNSIM_SANITIZE=ON  the whole project and its tests under AddressSanitizer + UndefinedBehaviorSanitizer
#                      (scripts/test builds it in build-asan);
#   SNSIM_FUZZ=ON      clang only: the libFuzzer targets of tests/fuzz, project code instrumented for coverage,
#                      ASan and UBSan (scripts/test builds it in build-fuzz; the tests and benchmarks are left out).
# UBSan stops at the first report (-fno-sanitize-recover) so a finding fails the test or the fuzz run.
option(SNSIM_SANITIZE "Build with -fsanitize=address,undefined" OFF)
option(SNSIM_FUZZ "Build the libFuzzer targets (needs clang)" OFF)

# float-cast-overflow (a double too large for the integer it is cast to) is part of clang's `undefined`, not GCC's.
set(SNSIM_SANITIZER_FLAGS -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
    -fno-omit-frame-pointer)

if(SNSIM_SANITIZE AND SNSIM_FUZZ)
    message(FATAL_ERROR "SNSIM_SANITIZE and SNSIM_FUZZ each need their own build directory")
endif()

if(SNSIM_SANITIZE)
    add_compile_options(${SNSIM_SANITIZER_FLAGS})
    add_link_options(${SNSIM_SANITIZER_FLAGS})
    # GCC 12's flow analysis sees instrumented code: it reports Boost.Graph's `return optional<Vertex>()`
    # (named_graph.hpp:513) as uninitialized. The normal build keeps these warnings.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-uninitialized -Wno-maybe-uninitialized)
    endif()
endif()

if(SNSIM_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "SNSIM_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-14")
    endif()
    # Every library is instrumented for coverage; only the fuzz targets link libFuzzer's main (-fsanitize=fuzzer).
    add_compile_options(${SNSIM_SANITIZER_FLAGS} -fsanitize=fuzzer-no-link)
    add_link_options(${SNSIM_SANITIZER_FLAGS})
endif()

# Options for the instrumented tests (ctest passes them on, and the tests pass them to the snsim binary they run).
# halt_on_error: the first UBSan report fails the test. No report needs suppressing today: SimGrid runs in the
# forked child, which leaves with _exit (no leak check), and the whole suite runs clean (third-party libraries
# are not instrumented, so UBSan sees only our code and headers). If one ever must be, add
# LSAN_OPTIONS=suppressions=FILE here with a comment proving it third-party.
set(SNSIM_TEST_ENVIRONMENT "")
if(SNSIM_SANITIZE)
    set(SNSIM_TEST_ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1"
                               "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1")
endif()
