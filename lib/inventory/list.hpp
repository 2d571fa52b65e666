// inventory::load_list: plain target lists, one host name, URL or IP address per line, from a
// file or standard input ("-"). '#' starts a comment (at the start of a line, or after white
// space); blank lines are skipped. The kind is inferred: an IP address, a URL when the line has
// a scheme, else a host name.
#pragma once

#include "core/error.hpp"
#include "core/target.hpp"
#include "inventory/manifest.hpp"

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace inventory {

// Name used for standard input in messages and declared_at.
inline constexpr std::string_view k_stdin_name = "<stdin>";

// Read targets from `path`, or from standard input when `path` is "-". On failure every bad line
// is in `diagnostics` (file:line: what; expected) and the error summarises them.
core::Result<std::vector<core::Target>> load_list(const std::filesystem::path& path, Diagnostics& diagnostics);

// Read targets from `in`; `name` is used in messages and declared_at (file:line).
core::Result<std::vector<core::Target>> parse_list(std::istream& in, const std::string& name,
                                                   Diagnostics& diagnostics);

}  // namespace inventory
