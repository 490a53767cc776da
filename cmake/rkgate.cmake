# Helpers shared by every rkgate module.

# Warnings that hold on our own code (third-party headers are SYSTEM includes).
function(rkgate_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()

# rkgate_module(NAME [DEPS ...] [PRIVATE_DEPS ...])
# The static library rkgate_<NAME> (alias rkgate::<NAME>) from <dir>/src/*.cpp,
# with its public headers in <dir>/include/<NAME>/.
function(rkgate_module name)
  cmake_parse_arguments(M "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  if(NOT sources)
    message(FATAL_ERROR "module ${name} has no sources in ${CMAKE_CURRENT_SOURCE_DIR}/src")
  endif()
  add_library(rkgate_${name} STATIC ${sources})
  add_library(rkgate::${name} ALIAS rkgate_${name})
  target_include_directories(rkgate_${name} PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/include")
  target_link_libraries(rkgate_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  rkgate_warnings(rkgate_${name})
endfunction()

# rkgate_test(NAME [DEPS ...]): a Catch2 test binary from the calling folder's
# *.cpp, registered with ctest (run from the build tree, which knows where the
# binaries and ../shared are).
function(rkgate_test name)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE rkgate_test_main ${T_DEPS})
  target_compile_definitions(${name} PRIVATE
    RKGATE_XSD_DIR="${RKGATE_XSD_DIR}"
    RKGATE_FIXTURES_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
    RKGATE_BINARY_DIR="${PROJECT_BINARY_DIR}")
  rkgate_warnings(${name})
  add_test(NAME ${name} COMMAND ${name} --reporter console --durations no)
endfunction()

# Absolute path of the vendor XSD schemas (../shared/rk7-xsd beside the checkout).
get_filename_component(_rkgate_xsd "${CMAKE_CURRENT_LIST_DIR}/../../shared/rk7-xsd" ABSOLUTE)
set(RKGATE_XSD_DIR "${_rkgate_xsd}" CACHE PATH "r_keeper XSD schemas")
