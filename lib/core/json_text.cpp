#include "core/json_text.hpp"

#include <fmt/format.h>

namespace core {

namespace {

std::string located(std::string_view text, const std::string& name, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}:{}:{}", name, line, column);
}

// what() starts with "[json.exception.<kind>.<id>] " and, for syntax errors, repeats the
// position ("parse error at line 4, column 20: "); keep what follows.
std::string_view reason_of(std::string_view what) {
  if (auto close = what.find("] "); what.starts_with("[json.exception") && close != std::string_view::npos) {
    what.remove_prefix(close + 2);
  }
  if (what.starts_with("parse error")) {
    if (auto colon = what.find(": "); colon != std::string_view::npos) what.remove_prefix(colon + 2);
  }
  return what;
}

}  // namespace

Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name, std::string_view expected) {
  const std::string tail = expected.empty() ? std::string() : fmt::format("; the file should be {}", expected);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts from 1 and points just past the offending character.
    const std::size_t at = e.byte == 0 ? 0 : e.byte - 1;
    return fail(ErrorCode::data, fmt::format("invalid JSON at byte {}: {}{}", e.byte, reason_of(e.what()), tail),
                located(text, name, at));
  } catch (const nlohmann::json::exception& e) {
    // A number too large for a double ("number overflow parsing '1E400'", out_of_range.406) has no
    // byte offset: locate the number it quotes.
    const std::string_view reason = reason_of(e.what());
    std::string where = name;
    if (auto q = reason.find('\''); q != std::string_view::npos) {
      const std::string_view token = reason.substr(q + 1, reason.rfind('\'') - q - 1);
      if (auto at = token.empty() ? std::string_view::npos : text.find(token); at != std::string_view::npos) {
        where = located(text, name, at);
      }
    }
    return fail(ErrorCode::data, fmt::format("invalid JSON: {}{}", reason, tail), where);
  }
}

}  // namespace core
