// Plain target lists: read line by line, strip comments and white space, infer each line's kind
// (infer_kind) and check it (set_target_value). Every bad line and every duplicate is collected
// before failing; declared_at is file:line.
#include "inventory/list.hpp"

#include "core/text.hpp"
#include "inventory/target_value.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>

namespace inventory {

namespace {

// Drop a comment: '#' at the start, or after white space (URLs keep their fragments).
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) return line.substr(0, i);
  }
  return line;
}

}  // namespace

core::Result<std::vector<core::Target>> parse_list(std::istream& in, const std::string& name,
                                                   Diagnostics& diagnostics) {
  std::vector<core::Target> out;
  std::map<std::string, int> seen;  // id → line
  const std::size_t before = diagnostics.size();
  std::string raw;
  for (int line_no = 1; std::getline(in, raw); ++line_no) {
    const std::string_view line = core::trim(strip_comment(raw));
    if (line.empty()) continue;
    const std::string where = fmt::format("{}:{}", name, line_no);
    if (line.find_first_of(" \t") != std::string_view::npos) {
      diagnostics.push_back({core::ErrorCode::config,
                             fmt::format("'{}' holds white space; expected one host, URL or IP address per line", line),
                             where});
      continue;
    }
    core::Target t;
    t.declared_at = core::SourceLocation{name, line_no, 0};
    if (auto ok = set_target_value(t, infer_kind(line), line); !ok) {
      diagnostics.push_back({core::ErrorCode::config, ok.error().message, where});
      continue;
    }
    auto [it, added] = seen.emplace(t.id, line_no);
    if (!added) {
      diagnostics.push_back({core::ErrorCode::config,
                             fmt::format("duplicate target '{}' (first on line {}); expected each target once", t.id,
                                         it->second),
                             where});
      continue;
    }
    out.push_back(std::move(t));
  }
  if (in.bad()) return core::fail(core::ErrorCode::io, "read error", name);
  const std::size_t found = diagnostics.size() - before;
  if (found > 0) {
    return core::fail(core::ErrorCode::config, fmt::format("{} bad line{} in the list", found, found == 1 ? "" : "s"),
                      name);
  }
  return out;
}

core::Result<std::vector<core::Target>> load_list(const std::filesystem::path& path, Diagnostics& diagnostics) {
  if (path == "-") return parse_list(std::cin, std::string(k_stdin_name), diagnostics);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    auto error = core::Error{core::ErrorCode::io, "cannot open the target list", path.string()};
    diagnostics.push_back(error);
    return std::unexpected(error);
  }
  return parse_list(in, path.string(), diagnostics);
}

}  // namespace inventory
