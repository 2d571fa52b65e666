// Helpers of the plan reader: JSON type names and member lookup, Terraform addresses, and a
// byte-offset scanner. The scanner walks text that nlohmann::json has already accepted, so it
// only skips strings (with escapes), nested brackets and scalars; it is linear in the text size.
#include "inventory/terraform_json.hpp"

#include <fmt/format.h>

namespace inventory::detail {

std::string json_type(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

const Json* member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string location_key(std::string_view key) {
  bool plain = !key.empty();
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) plain = false;
  }
  if (plain) return fmt::format(".{}", key);
  return fmt::format("[{}]", Json(std::string(key)).dump());
}

std::string strip_instance_keys(std::string_view address) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    const char c = address[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '"' && depth > 0)
      quoted = true;
    else if (c == '[')
      ++depth;
    else if (c == ']' && depth > 0)
      --depth;
    else if (depth == 0)
      out += c;
  }
  return out;
}

std::string module_path_of(std::string_view keyless) {
  std::string path;
  std::size_t pos = 0;
  while (keyless.substr(pos).starts_with("module.")) {
    const auto name_end = keyless.find('.', pos + 7);
    if (name_end == std::string_view::npos) break;  // "module.x" alone is a module, not a resource
    path += (path.empty() ? "" : ".") + std::string(keyless.substr(pos, name_end - pos));
    pos = name_end + 1;
  }
  return path;
}

std::string relative_address(std::string_view keyless) {
  const std::string path = module_path_of(keyless);
  return std::string(path.empty() ? keyless : keyless.substr(path.size() + 1));
}

namespace {

std::size_t skip_ws(std::string_view t, std::size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  return i;
}

// Index just past the string starting at t[i] == '"'.
std::size_t skip_string(std::string_view t, std::size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\')
      ++i;
    else if (t[i] == '"')
      return i + 1;
  }
  return t.size();
}

// Index just past the value starting at t[i].
std::size_t skip_value(std::string_view t, std::size_t i) {
  if (i >= t.size()) return i;
  if (t[i] == '"') return skip_string(t, i);
  if (t[i] != '{' && t[i] != '[') {
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && t[i] != ' ' && t[i] != '\n' && t[i] != '\r' &&
           t[i] != '\t')
      ++i;
    return i;
  }
  int depth = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"') {
      i = skip_string(t, i);
      continue;
    }
    if (c == '{' || c == '[')
      ++depth;
    else if ((c == '}' || c == ']') && --depth == 0)
      return i + 1;
    ++i;
  }
  return i;
}

}  // namespace

std::vector<std::size_t> array_element_offsets(std::string_view t, std::string_view key) {
  std::vector<std::size_t> out;
  std::size_t i = skip_ws(t, 0);
  if (i >= t.size() || t[i] != '{') return out;
  i = skip_ws(t, i + 1);
  while (i < t.size() && t[i] == '"') {
    const std::size_t end = skip_string(t, i);
    const std::string_view name = t.substr(i + 1, end - i - 2);
    i = skip_ws(t, end);
    if (i >= t.size() || t[i] != ':') return out;
    i = skip_ws(t, i + 1);
    if (name == key && i < t.size() && t[i] == '[') {
      i = skip_ws(t, i + 1);
      while (i < t.size() && t[i] != ']') {
        out.push_back(i);
        i = skip_ws(t, skip_value(t, i));
        if (i < t.size() && t[i] == ',') i = skip_ws(t, i + 1);
      }
      return out;
    }
    i = skip_ws(t, skip_value(t, i));
    if (i < t.size() && t[i] == ',') i = skip_ws(t, i + 1);
  }
  return out;
}

std::vector<core::SourceLocation> locate_offsets(std::string_view text, const std::vector<std::size_t>& offsets,
                                                 const std::string& file) {
  std::vector<core::SourceLocation> out;
  out.reserve(offsets.size());
  int line = 1;
  std::size_t line_start = 0, pos = 0;
  for (std::size_t off : offsets) {
    for (; pos < off && pos < text.size(); ++pos) {
      if (text[pos] == '\n') {
        ++line;
        line_start = pos + 1;
      }
    }
    out.push_back({file, line, static_cast<int>(off - line_start) + 1});
  }
  return out;
}

}  // namespace inventory::detail
