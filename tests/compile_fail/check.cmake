# Compiles one compile-fail case with g++ or clang and matches the compiler's output against the
# expectations written at the top of the case, as `//` comment lines:
#
#   // expect-compile        the case must compile (the control)
#   // expect-first: TEXT    the first line of the diagnostic contains TEXT
#   // expect: TEXT          the whole output contains TEXT
#   // expect-not: TEXT      the whole output does not contain TEXT
#   // max-lines: N          at most N lines of diagnostic (default 15): the
#                            output without the include trace before it and
#                            clang's closing "1 error generated."
#   // errors: N             exactly N lines with "error:" (default 1: one bug,
#                            one error)
#
# "The first line of the diagnostic" is the first line after g++'s include
# trace ("In file included from a.hpp:17," and its "                 from ..."
# continuation lines), which g++ prints before any error located in a header
# and which no library can avoid (clang prints its own "In file included
# from" lines); its length depends on the including program, so it does not
# count towards max-lines.
#
# Usage: cmake -DCXX=g++ -DSOURCE=case.cpp -DINCLUDE=include
#              [-DEXTRA_INCLUDE=dirs] -P check.cmake
cmake_minimum_required(VERSION 3.20)

foreach(var CXX SOURCE INCLUDE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check.cmake: pass -D${var}=...")
  endif()
endforeach()
get_filename_component(case_name "${SOURCE}" NAME_WE)

# The expectations: the leading block of // lines.
file(STRINGS "${SOURCE}" source_lines)
set(expect_compile OFF)
set(expect_first "")
set(expect_all "")
set(expect_not "")
set(max_lines 15)
set(errors 1)
foreach(line IN LISTS source_lines)
  if(NOT line MATCHES "^//")
    break()
  endif()
  if(line MATCHES "^// *expect-compile")
    set(expect_compile ON)
  elseif(line MATCHES "^// *expect-first: *(.*[^ ]) *$")
    list(APPEND expect_first "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// *expect-not: *(.*[^ ]) *$")
    list(APPEND expect_not "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// *expect: *(.*[^ ]) *$")
    list(APPEND expect_all "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// *max-lines: *([0-9]+)")
    set(max_lines "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^// *errors: *([0-9]+)")
    set(errors "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(NOT expect_compile AND expect_first STREQUAL "" AND expect_all STREQUAL "")
  message(FATAL_ERROR "${case_name}: no expectation (// expect-compile, // expect-first: "
                      "or // expect:) at the top of ${SOURCE}")
endif()

set(cmd "${CXX}" -std=c++20 -fsyntax-only "-I${INCLUDE}")
foreach(dir IN LISTS EXTRA_INCLUDE)
  list(APPEND cmd -isystem "${dir}")
endforeach()
list(APPEND cmd "${SOURCE}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)

# Lines of output, and the first one past the include trace. `;`, `[` and `]`
# are masked first: they would split (or stop splitting) CMake's lists.
string(REGEX MATCHALL "\n" newlines "${out}")
list(LENGTH newlines n_lines)
if(out MATCHES "[^\n]$")
  math(EXPR n_lines "${n_lines} + 1")  # a last line without a newline
endif()
string(REPLACE ";" "<semicolon>" masked "${out}")
string(REPLACE "[" "<lbracket>" masked "${masked}")
string(REPLACE "]" "<rbracket>" masked "${masked}")
string(REGEX MATCHALL "[^\n]+" masked_lines "${masked}")
set(first "")
foreach(line IN LISTS masked_lines)
  if(NOT line MATCHES "^In file included from " AND NOT line MATCHES "^ +from ")
    string(REPLACE "<semicolon>" ";" line "${line}")
    string(REPLACE "<lbracket>" "[" line "${line}")
    string(REPLACE "<rbracket>" "]" first "${line}")
    break()
  endif()
  math(EXPR n_lines "${n_lines} - 1")  # the include trace is not the diagnostic
endforeach()
if(out MATCHES "\n[0-9]+ errors? generated\.\n?$")
  math(EXPR n_lines "${n_lines} - 1")  # clang's closing count
endif()
string(REGEX MATCHALL "error:" error_hits "${out}")
list(LENGTH error_hits n_errors)

set(problems "")
if(expect_compile)
  if(NOT rc EQUAL 0)
    list(APPEND problems "expected to compile, but the compiler failed (exit ${rc})")
  endif()
else()
  if(rc EQUAL 0)
    list(APPEND problems "expected a compile error, but it compiled")
  endif()
  foreach(text IN LISTS expect_first)
    string(FIND "${first}" "${text}" at)
    if(at EQUAL -1)
      list(APPEND problems "the first line does not contain: ${text}")
    endif()
  endforeach()
  foreach(text IN LISTS expect_all)
    string(FIND "${out}" "${text}" at)
    if(at EQUAL -1)
      list(APPEND problems "the output does not contain: ${text}")
    endif()
  endforeach()
  foreach(text IN LISTS expect_not)
    string(FIND "${out}" "${text}" at)
    if(NOT at EQUAL -1)
      list(APPEND problems "the output contains: ${text}")
    endif()
  endforeach()
  if(n_lines GREATER max_lines)
    list(APPEND problems "${n_lines} lines of output, more than ${max_lines}")
  endif()
  if(NOT n_errors EQUAL errors)
    list(APPEND problems "${n_errors} lines with \"error:\", expected ${errors}")
  endif()
endif()

if(problems)
  list(JOIN problems "\n  " why)
  message(FATAL_ERROR "${case_name}:\n  ${why}\n"
                      "first diagnostic line: ${first}\n"
                      "compiler output (${n_lines} lines):\n${out}")
endif()
if(expect_compile)
  message(STATUS "${case_name}: compiles (${n_lines} lines of output)")
else()
  message(STATUS "${case_name}: ${n_lines} lines, ${n_errors} error; first: ${first}")
endif()
