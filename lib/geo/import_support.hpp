// Internal to lib/geo: what every range importer shares (importers.cpp for the ASN CSV, AWS,
// Azure, Google and plain CSV; feeds.cpp for Oracle, Fastly, CIDR lists and RFC 8805 geofeeds):
// a RangeTable builder that stores each distinct record once, a CSV line walker that names
// file:line, and checked JSON access that names the JSON path. Not a public header.
#pragma once

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "geo/importers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace geo::detail {

using Json = nlohmann::json;

// Builds a RangeTable, storing each distinct record once.
class TableBuilder {
 public:
  // Return the index of the record `key` identifies, adding make_value() when it is new.
  template <typename MakeValue>
  std::uint32_t record(const std::string& key, MakeValue make_value) {
    auto [it, inserted] = m_ids.emplace(key, static_cast<std::uint32_t>(m_table.records.size()));
    if (inserted) m_table.records.push_back(make_value());
    return it->second;
  }
  std::uint32_t record(const ProviderRecord& r) {
    return record(fmt::format("{}\n{}\n{}\n{}", r.provider, r.region, r.service, r.country),
                  [&] { return r.to_value(); });
  }
  void add(const core::Prefix& prefix, std::uint32_t record) { m_table.rows.push_back({prefix, record}); }
  void set_stamp(FeedStamp stamp) { m_table.stamp = std::move(stamp); }
  RangeTable take() { return std::move(m_table); }

 private:
  RangeTable m_table;
  std::unordered_map<std::string, std::uint32_t> m_ids;
};

// A feed field must be printable UTF-8: no control character (a newline or ESC in a region
// name would reach every report and terminal) and no invalid byte.
core::Result<void> check_field_text(std::string_view text, const std::string& where);
// The whole address space is no provider's range: a default route in a feed is an error.
core::Result<void> check_not_default_route(const core::Prefix& prefix, const std::string& where);

// Split one CSV line into fields (RFC 4180: "a ""b"", c" is one field); false on a bad quote.
bool split_csv_line(std::string_view line, std::vector<std::string>& fields);

// Call `on_line(line_number, fields, where)` for each non-empty, non-comment line; stop on its
// error. `on_comment(line)`, when given, sees each '#' line (geofeeds date themselves there).
template <typename OnLine, typename OnComment>
core::Result<void> for_each_csv_line(std::string_view text, std::string_view source, OnLine on_line,
                                     OnComment on_comment) {
  std::vector<std::string> fields;
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view trimmed = core::trim(line);
    if (trimmed.empty()) continue;
    if (trimmed.front() == '#') {
      on_comment(trimmed);
      continue;
    }
    const std::string where = fmt::format("{}:{}", source, line_number);
    if (!split_csv_line(line, fields)) return core::fail(core::ErrorCode::data, "unbalanced quotes in CSV line", where);
    for (const auto& field : fields) {
      if (auto ok = check_field_text(field, where); !ok) return ok;
    }
    if (auto r = on_line(line_number, fields, where); !r) return r;
  }
  return {};
}

template <typename OnLine>
core::Result<void> for_each_csv_line(std::string_view text, std::string_view source, OnLine on_line) {
  return for_each_csv_line(text, source, on_line, [](std::string_view) {});
}

// Checked access to a parsed feed: every failure names the JSON path.
class JsonReader {
 public:
  explicit JsonReader(std::string_view source) : m_source(source) {}

  core::Error error(const std::string& path, const std::string& what) const {
    return core::Error{core::ErrorCode::data, fmt::format("{}: {}", path, what), m_source};
  }
  // The array under `key` of `object` (absent and `optional`: an empty array).
  core::Result<const Json*> array(const Json& object, const char* key, const std::string& path, bool optional) const;
  // The string under `key` of `object`, or "" when absent and `optional`.
  core::Result<std::string> string(const Json& object, const char* key, const std::string& path, bool optional) const;
  // The value under `key` as text: a string as is, a number in decimal (serials such as
  // syncToken and changeNumber come as either); "" when absent.
  std::string scalar_text(const Json& object, const char* key) const;
  core::Result<core::Prefix> prefix(const std::string& text, const std::string& path) const;

 private:
  std::string m_source;
};

// Return the calendar date at the start of `text` ("2026-08-22…"), or nullopt.
std::optional<core::Date> leading_date(std::string_view text);

// Check an ISO 3166-1 alpha-2 code (empty allowed) and return it upper-cased.
core::Result<std::string> country_code(const std::string& text, const std::string& where);

// The formats of feeds.cpp (each record carries `provider`).
core::Result<RangeTable> parse_oracle(std::string_view text, std::string_view source, std::string_view provider);
core::Result<RangeTable> parse_fastly(std::string_view text, std::string_view source, std::string_view provider);
core::Result<RangeTable> parse_cidr_list(std::string_view text, std::string_view source, std::string_view provider);
core::Result<RangeTable> parse_geofeed(std::string_view text, std::string_view source, std::string_view provider);

}  // namespace geo::detail
