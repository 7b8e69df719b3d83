# Every header compiles on its own (DESIGN.md, "Style"): for each header a
# translation unit that includes it twice (the second time checks the include
# guard) is compiled with -fsyntax-only -Wall -Wextra -Werror.
#
# Usage: cmake -DCXX=g++ -DINCLUDE=include [-DEXTRA_INCLUDE=dirs]
#              [-DHEADER=ctnet/core/shape.hpp] -DWORK_DIR=scratch -P check_headers.cmake
# Without HEADER every header under INCLUDE/ctnet is checked and all failures
# are listed before the script fails.
cmake_minimum_required(VERSION 3.20)

foreach(var CXX INCLUDE WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_headers.cmake: pass -D${var}=...")
  endif()
endforeach()

if(DEFINED HEADER AND NOT HEADER STREQUAL "")
  set(headers "${HEADER}")
else()
  file(GLOB_RECURSE headers RELATIVE "${INCLUDE}" "${INCLUDE}/ctnet/*.hpp")
  list(SORT headers)
endif()

set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Werror "-I${INCLUDE}")
foreach(dir IN LISTS EXTRA_INCLUDE)
  list(APPEND flags -isystem "${dir}")
endforeach()

file(MAKE_DIRECTORY "${WORK_DIR}")
set(failed "")
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER "${header}" stem)
  set(tu "${WORK_DIR}/${stem}.cpp")
  file(WRITE "${tu}" "#include <${header}>\n#include <${header}>\n")
  execute_process(COMMAND "${CXX}" ${flags} "${tu}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(rc EQUAL 0)
    message(STATUS "ok      ${header}")
  else()
    message(STATUS "FAILED  ${header}\n${out}")
    list(APPEND failed "${header}")
  endif()
endforeach()

if(failed)
  list(LENGTH failed n)
  list(JOIN failed "\n  " names)
  message(FATAL_ERROR "${n} header(s) do not compile on their own:\n  ${names}")
endif()
