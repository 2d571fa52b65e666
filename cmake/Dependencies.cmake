# Find each dependency once and give it a dep:: alias (all Debian 12 packages).
find_package(PkgConfig REQUIRED)

find_package(fmt REQUIRED)
add_library(dep::fmt ALIAS fmt::fmt)

find_package(CLI11 REQUIRED)
add_library(dep::cli11 ALIAS CLI11::CLI11)

find_package(yaml-cpp REQUIRED)          # 0.7 exports a plain target named yaml-cpp
add_library(dep::yaml INTERFACE IMPORTED)
target_link_libraries(dep::yaml INTERFACE yaml-cpp)

find_package(nlohmann_json REQUIRED)
add_library(dep::json ALIAS nlohmann_json::nlohmann_json)

# simdjson: the fast reader of recorded facts (replay of 100,000 targets); nlohmann-json gives the
# located error when it refuses a file.
find_package(simdjson REQUIRED)
add_library(dep::simdjson ALIAS simdjson::simdjson)

find_package(CURL REQUIRED)
add_library(dep::curl ALIAS CURL::libcurl)
# OpenSSL reads the certificates libcurl's handshake saw (the HTTPS probe); libcurl links it too.
find_package(OpenSSL REQUIRED)
add_library(dep::openssl INTERFACE IMPORTED)
target_link_libraries(dep::openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)

find_package(ZLIB REQUIRED)              # npm tarballs (data update)
add_library(dep::zlib ALIAS ZLIB::ZLIB)
find_package(OpenSSL REQUIRED)           # sha256 / sha512 of inputs (data update)
add_library(dep::crypto ALIAS OpenSSL::Crypto)

# libmaxminddb, c-ares and libidn2 ship only .pc files on Debian 12.
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)
add_library(dep::maxminddb ALIAS PkgConfig::MAXMINDDB)
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)
add_library(dep::cares ALIAS PkgConfig::CARES)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2)
add_library(dep::idn2 ALIAS PkgConfig::IDN2)
# RE2: linear-time regular expressions for `matches` (no backtracking on text a manifest controls).
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
add_library(dep::re2 ALIAS PkgConfig::RE2)

if(BUILD_TESTING)
  find_package(Catch2 2 REQUIRED)        # Catch2 v2 on Debian 12
  add_library(dep::catch2 ALIAS Catch2::Catch2)
endif()
