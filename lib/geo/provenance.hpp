// geo provenance: what a database was built from, so that every report can name each data source
// with its date and age. A database built by `residency data update` carries two extra metadata
// keys: `residency_kind` (what its records are evidence of) and `residency_inputs` (one map per
// input: id, name, kind, url, published, date, serial, sha256). The data folder's SOURCES.json
// records the same plus how and when each input was fetched; `data update` reads it back to
// compare a new feed with the installed one.
#pragma once

#include "core/error.hpp"
#include "geo/mmdb_writer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace geo {

// What a data source is evidence of (the kinds of sources.yaml, and of residency_kind).
inline constexpr std::string_view k_kind_provider_feed = "provider-feed";  // a provider's own ranges
inline constexpr std::string_view k_kind_registry = "registry";            // RIR delegations (country of registration)
inline constexpr std::string_view k_kind_geolocation = "geolocation";      // measured/inferred location
inline constexpr std::string_view k_kind_asn = "asn";                      // routing: prefix → AS

// Return true when `kind` is one of the four kinds above.
bool is_source_kind(std::string_view kind);

inline constexpr std::string_view k_meta_kind = "residency_kind";
inline constexpr std::string_view k_meta_inputs = "residency_inputs";

// One input of a database.
struct InputRecord {
  std::string id;          // the sources file's id, e.g. "aws"
  std::string name;        // e.g. "AWS ip-ranges.json"
  std::string kind;        // provider-feed, registry, geolocation, asn
  std::string url;         // the official URL (not the mirror it may have come from)
  std::string published;   // the feed's own date-time as it spells it; may be empty
  std::string date;        // YYYY-MM-DD: the feed's date (see date_basis); empty when unknown
  std::string date_basis;  // feed, file-name, package-version, last-modified, fetched; empty when unknown
  std::string serial;      // syncToken, changeNumber, package version; may be empty
  std::string sha256;      // of the input file as fetched
  std::string licence;     // the sources file's licence statement, e.g. "CC BY 4.0 (NRO)"; may be empty
  std::string attribution;  // the credit the licence requires in derived works (reports); may be empty

  bool operator==(const InputRecord&) const = default;
};

// The extra metadata entries (residency_kind, residency_inputs) of a database built from `inputs`.
std::vector<MmdbValue::Entry> provenance_metadata(std::string_view kind, const std::vector<InputRecord>& inputs);

// A database's recorded provenance, read back from its metadata.
struct Provenance {
  std::string kind;
  std::vector<InputRecord> inputs;
};

// Read the provenance from a database's metadata rendered as JSON (geo::Database does this);
// absent keys give an empty Provenance, and fields of the wrong type are ignored.
Provenance provenance_from_metadata_json(std::string_view metadata_json);

// One source in the data folder's SOURCES.json: the input record plus how it was obtained.
struct SourceState {
  InputRecord input;
  std::string database;      // the database it feeds, e.g. "providers.mmdb"
  std::string file;          // the stored input, relative to the data folder, e.g. "inputs/ip-ranges.json"
  std::string fetched_from;  // the URL or path it was read from (official URL or mirror)
  std::string fetched_at;    // ISO 8601 UTC
  std::uint64_t bytes = 0;
  std::uint64_t prefixes = 0;  // distinct prefixes (provider feeds); 0 otherwise
  std::string etag;            // HTTP validators, for the next conditional request
  std::string last_modified;
};

// A database written by the update, as SOURCES.json lists it.
struct DatabaseState {
  std::string file;  // e.g. "providers.mmdb"
  std::string kind;
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string built;                // ISO 8601 UTC build time (from the inputs' dates)
  std::vector<std::string> inputs;  // source ids, in build order
};

// The data folder's SOURCES.json.
struct SourcesState {
  std::string updated_at;  // ISO 8601 UTC of the last update that wrote something
  std::vector<SourceState> sources;
  std::vector<DatabaseState> databases;

  // Return the state of source `id`, or nullptr.
  const SourceState* find(std::string_view id) const;
};

inline constexpr std::string_view k_sources_state_schema = "residency/data-sources/v1";

// Serialise (sorted as given, 2-space indent, final newline).
std::string to_json(const SourcesState& state);
// Parse; errors name `file` and the byte offset or key.
core::Result<SourcesState> parse_sources_state(std::string_view text, const std::string& file);

}  // namespace geo
