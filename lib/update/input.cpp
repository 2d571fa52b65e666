// Reading inputs and building databases from them. A range feed is parsed by its importer; an npm
// tarball is checked against its pinned integrity, then the members are read (CSV members parsed
// by their importer, an .mmdb kept as is). Builds are deterministic: inputs in sources-file order,
// the build time taken from the inputs' dates (never the clock), provenance in the metadata. A
// copied .mmdb keeps its tree and data byte for byte; only its metadata gains the provenance.
#include "update/input.hpp"

#include "core/atomic_file.hpp"
#include "geo/mmdb_reader.hpp"
#include "update/digest.hpp"
#include "update/tgz.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace update::detail {

namespace {

namespace fs = std::filesystem;

// Seconds since the epoch at 00:00 UTC of `date`, plus `hour` hours.
std::uint64_t epoch_of(core::Date date, int hour) {
  const auto days = std::chrono::sys_days(date.ymd).time_since_epoch().count();
  return static_cast<std::uint64_t>(days) * 86400u + static_cast<std::uint64_t>(hour) * 3600u;
}

// The hour of a package version ("2.3.2026061719" → 19), else 0.
int version_hour(std::string_view version) {
  const auto dot = version.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? version : version.substr(dot + 1);
  if (last.size() != 10) return 0;
  const int hour = (last[8] - '0') * 10 + (last[9] - '0');
  return hour >= 0 && hour < 24 ? hour : 0;
}

std::optional<ParseProblem> parse_npm(Input& in) {
  const SourceSpec& s = *in.spec;
  const std::string source = in.state.fetched_from.empty() ? s.file : in.state.fetched_from;
  if (const std::string have = sha512_integrity(in.bytes); have != s.integrity) {
    return ParseProblem{fmt::format("integrity {} differs from the pin {} in the lock file", have, s.integrity), true};
  }
  std::set<std::string> wanted(s.members.begin(), s.members.end());
  for (const auto& [member, target] : s.licence_files) wanted.insert(member);
  auto members = read_tgz_members(in.bytes, wanted, source);
  if (!members) return ParseProblem{members.error().to_string()};
  in.members = std::move(*members);
  if (s.format) {
    for (const auto& m : s.members) {
      auto table = geo::parse_ranges(*s.format, in.members.at(m), source + ":" + m, s.provider);
      if (!table) return ParseProblem{table.error().to_string()};
      in.tables.push_back(std::move(*table));
      in.members.erase(m);  // the table holds the data; keep only what is copied as is
    }
  }
  in.date = package_version_date(s.version);
  return std::nullopt;
}

std::string date_in_name(std::string_view name) {
  for (std::size_t i = 0; i + 8 <= name.size(); ++i) {
    const std::string_view digits = name.substr(i, 8);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    auto d = core::parse_date(fmt::format("{}-{}-{}", digits.substr(0, 4), digits.substr(4, 2), digits.substr(6, 2)));
    if (d) return d->to_string();
  }
  return {};
}

// The record of `in` written into a database's provenance. The licence and attribution come
// from the sources file in use, also for an input kept from an earlier run.
geo::InputRecord record_of(const Input& in) {
  geo::InputRecord r = in.state.input;
  r.licence = in.spec->licence;
  r.attribution = in.spec->attribution;
  return r;
}

// The writer options of a range database built from `inputs`.
geo::WriterOptions writer_options(const DatabaseSpec& db, const std::vector<const Input*>& inputs,
                                  std::string_view type) {
  geo::WriterOptions o;
  o.database_type = std::string(type);
  o.languages = {"en"};
  std::optional<core::Date> newest;
  int hour = 0;
  std::vector<geo::InputRecord> records;
  std::vector<std::string> names;
  for (const auto* in : inputs) {
    records.push_back(record_of(*in));
    const auto& r = in->state.input;
    names.push_back(r.date.empty() ? r.name : fmt::format("{} ({})", r.name, r.date));
    auto d = core::parse_date(r.date);
    if (d && (!newest || *d > *newest)) {
      newest = *d;
      hour = in->spec->date_from == DateFrom::package_version ? version_hour(in->spec->version) : 0;
    }
  }
  o.build_epoch = newest ? epoch_of(*newest, hour) : 86400;  // no dated input: a fixed, valid epoch
  o.description["en"] = fmt::format("{} (kind: {}); built by residency data update from {}", db.description, db.kind,
                                    fmt::join(names, ", "));
  o.extra_metadata = geo::provenance_metadata(db.kind, records);
  return o;
}

core::Result<std::string> build_ranges(const DatabaseSpec& db, const std::vector<const Input*>& inputs,
                                       std::uint64_t& epoch) {
  const std::string_view type = geo::database_type_of(*inputs.front()->spec->format);
  for (const auto* in : inputs) {
    if (geo::database_type_of(*in->spec->format) != type) {
      return core::fail(core::ErrorCode::config, fmt::format("{}: sources of different schemas ({} and {})", db.file,
                                                             type, geo::database_type_of(*in->spec->format)));
    }
  }
  geo::MmdbWriter writer(writer_options(db, inputs, type));
  epoch = writer.options().build_epoch;
  for (const auto* in : inputs) {
    for (const auto& table : in->tables) geo::add_to_writer(table, writer);
  }
  return writer.serialize();
}

// Copy the input's .mmdb with provenance added to its metadata, and check both open.
core::Result<std::string> build_copy(const DatabaseSpec& db, const Input& in, const fs::path& scratch,
                                     std::uint64_t& epoch) {
  if (in.spec->members.size() != 1 || !in.members.contains(in.spec->members.front())) {
    return core::fail(core::ErrorCode::config, db.file + ": an mmdb source reads exactly one member");
  }
  const std::string& original = in.members.at(in.spec->members.front());
  const fs::path check = scratch / (db.file + ".check");
  if (auto ok = core::write_file_atomic(check, original); !ok) return std::unexpected(ok.error());
  auto opened = geo::Database::open(check, geo::Verify::never);
  if (!opened) return std::unexpected(opened.error());
  const geo::DatabaseInfo& info = opened->info();
  epoch = info.build_epoch;
  geo::MetadataFields fields{
      info.database_type, {}, info.languages, info.build_epoch, info.node_count, info.record_size, info.ip_version};
  fields.description["en"] = fmt::format("{} (kind: {}); residency added its provenance to this copy of {}",
                                         db.description, db.kind, in.state.input.name);
  if (fields.languages.empty()) fields.languages = {"en"};
  auto stamped = geo::restamp_metadata(original, fields, geo::provenance_metadata(db.kind, {record_of(in)}));
  if (!stamped) return std::unexpected(stamped.error());
  if (auto ok = core::write_file_atomic(check, *stamped); !ok) return std::unexpected(ok.error());
  if (auto reopened = geo::Database::open(check, geo::Verify::never); !reopened)
    return std::unexpected(reopened.error());
  fs::remove(check);
  return stamped;
}

}  // namespace

