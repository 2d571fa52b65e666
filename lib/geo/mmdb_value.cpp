// geo::MmdbValue: the values of a MaxMind DB data section (see mmdb_writer.hpp). Maps keep their
// entries sorted by key so that equal maps compare (and encode) equal whatever the input order;
// doubles compare by bit pattern, so equality matches the encoded bytes.
#include "geo/mmdb_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>

namespace geo {

MmdbValue MmdbValue::string(std::string text) {
  MmdbValue v;
  v.m_type = Type::string;
  v.m_string = std::move(text);
  return v;
}

MmdbValue MmdbValue::uint16(std::uint16_t value) {
  MmdbValue v;
  v.m_type = Type::uint16;
  v.m_uint = value;
  return v;
}

MmdbValue MmdbValue::uint32(std::uint32_t value) {
  MmdbValue v;
  v.m_type = Type::uint32;
  v.m_uint = value;
  return v;
}

MmdbValue MmdbValue::uint64(std::uint64_t value) {
  MmdbValue v;
  v.m_type = Type::uint64;
  v.m_uint = value;
  return v;
}

MmdbValue MmdbValue::int32(std::int32_t value) {
  MmdbValue v;
  v.m_type = Type::int32;
  v.m_int = value;
  return v;
}

MmdbValue MmdbValue::boolean(bool value) {
  MmdbValue v;
  v.m_type = Type::boolean;
  v.m_uint = value ? 1 : 0;
  return v;
}

MmdbValue MmdbValue::real(double value) {
  MmdbValue v;
  v.m_type = Type::real;
  v.m_real = value;
  return v;
}

MmdbValue MmdbValue::array(std::vector<MmdbValue> items) {
  MmdbValue v;
  v.m_type = Type::array;
  v.m_items = std::move(items);
  return v;
}

MmdbValue MmdbValue::map(std::vector<Entry> entries) {
  MmdbValue v;
  v.m_type = Type::map;
  // Stable sort then keep the last of each run of equal keys: "a repeated key keeps its last value".
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.first < b.first; });
  for (auto& e : entries) {
    if (!v.m_entries.empty() && v.m_entries.back().first == e.first) v.m_entries.back() = std::move(e);
    else v.m_entries.push_back(std::move(e));
  }
  return v;
}

const std::string& MmdbValue::as_string() const {
  assert(m_type == Type::string);
  return m_string;
}

std::uint64_t MmdbValue::as_uint() const {
  assert(m_type == Type::uint16 || m_type == Type::uint32 || m_type == Type::uint64);
  return m_uint;
}

std::int32_t MmdbValue::as_int32() const {
  assert(m_type == Type::int32);
  return m_int;
}

bool MmdbValue::as_bool() const {
  assert(m_type == Type::boolean);
  return m_uint != 0;
}

double MmdbValue::as_real() const {
  assert(m_type == Type::real);
  return m_real;
}

const std::vector<MmdbValue>& MmdbValue::items() const {
  assert(m_type == Type::array);
  return m_items;
}

const std::vector<MmdbValue::Entry>& MmdbValue::entries() const {
  assert(m_type == Type::map);
  return m_entries;
}

const MmdbValue* MmdbValue::find(std::string_view key) const {
  if (m_type != Type::map) return nullptr;
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const Entry& e, std::string_view k) { return e.first < k; });
  return it != m_entries.end() && it->first == key ? &it->second : nullptr;
}

void MmdbValue::set(std::string key, MmdbValue value) {
  assert(m_type == Type::map);
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key,
                             [](const Entry& e, const std::string& k) { return e.first < k; });
  if (it != m_entries.end() && it->first == key) it->second = std::move(value);
  else m_entries.insert(it, Entry{std::move(key), std::move(value)});
}

namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else out += c;
  }
  out += '"';
}

void append_rendering(std::string& out, const MmdbValue& v) {
  using T = MmdbValue::Type;
  switch (v.type()) {
    case T::string: append_json_string(out, v.as_string()); return;
    case T::uint16:
    case T::uint32:
    case T::uint64: out += std::to_string(v.as_uint()); return;
    case T::int32: out += std::to_string(v.as_int32()); return;
    case T::boolean: out += v.as_bool() ? "true" : "false"; return;
    case T::real: out += fmt::format("{}", v.as_real()); return;
    case T::array:
      out += '[';
      for (std::size_t i = 0; i < v.items().size(); ++i) {
        if (i) out += ',';
        append_rendering(out, v.items()[i]);
      }
      out += ']';
      return;
    case T::map:
      out += '{';
      for (std::size_t i = 0; i < v.entries().size(); ++i) {
        if (i) out += ',';
        append_json_string(out, v.entries()[i].first);
        out += ':';
        append_rendering(out, v.entries()[i].second);
      }
      out += '}';
      return;
  }
}

}  // namespace

std::string MmdbValue::to_string() const {
  std::string out;
  append_rendering(out, *this);
  return out;
}

bool MmdbValue::operator==(const MmdbValue& other) const {
  if (m_type != other.m_type) return false;
  switch (m_type) {
    case Type::string: return m_string == other.m_string;
    case Type::int32: return m_int == other.m_int;
    case Type::real: return std::bit_cast<std::uint64_t>(m_real) == std::bit_cast<std::uint64_t>(other.m_real);
    case Type::array: return m_items == other.m_items;
    case Type::map: return m_entries == other.m_entries;
    default: return m_uint == other.m_uint;
  }
}

bool MmdbValue::operator<(const MmdbValue& other) const {
  if (m_type != other.m_type) return m_type < other.m_type;
  switch (m_type) {
    case Type::string: return m_string < other.m_string;
    case Type::int32: return m_int < other.m_int;
    case Type::real: return std::bit_cast<std::uint64_t>(m_real) < std::bit_cast<std::uint64_t>(other.m_real);
    case Type::array: return m_items < other.m_items;
    case Type::map: return m_entries < other.m_entries;
    default: return m_uint < other.m_uint;
  }
}

}  // namespace geo
