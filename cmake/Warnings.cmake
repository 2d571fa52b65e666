# project_warnings: the warning set every target of ours compiles with.
add_library(project_warnings INTERFACE)
target_compile_options(project_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(ENABLE_WERROR)
  target_compile_options(project_warnings INTERFACE -Werror)
endif()
