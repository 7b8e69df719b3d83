# docs/guide.md's C++ programs, compiled into one binary (each program in a
# namespace of its own, its includes hoisted, `main` renamed) and run one test
# each: `guide_examples N` runs program N. A program followed by
# `<!-- exits 1 with: TEXT -->` must fail with TEXT on one line of stderr.
set(guide_md ${CMAKE_SOURCE_DIR}/docs/guide.md)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${guide_md})
file(READ ${guide_md} text)
set(includes "")
set(bodies "")
set(cases "")
set(index 0)
while(TRUE)
  string(FIND "${text}" "```cpp\n" start)
  if(start EQUAL -1)
    break()
  endif()
  math(EXPR start "${start} + 7")
  string(SUBSTRING "${text}" ${start} -1 text)
  string(FIND "${text}" "```" stop)
  string(SUBSTRING "${text}" 0 ${stop} code)
  math(EXPR after "${stop} + 3")
  string(SUBSTRING "${text}" ${after} -1 text)
  # What must happen: exit 0, or the failure named in the comment after the block.
  set(expect "")
  string(REGEX MATCH "^\n*<!-- exits 1 with: ([^\n]*) -->" m "${text}")
  if(m)
    set(expect "${CMAKE_MATCH_1}")
  endif()
  string(REGEX MATCHALL "#include [<\"][^\n]*[>\"]" incs "${code}")
  list(APPEND includes ${incs})
  string(REGEX REPLACE "#include [<\"][^\n]*[>\"]\n" "" code "${code}")
  string(REPLACE "int main()" "int main_()" code "${code}")
  string(APPEND bodies "namespace guide_${index} {\n${code}}  // namespace guide_${index}\n\n")
  string(APPEND cases "    case ${index}: return guide_${index}::main_();\n")
  if(expect STREQUAL "")
    add_test(NAME guide.${index} COMMAND guide_examples ${index} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  else()
    add_test(NAME guide.${index} COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:guide_examples>
             -DARGS=${index} "-DEXPECT=${expect}" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_error.cmake
             WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  endif()
  math(EXPR index "${index} + 1")
endwhile()
list(REMOVE_DUPLICATES includes)
list(JOIN includes "\n" includes)
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/guide_examples.cpp CONTENT
"// Generated from docs/guide.md: do not edit.\n${includes}\n#include <cstdlib>\n\n${bodies}\
int main(int argc, char** argv) {\n  switch (argc > 1 ? std::atoi(argv[1]) : -1) {\n${cases}\
    default: return 2;\n  }\n}\n" @ONLY)
add_executable(guide_examples ${CMAKE_CURRENT_BINARY_DIR}/guide_examples.cpp)
target_link_libraries(guide_examples PRIVATE ctnet_dev)
