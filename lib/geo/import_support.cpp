// The helpers every importer shares: RFC 4180 field splitting, JSON parsing whose exceptions
// stop here and become "file: byte N: …" errors, checked access that names the JSON path, and
// the small checks (dates, country codes) more than one format needs.
#include "geo/import_support.hpp"

#include <algorithm>
#include <cctype>

namespace geo::detail {

bool split_csv_line(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  std::size_t i = 0;
  for (;;) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;  // unterminated quote
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += line[i++];
      }
      if (i < line.size() && line[i] != ',') return false;  // text after the closing quote
    } else {
      const std::size_t comma = line.find(',', i);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      field.assign(line.substr(i, end - i));
      i = end;
    }
    fields.emplace_back(core::trim(field));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

core::Result<const Json*> JsonReader::array(const Json& object, const char* key, const std::string& path,
                                            bool optional) const {
  static const Json k_empty = Json::array();
  const std::string at = path.empty() ? key : path + "." + key;
  if (!object.is_object()) return std::unexpected(error(path.empty() ? "(root)" : path, "expected an object"));
  auto it = object.find(key);
  if (it == object.end() && optional) return &k_empty;
  if (it == object.end() || !it->is_array()) return std::unexpected(error(at, "expected an array"));
  return &*it;
}

core::Result<std::string> JsonReader::string(const Json& object, const char* key, const std::string& path,
                                             bool optional) const {
  if (!object.is_object()) return std::unexpected(error(path, "expected an object"));
  auto it = object.find(key);
  if (it == object.end() && optional) return std::string();
  if (it == object.end() || it->is_null()) return std::unexpected(error(path + "." + key, "missing"));
  if (!it->is_string()) return std::unexpected(error(path + "." + key, "expected a string"));
  if (auto ok = check_field_text(it->get_ref<const std::string&>(), m_source); !ok)
    return std::unexpected(error(path + "." + key, ok.error().message));
  return it->get<std::string>();
}

std::string JsonReader::scalar_text(const Json& object, const char* key) const {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return {};
}

core::Result<core::Prefix> JsonReader::prefix(const std::string& text, const std::string& path) const {
  auto p = core::parse_prefix(text);
  if (!p) return std::unexpected(error(path, p.error().message));
  if (auto ok = check_not_default_route(*p, m_source); !ok) return std::unexpected(error(path, ok.error().message));
  return *p;
}

core::Result<void> check_field_text(std::string_view text, const std::string& where) {
  const std::string safe = core::terminal_safe(text, core::Newlines::escape);
  if (safe != text)
    return core::fail(core::ErrorCode::data,
                      fmt::format("field '{}' holds a control character or invalid UTF-8", safe), where);
  return {};
}

core::Result<void> check_not_default_route(const core::Prefix& prefix, const std::string& where) {
  if (prefix.length == 0)
    return core::fail(core::ErrorCode::data,
                      fmt::format("'{}' covers every address; expected a provider's own range",
                                  core::format_prefix(prefix)),
                      where);
  return {};
}

std::optional<core::Date> leading_date(std::string_view text) {
  text = core::trim(text);
  if (text.size() < 10) return std::nullopt;
  auto date = core::parse_date(text.substr(0, 10));
  if (!date) return std::nullopt;
  return *date;
}

core::Result<std::string> country_code(const std::string& text, const std::string& where) {
  std::string country = text;
  const bool letters = std::all_of(country.begin(), country.end(),
                                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
  if (!country.empty() && (country.size() != 2 || !letters)) {
    return core::fail(core::ErrorCode::data, fmt::format("country must be an ISO 3166-1 alpha-2 code: '{}'", country),
                      where);
  }
  std::transform(country.begin(), country.end(), country.begin(),
                 [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
  return country;
}

}  // namespace geo::detail
