# Sanitizers apply to every target of the build, including tests.
set(_san "")
if(ENABLE_ASAN)
  list(APPEND _san address)
endif()
if(ENABLE_UBSAN)
  list(APPEND _san undefined)
endif()
if(ENABLE_TSAN)
  list(APPEND _san thread)
endif()
if(_san)
  list(JOIN _san "," _san_list)
  add_compile_options(-fsanitize=${_san_list} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_san_list})
endif()

# Fuzzing: every target of ours gets libFuzzer's coverage instrumentation; only the fuzz
# executables (tests/fuzz) link libFuzzer's main.
if(RESIDENCY_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
    # libstdc++ 12 offers <expected> only where __cpp_concepts >= 202002L (P0848R3, conditionally
    # trivial special members), which clang-14 and clang-15 do not implement.
    message(FATAL_ERROR "RESIDENCY_FUZZ needs clang 16 or later (libFuzzer, std::expected): use the preset fuzz")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Clang 16 to 18 implement P0848R3 but still report __cpp_concepts 201907L, which hides
# libstdc++'s <expected>; state the level they implement (clang 19 reports it itself).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 16
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 19)
  add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined -Wno-builtin-macro-redefined)
endif()
