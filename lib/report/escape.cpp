// Escaping for every report syntax. Everything starts from clean(), which is core::terminal_safe
// (the one escaping rule set of every human-facing stream): control characters, DEL, invalid
// bytes, C1 controls and bidi overrides become visible escapes (\x1b, <U+202E>), so NULs,
// terminal escapes or reordered text in hostile target names or messages never reach a report.
// Each syntax then escapes its own specials on top.
#include "report/escape.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cstdint>

namespace report::detail {

std::string clean(std::string_view s) { return core::terminal_safe(s, core::Newlines::keep); }

bool already_clean(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n';
  });
}

std::string one_line(std::string_view s) {
  std::string out = clean(s);
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';  // clean() already showed \r as \r
  }
  return out;
}

std::string clip(std::string_view s, std::size_t max_bytes) {
  static constexpr std::string_view k_ellipsis = "\xE2\x80\xA6";
  std::string out = one_line(s);
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes > k_ellipsis.size() ? max_bytes - k_ellipsis.size() : 0;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  out.resize(cut);
  return out + std::string(k_ellipsis);
}

std::string script_safe_json(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < json.size() && json[i + 1] == '\x80' &&
               (json[i + 2] == '\xA8' || json[i + 2] == '\xA9')) {
      out += json[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string xml_escape(std::string_view s) {
  const std::string text = clean(s);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view s) {
  const std::string text = clean(s);
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string md_escape(std::string_view s) {
  const std::string line = one_line(s);
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// True when a spreadsheet could read `cell` as a formula (OWASP CSV injection): it starts with a
// tab or CR, or its first character after blanks (which spreadsheets trim) is = + - or @.
bool may_start_formula(std::string_view cell) {
  if (cell.starts_with('\t') || cell.starts_with('\r')) return true;
  const std::size_t first = cell.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && std::string_view("=+-@").find(cell[first]) != std::string_view::npos;
}

}  // namespace

std::string csv_cell(std::string_view s) {
  std::string value = clean(s);
  if (may_start_formula(value)) value.insert(value.begin(), '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string uri_encode_path(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : clean(s)) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  return out;
}

std::string md_url(std::string_view url) {
  std::string out;
  for (char c : one_line(url)) {
    switch (c) {
      case ' ': out += "%20"; break;
      case '"': out += "%22"; break;
      case '<': out += "%3C"; break;
      case '>': out += "%3E"; break;
      case '(': out += "%28"; break;
      case ')': out += "%29"; break;
      case '\\': out += "%5C"; break;
      default: out += c;
    }
  }
  return out;
}

bool is_web_url(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

}  // namespace report::detail
