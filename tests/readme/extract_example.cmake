# Writes the C code between the README's example markers to OUT; fails if
# the markers are missing so a README edit cannot silently drop the test.
file(READ ${IN} text)
string(FIND "${text}" "<!-- example:begin -->" begin)
string(FIND "${text}" "<!-- example:end -->" end)
if(begin EQUAL -1 OR end EQUAL -1 OR end LESS begin)
  message(FATAL_ERROR "README.md: example markers not found")
endif()
math(EXPR len "${end} - ${begin}")
string(SUBSTRING "${text}" ${begin} ${len} block)
string(REGEX REPLACE "^[^\n]*\n```c\n" "" block "${block}")
string(REGEX REPLACE "```[ \n]*$" "" block "${block}")
file(WRITE ${OUT} "${block}")
