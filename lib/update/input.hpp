// Internal to lib/update: one input of a database build, read from its bytes (a new download or
// the installed copy in the data folder's inputs/), and the builds themselves.
#pragma once

#include "geo/importers.hpp"
#include "geo/provenance.hpp"
#include "update/sources_file.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace update::detail {

struct Input {
  const SourceSpec* spec = nullptr;
  geo::SourceState state;                      // the SOURCES.json entry (input record included)
  std::string bytes;                           // the file as fetched
  std::vector<geo::RangeTable> tables;         // range formats: one per file (asn: one per member)
  std::map<std::string, std::string> members;  // npm: the tarball members read
  std::optional<core::Date> date;              // the date the guards compare
};

// Parse `input.bytes` as `input.spec` says (range format, or npm tarball: integrity, members);
// fill tables/members and the dates and serial of input.state.input. A failure is the "parse"
// guard's message (or, for an integrity mismatch, `integrity` is set).
struct ParseProblem {
  std::string message;
  bool integrity = false;  // the tarball is not the pinned one: never forced
};
std::optional<ParseProblem> parse_input(Input& input);

// A database built from its inputs.
struct Built {
  std::string bytes;
  geo::DatabaseState state;
};

// Build `db` from `inputs` (in build order). `scratch` is a folder for checking a copied .mmdb.
core::Result<Built> build_database(const DatabaseSpec& db, const std::vector<const Input*>& inputs,
                                   const std::filesystem::path& scratch);

// The ATTRIBUTION.md text for the sources of `file` (every source, with its licence).
std::string attribution_text(const SourcesFile& file, const std::map<std::string, geo::SourceState>& installed);

}  // namespace update::detail
