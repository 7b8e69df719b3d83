# Installs ctnet from SOURCE_DIR into WORK_DIR/prefix, then configures, builds
# and runs the consumer project in CONSUMER_DIR against that prefix with
# find_package(ctnet CONFIG REQUIRED). Any failing step stops with its output.
#
# Usage: cmake -DSOURCE_DIR=... -DWORK_DIR=... -DCONSUMER_DIR=... -P run.cmake
#        [-DCXX=compiler] [-DGENERATOR=...]
cmake_minimum_required(VERSION 3.20)

foreach(var SOURCE_DIR WORK_DIR CONSUMER_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: pass -D${var}=...")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(ctnet_build "${WORK_DIR}/ctnet-build")
set(consumer_build "${WORK_DIR}/consumer-build")
# Fresh every time: a stale prefix would hide a broken install.
file(REMOVE_RECURSE "${prefix}" "${ctnet_build}" "${consumer_build}")
file(MAKE_DIRECTORY "${WORK_DIR}")

set(common_args)
if(DEFINED CXX AND NOT CXX STREQUAL "")
  list(APPEND common_args "-DCMAKE_CXX_COMPILER=${CXX}")
endif()
if(DEFINED GENERATOR AND NOT GENERATOR STREQUAL "")
  list(APPEND common_args -G "${GENERATOR}")
endif()

function(step name)
  message(STATUS "install_consumer: ${name}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install_consumer: ${name} failed (${rc}):\n${out}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

step("configure ctnet"
  "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${ctnet_build}" ${common_args}
  "-DCMAKE_INSTALL_PREFIX=${prefix}"
  -DCTNET_BUILD_TESTS=OFF -DCTNET_BUILD_EXAMPLES=OFF -DCTNET_BUILD_BENCH=OFF)
step("install ctnet" "${CMAKE_COMMAND}" --install "${ctnet_build}")
if(NOT EXISTS "${prefix}/include/ctnet/ctnet.hpp")
  message(FATAL_ERROR "install_consumer: ${prefix}/include/ctnet/ctnet.hpp was not installed")
endif()

step("configure the consumer"
  "${CMAKE_COMMAND}" -S "${CONSUMER_DIR}" -B "${consumer_build}" ${common_args}
  "-DCMAKE_PREFIX_PATH=${prefix}" -DCMAKE_BUILD_TYPE=Release)
step("build the consumer" "${CMAKE_COMMAND}" --build "${consumer_build}")

# Single- and multi-config generators put the program in different places.
find_program(app NAMES app PATHS "${consumer_build}" "${consumer_build}/Release"
             NO_DEFAULT_PATH NO_CACHE)
if(NOT app)
  message(FATAL_ERROR "install_consumer: no app built in ${consumer_build}")
endif()
step("run the consumer" "${app}")
message(STATUS "install_consumer: the consumer ran:\n${step_output}")
