// geo::Database: read any MaxMind-format database (GeoLite2/GeoIP2, DB-IP, IPinfo, ip-location-db,
// our own) through libmaxminddb, and normalise its records into one GeoRecord.
// geo::DatabaseSet: several databases at once, each answer with its provenance.
#pragma once

#include "core/error.hpp"
#include "core/ip.hpp"
#include "geo/provenance.hpp"
#include "geo/schema.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace geo {

// What a database says about itself (metadata) and which layout it was recognised as.
struct DatabaseInfo {
  std::string path;
  std::string database_type;
  Schema schema = Schema::unknown;
  SchemaBasis schema_basis = SchemaBasis::database_type;
  std::uint64_t build_epoch = 0;
  std::uint32_t node_count = 0;
  std::uint16_t record_size = 0;
  int ip_version = 0;       // 4 or 6 (an IPv6 tree also answers IPv4 lookups)
  std::string description;  // the English description, else the first one
  std::vector<std::string> languages;
  DataKind kind = DataKind::unknown;  // from the metadata, or set by whoever knows the file's source
  Provenance provenance;  // residency_kind / residency_inputs (databases built by residency data update)
};

// One database's answer for one address, normalised across vendors.
struct GeoRecord {
  // User-provided so that value-initialisation does not zero the whole record first (hot path).
  GeoRecord() {}

  std::optional<std::string> country;             // ISO 3166-1 alpha-2
  std::optional<std::string> registered_country;  // where the network is registered
  std::optional<std::uint32_t> asn;
  std::optional<std::string> as_org;
  std::optional<bool> is_anycast;
  std::optional<std::string> provider;  // residency-provider-ranges only
  std::optional<std::string> region;
  std::optional<std::string> service;
  core::Prefix network;  // the matched network (IPv4 prefix for an IPv4 lookup)
  std::string raw_json;  // the entry exactly as stored, as JSON; empty with RawEntry::skip
};

// When open() walks the whole search tree (and decodes every record) to catch corruption early.
enum class Verify { if_small, always, never };

// Whether a lookup also renders the whole entry as JSON (costly; the hot path skips it).
enum class RawEntry { include, skip };

// Whether a Database keeps the records it decoded, by entry, for later lookups of the same entry
// (on: the default; off: every lookup decodes, for comparisons in tests and benchmarks). Either
// way every answer is the same.
enum class CacheMode { on, off };

// What a Database's record cache did: lookups answered from it (hits), lookups that decoded their
// entry (misses), and its size in entries (slots; 0 when off).
struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t slots = 0;
};

// One open database. Lookups keep the normalised fields of the entries they decode in a bounded
// cache by the entry's offset in the file (at most 8,192 entries, under 1 MiB: see
// lib/geo/entry_cache.hpp), so many addresses of one entry decode it once. That cache makes a
// Database (and a DatabaseSet) NOT safe for concurrent lookups, const as they are: each thread
// looks up through a copy of its own (for_thread), which shares the mapped file.
class Database {
 public:
  // Open `path` (memory-mapped), check it is a MaxMind DB, and recognise its schema; verify the
  // tree too when asked (if_small: trees of up to 200,000 nodes, a few milliseconds).
  static core::Result<Database> open(const std::filesystem::path& path, Verify verify = Verify::if_small,
                                     CacheMode cache = CacheMode::on);

  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Return the metadata and schema of the database.
  const DatabaseInfo& info() const;

  // Return the record for `ip`, nullopt when the database has none, or an error naming the file
  // when the tree or the data is corrupt.
  core::Result<std::optional<GeoRecord>> lookup(const core::IpAddress& ip, RawEntry raw = RawEntry::include) const;

  // Fill `rec` with the record for `ip` and return true, or return false when there is none
  // (`rec` is then unspecified). The hot path: the caller reuses one GeoRecord for many lookups.
  core::Result<bool> lookup_into(const core::IpAddress& ip, GeoRecord& rec, RawEntry raw = RawEntry::skip) const;

  // Check every node of the search tree and decode every record it points to (cost grows with
  // the database: open() does it for small ones only unless asked).
  core::Result<void> verify() const;

  // What the record cache has done since open.
  CacheStats cache_stats() const;

  // The same open file, with a record cache of its own, for lookups from another thread (this
  // Database's file stays open while either lives; the answers are the same).
  Database for_thread() const;

 private:
  friend class DatabaseSet;  // lookup_all fills its answers in place through Impl
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// One database's answer in a DatabaseSet lookup; `source` points into the set.
struct SourcedAnswer {
  const DatabaseInfo* source = nullptr;
  core::Result<std::optional<GeoRecord>> result;
};

class DatabaseSet {
 public:
  // Open every file in order; the first that fails gives the error.
  static core::Result<DatabaseSet> open(const std::vector<std::filesystem::path>& paths);

  // Add an opened database at the end.
  void add(Database database) { m_databases.push_back(std::move(database)); }
  const std::vector<Database>& databases() const { return m_databases; }
  bool empty() const { return m_databases.empty(); }
  // The same databases, each with a record cache of its own (Database::for_thread), for another
  // thread. An answer's `source` points into the set it came from.
  DatabaseSet for_thread() const;

  // Return every database's answer for `ip`, in the set's order.
  std::vector<SourcedAnswer> lookup_all(const core::IpAddress& ip, RawEntry raw = RawEntry::include) const;

  // Set `answers` to what lookup_all returns. The hot path: the caller reuses one vector for many
  // addresses, and the records (and their strings' storage) of the previous answers are reused.
  void lookup_all_into(const core::IpAddress& ip, std::vector<SourcedAnswer>& answers,
                       RawEntry raw = RawEntry::skip) const;

 private:
  std::vector<Database> m_databases;
};

}  // namespace geo
