// Internal to lib/report: JSON written as text, without a document tree, for the writers that
// stream one line per target or finding (the JSON report, SARIF's results). Keys come in the order
// they are added; strings are cleaned (valid UTF-8, no control characters) and escaped by
// core::append_json_string, so a line is byte for byte what core::dump_json(…, -1) writes for the
// same nlohmann::ordered_json value.
#pragma once

#include "core/text.hpp"
#include "report/escape.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace report::detail {

// `value` cleaned, as a JSON string (the copy clean() makes is skipped for plain text, and
// printable ASCII, nearly every string of a report, is copied as it is after one scan).
inline void put(std::string& out, std::string_view value) {
  if (core::json_plain_end(value) == value.size()) {
    out += '"';
    out += value;
    out += '"';
  } else if (detail::already_clean(value)) {
    core::append_json_string(out, value);
  } else {
    core::append_json_string(out, clean(value));
  }
}

// A JSON array of `items` appended to `out`, each written by `write(item, out)`.
template <typename Items, typename Write>
void list(std::string& out, const Items& items, Write write) {
  out += '[';
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ',';
    first = false;
    write(item, out);
  }
  out += ']';
}

// One JSON object written as text on one line: keys in the order they are added, values cleaned
// and escaped by core::append_json_string.
class Object {
 public:
  explicit Object(std::string& out) : m_out(out) { m_out += '{'; }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object() { m_out += '}'; }

  Object& str(std::string_view key, std::string_view value) {
    name(key);
    put(m_out, value);
    return *this;
  }
  // A fixed ASCII word (an enum's name): no cleaning needed.
  Object& word(std::string_view key, std::string_view value) {
    name(key);
    core::append_json_string(m_out, value);
    return *this;
  }
  Object& str_if(std::string_view key, std::string_view value) { return value.empty() ? *this : str(key, value); }
  Object& boolean(std::string_view key, bool value) {
    name(key);
    m_out += value ? "true" : "false";
    return *this;
  }
  Object& integer(std::string_view key, long long value) {
    name(key);
    m_out += std::to_string(value);
    return *this;
  }
  Object& strings(std::string_view key, const std::vector<std::string>& values) {
    name(key);
    list(m_out, values, [](const std::string& v, std::string& out) { put(out, v); });
    return *this;
  }
  // The key; the caller appends the value (an array or an Object) to the string returned.
  std::string& value(std::string_view key) {
    name(key);
    return m_out;
  }

 private:
  void name(std::string_view key) {
    if (!m_first) m_out += ',';
    m_first = false;
    core::append_json_string(m_out, key);
    m_out += ':';
  }

  std::string& m_out;
  bool m_first = true;
};

}  // namespace report::detail
