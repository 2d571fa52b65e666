// Text helpers: splitting, trimming, DNS suffix matching, edit distance for hints, durations.
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>

namespace core {

std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
  if (n == 3 && c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
  if (n == 4 && c == 0xF0 && b(1) < 0x90) return 0;   // overlong
  if (n == 4 && c == 0xF4 && b(1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// The code point of the valid UTF-8 sequence of length `n` at `p`.
char32_t decode_utf8(const unsigned char* p, std::size_t n) {
  if (n == 2) return static_cast<char32_t>(((p[0] & 0x1F) << 6) | (p[1] & 0x3F));
  if (n == 3) return static_cast<char32_t>(((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F));
  return static_cast<char32_t>(((p[0] & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F));
}

}  // namespace

bool is_hidden_code_point(char32_t c) {
  return c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string json_hide_controls(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size();) {
    // ASCII below DEL is never hidden: copy such runs whole (nearly all of a report), decode the rest.
    std::size_t plain = i;
    while (plain < json.size() && static_cast<unsigned char>(json[plain]) < 0x7F) ++plain;
    out.append(json.substr(i, plain - i));
    i = plain;
    if (i == json.size()) break;
    const std::size_t length = utf8_length(json, i);
    const std::size_t n = length == 0 ? 1 : length;  // an invalid byte is copied as it is
    const char32_t cp = length == 1   ? static_cast<unsigned char>(json[i])
                        : length == 0 ? 0
                                      : decode_utf8(reinterpret_cast<const unsigned char*>(json.data() + i), n);
    if (length != 0 && is_hidden_code_point(cp)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
    } else {
      out.append(json.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::size_t json_plain_end(std::string_view s, std::size_t from) {
  // A word holds a byte that is not plain when one of its bytes has the high bit set, is below
  // 0x20, or equals 0x7F, '"' or '\\' (the exact "has less" and "has zero" tests of SWAR); the
  // byte loop then finds which. This scan was a fifth of a JSON report's instructions, byte by byte.
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL, k_highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - k_ones) & ~v & k_highs; };
  std::size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    const std::uint64_t special = (w & k_highs) | ((w - k_ones * 0x20) & ~w & k_highs) | has_zero(w ^ (k_ones * 0x7F)) |
                                  has_zero(w ^ (k_ones * '"')) | has_zero(w ^ (k_ones * '\\'));
    if (special != 0) break;
  }
  for (; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') break;
  }
  return i;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    // Plain ASCII needs no escape: copy such runs whole.
    const std::size_t plain = json_plain_end(s, i);
    out.append(s.substr(i, plain - i));
    i = plain;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:  // other C0 controls and DEL
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 0xF];
      }
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const char32_t cp = decode_utf8(reinterpret_cast<const unsigned char*>(s.data() + i), n);
    if (is_hidden_code_point(cp)) {
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

std::string terminal_safe(std::string_view s, Newlines newlines) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  auto printable_ascii = [](char ch) { return ch >= 0x20 && ch < 0x7F; };
  for (std::size_t i = 0; i < s.size();) {
    if (printable_ascii(s[i])) {  // a run of plain ASCII, copied as it is
      std::size_t end = i + 1;
      while (end < s.size() && printable_ascii(s[end])) ++end;
      out.append(s.substr(i, end - i));
      i = end;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = utf8_length(s, i);
    if (n > 1) {
      const char32_t cp = decode_utf8(reinterpret_cast<const unsigned char*>(s.data() + i), n);
      if (is_hidden_code_point(cp)) {
        out += fmt::format("<U+{:04X}>", static_cast<std::uint32_t>(cp));
      } else {
        out.append(s.substr(i, n));
      }
      i += n;
      continue;
    }
    ++i;
    if (n == 1 && (c == '\t' || (c == '\n' && newlines == Newlines::keep) || (c >= 0x20 && c != 0x7F))) {
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool has_domain_suffix(std::string_view name, std::string_view suffix) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (!suffix.empty() && suffix.back() == '.') suffix.remove_suffix(1);
  if (suffix.empty() || name.size() < suffix.size()) return false;
  if (!iequals(name.substr(name.size() - suffix.size()), suffix)) return false;  // no allocation: called per name × suffix
  return name.size() == suffix.size() || name[name.size() - suffix.size() - 1] == '.';
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best || word.size() < 2) return best;
  // No close spelling: a candidate the word is the start of ("ovh" → "ovhcloud"), the shortest.
  for (const auto& c : candidates) {
    if (c.size() > word.size() && c.starts_with(word) && (!best || c.size() < best->size())) best = c;
  }
  return best;
}

std::uint64_t stable_hash64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string stable_hash(std::string_view s) {
  std::uint64_t h = stable_hash64(s);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = k_hex[h & 0xf];
    h >>= 4;
  }
  return out;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtrack point: linear in practice, no recursion.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<long long> parse_duration_ms(std::string_view s) {
  s = trim(s);
  long long value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || ptr == s.data() || value < 0) return std::nullopt;
  std::string_view unit(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr));
  const long long scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : 0;
  if (scale == 0) return std::nullopt;
  // A duration that does not fit in milliseconds is refused, not wrapped around.
  if (value > std::numeric_limits<long long>::max() / scale) return std::nullopt;
  return value * scale;
}

std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  out.reserve(std::min(s.size(), max));
  while (!s.empty()) {
    std::size_t len = utf8_length(s, 0);
    const bool control = len == 1 && ((static_cast<unsigned char>(s[0]) < 0x20 && s[0] != '\t') || s[0] == 0x7f);
    if (out.size() + std::max<std::size_t>(len, 1) > max) {
      out += "...";
      break;
    }
    if (len == 0 || control) {
      out += '?';
      len = 1;
    } else {
      out.append(s.substr(0, len));
    }
    s.remove_prefix(len);
  }
  return out;
}

}  // namespace core
