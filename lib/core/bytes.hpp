// Small binary encodings of our own (rule packs compiled at build time, lib/policy/node_codec.cpp;
// judged targets kept in a scratch file, core/target_store.cpp): unsigned integers as LEB128
// varints, texts as their length then their bytes. The reader checks every length against what
// remains, so damaged bytes are an error (ok() false, empty values), never a read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace core {

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_text(std::string& out, std::string_view s) {
  put_varint(out, s.size());
  out.append(s);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : m_data(data) {}
  bool ok() const { return m_ok; }
  bool at_end() const { return m_pos == m_data.size(); }

  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (m_pos >= m_data.size()) return bad();
      const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
      v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return bad();
  }
  // A count of items that take at least one byte each: more than the bytes left is damage, so a
  // bad count never makes the caller reserve much.
  std::size_t count() {
    const std::uint64_t n = varint();
    if (n > m_data.size() - m_pos) return static_cast<std::size_t>(bad());
    return static_cast<std::size_t>(n);
  }
  // The next `n` raw bytes (empty when fewer are left).
  std::string_view take(std::size_t n) {
    if (n > m_data.size() - m_pos) {
      bad();
      return {};
    }
    const std::string_view out = m_data.substr(m_pos, n);
    m_pos += n;
    return out;
  }
  std::string text() { return std::string(take(count())); }
  // Mark the bytes as damaged, for checks of the caller's own; returns 0.
  std::uint64_t bad() {
    m_ok = false;
    m_pos = m_data.size();
    return 0;
  }

 private:
  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

}  // namespace core
