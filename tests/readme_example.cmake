# The README's first C++ block is a program: extract it, compile it against
# the headers and run it, so the tour stays true to the code.
file(READ ${README} text)
string(FIND "${text}" "```cpp\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "no ```cpp block in ${README}")
endif()
math(EXPR start "${start} + 7")
string(SUBSTRING "${text}" ${start} -1 rest)
string(FIND "${rest}" "```" stop)
string(SUBSTRING "${rest}" 0 ${stop} code)
file(WRITE ${WORK_DIR}/readme_example.cpp "${code}")
execute_process(
  COMMAND ${CXX} -std=c++20 -O1 -Wall -Wextra -Werror -I${INCLUDE} -isystem ${EXTRA_INCLUDE}
          ${WORK_DIR}/readme_example.cpp -o ${WORK_DIR}/readme_example ${LIBS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the README's example does not compile:\n${err}")
endif()
execute_process(COMMAND ${WORK_DIR}/readme_example RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the README's example exited with ${rc}:\n${out}")
endif()
string(FIND "${out}" "Total params: 197,082" found)
if(found EQUAL -1)
  message(FATAL_ERROR "the README's example did not print the summary:\n${out}")
endif()
message(STATUS "README example compiled and ran")
