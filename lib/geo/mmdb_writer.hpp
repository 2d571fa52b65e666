// geo::MmdbWriter: builds MaxMind DB 2.0 files (the format libmaxminddb, mmdblookup and every
// GeoIP reader understand) from (prefix, record) pairs, and geo::MmdbValue, the record values.
//
// Overlap rule: a more specific prefix always wins over a less specific one, whatever the
// insertion order; inserting the same prefix again replaces the earlier value (later input wins).
// In an ip_version 6 tree, IPv4 prefixes are stored under ::/96 (a.b.c.d/n is ::a.b.c.d/96+n) and
// the subtree ::ffff:0:0/96 points at the same node, as MaxMind's own databases do, so IPv4
// addresses and their IPv4-mapped IPv6 forms give the same record. An IPv6 prefix inside
// ::ffff:0:0/96 is stored as the IPv4 prefix it maps. An ip_version 4 tree rejects IPv6 prefixes.
// Identical records are stored once in the data section.
#pragma once

#include "core/error.hpp"
#include "core/ip.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace geo {

// A value of the MaxMind DB data section: utf8 string, uint16/32/64, int32, boolean, double,
// array or map (string keys). Value semantics; maps keep their keys sorted and unique.
class MmdbValue {
 public:
  enum class Type : std::uint8_t { string, uint16, uint32, uint64, int32, boolean, real, array, map };
  using Entry = std::pair<std::string, MmdbValue>;

  // An empty map (the default value).
  MmdbValue() = default;

  static MmdbValue string(std::string text);
  static MmdbValue uint16(std::uint16_t value);
  static MmdbValue uint32(std::uint32_t value);
  static MmdbValue uint64(std::uint64_t value);
  static MmdbValue int32(std::int32_t value);
  static MmdbValue boolean(bool value);
  static MmdbValue real(double value);  // MaxMind "double"
  static MmdbValue array(std::vector<MmdbValue> items);
  // Build a map; keys are sorted, and a repeated key keeps its last value.
  static MmdbValue map(std::vector<Entry> entries);

  Type type() const { return m_type; }
  // Accessors: each asserts the matching type (check type() first on untrusted values).
  const std::string& as_string() const;
  std::uint64_t as_uint() const;  // uint16, uint32 or uint64
  std::int32_t as_int32() const;
  bool as_bool() const;
  double as_real() const;
  const std::vector<MmdbValue>& items() const;  // array elements
  const std::vector<Entry>& entries() const;    // map entries, sorted by key
  // Return the map value under `key`, or nullptr (also when this is not a map).
  const MmdbValue* find(std::string_view key) const;
  // Add or replace `key` in a map (asserts this is a map).
  void set(std::string key, MmdbValue value);

  // Return a compact JSON-like rendering, for messages and tests.
  std::string to_string() const;

  bool operator==(const MmdbValue& other) const;
  bool operator<(const MmdbValue& other) const;

 private:
  Type m_type = Type::map;
  std::uint64_t m_uint = 0;  // uint16/uint32/uint64, boolean (0/1)
  std::int32_t m_int = 0;
  double m_real = 0.0;
  std::string m_string;
  std::vector<MmdbValue> m_items;
  std::vector<Entry> m_entries;
};

struct WriterOptions {
  std::string database_type;                        // e.g. "residency-provider-ranges"
  std::map<std::string, std::string> description;  // language → text, e.g. {"en", "…"}
  std::vector<std::string> languages;
  int ip_version = 6;                               // 4 or 6
  std::uint64_t build_epoch = 0;  // seconds since 1970; 0 = the time of serialize() (readers reject 0)
  int record_size = 0;  // 0: the smallest of 24/28/32 that fits; 24, 28 or 32 forces it (tests)
  // More top-level metadata keys (e.g. residency_kind, residency_inputs: what the database was
  // built from); a key the format defines is refused by serialize().
  std::vector<MmdbValue::Entry> extra_metadata;
};

// Figures about the last serialized database.
struct WriterStats {
  std::size_t prefixes = 0;        // distinct prefixes after the overlap rule
  std::size_t records = 0;         // distinct records in the data section
  std::uint32_t node_count = 0;
  int record_size = 0;             // 24, 28 or 32
  std::size_t data_section_bytes = 0;
  std::size_t file_bytes = 0;
};

// An index into the writer's table of distinct records (see MmdbWriter::add_record).
using RecordId = std::uint32_t;

namespace detail {
// One insert() call: the prefix in tree coordinates (IPv4 under ::/96 in an IPv6 tree).
struct TreeEntry {
  std::array<std::uint8_t, 16> key{};
  std::uint8_t length = 0;
  RecordId record = 0;
  std::uint32_t sequence = 0;
};
}  // namespace detail

class MmdbWriter {
 public:
  explicit MmdbWriter(WriterOptions options);

  // Map `prefix` to `value` (see the overlap rule above). An IPv6 prefix in an ip_version 4
  // writer, or a value that cannot be encoded, is reported by serialize().
  void insert(const core::Prefix& prefix, const MmdbValue& value);
  // Store `value` once and return its id, to insert many prefixes with the same record cheaply.
  RecordId add_record(const MmdbValue& value);
  // Map `prefix` to a record returned by add_record().
  void insert(const core::Prefix& prefix, RecordId record);
  // Number of insert() calls so far.
  std::size_t size() const { return m_entries.size(); }

  // Build the search tree and return the whole database file.
  core::Result<std::string> serialize();
  // Serialize and write the file atomically (core::write_file_atomic).
  core::Result<void> write(const std::filesystem::path& path);
  // Figures of the last successful serialize().
  const WriterStats& stats() const { return m_stats; }
  const WriterOptions& options() const { return m_options; }

 private:
  WriterOptions m_options;
  std::vector<MmdbValue> m_values;                    // distinct records, by RecordId
  std::unordered_map<std::string, RecordId> m_index;  // canonical encoding → RecordId
  std::vector<detail::TreeEntry> m_entries;
  std::vector<std::string> m_errors;  // problems found by insert(), reported by serialize()
  WriterStats m_stats;
};

// The metadata a database says about itself, to write it again (see restamp_metadata).
struct MetadataFields {
  std::string database_type;
  std::map<std::string, std::string> description;
  std::vector<std::string> languages;
  std::uint64_t build_epoch = 0;
  std::uint32_t node_count = 0;
  int record_size = 0;
  int ip_version = 6;
};

// Return `database` (a whole MaxMind DB file) with its metadata section replaced by `fields`
// plus `extra` keys: the search tree and data section are kept byte for byte, so every lookup
// answers as before. Used to record provenance in a database residency did not build. An input
// without a metadata marker is an error.
core::Result<std::string> restamp_metadata(std::string_view database, const MetadataFields& fields,
                                           const std::vector<MmdbValue::Entry>& extra);

}  // namespace geo