std::optional<ParseProblem> parse_input(Input& in) {
  const SourceSpec& s = *in.spec;
  if (s.is_npm()) return parse_npm(in);
  const std::string source = in.state.fetched_from.empty() ? s.file : in.state.fetched_from;
  auto table = geo::parse_ranges(*s.format, in.bytes, source, s.provider);
  if (!table) return ParseProblem{table.error().to_string()};
  if (s.date_from == DateFrom::file_name) {
    const std::string name = fs::path(in.state.file).filename().string();
    if (auto d = core::parse_date(date_in_name(name))) in.date = *d;
  } else {
    in.date = table->stamp.date;
  }
  in.tables.push_back(std::move(*table));
  return std::nullopt;
}

core::Result<Built> build_database(const DatabaseSpec& db, const std::vector<const Input*>& inputs,
                                   const fs::path& scratch) {
  if (inputs.empty()) return core::fail(core::ErrorCode::config, db.file + ": no input to build from");
  const bool copy = !inputs.front()->spec->format;
  if (copy && inputs.size() != 1)
    return core::fail(core::ErrorCode::config, db.file + ": an mmdb source must be alone");
  std::uint64_t epoch = 0;
  auto bytes = copy ? build_copy(db, *inputs.front(), scratch, epoch) : build_ranges(db, inputs, epoch);
  if (!bytes) return std::unexpected(bytes.error());
  Built built;
  built.state.built = core::format_utc(static_cast<long long>(epoch));
  built.state.file = db.file;
  built.state.kind = db.kind;
  built.state.sha256 = sha256_hex(*bytes);
  built.state.bytes = bytes->size();
  for (const auto* in : inputs) built.state.inputs.push_back(in->spec->id);
  built.bytes = std::move(*bytes);
  return built;
}

std::string attribution_text(const SourcesFile& file, const std::map<std::string, geo::SourceState>& installed) {
  std::string out =
      "# Attribution for the default GeoIP data\n\n"
      "Written by `residency data update` from the sources file. The CC BY 4.0 licences require this\n"
      "attribution to travel with the data and with reports derived from it: keep it with any copy.\n"
      "SOURCES.json beside it records each input's URL, date, serial and sha256.\n";
  for (const auto& db : file.databases) {
    out += fmt::format("\n## {} ({})\n\n{}.\n\n", db.file, db.kind, db.description);
    for (const auto& s : file.sources) {
      if (s.database != db.file || !installed.contains(s.id)) continue;
      const std::string version = s.version.empty() ? "" : " " + s.version;
      out += fmt::format("- {}{}, {}: {}.", s.name, version, s.url, s.licence);
      if (!s.attribution.empty()) out += " " + s.attribution;
      out += "\n";
    }
  }
  return out;
}

}  // namespace update::detail
