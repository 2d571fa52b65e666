// update::read_tgz_members: the files an npm package tarball (gzip-compressed ustar) holds, read
// in memory: only the members asked for are kept, so a large package costs its compressed size
// plus the members. Hostile input (bad gzip, a header whose sizes run past the end) is an error.
#pragma once

#include "core/error.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace update {

// Return member name → content for each of `wanted` found in the .tgz `bytes`; `source` names the
// tarball in errors. A wanted member that is missing is an error naming it.
core::Result<std::map<std::string, std::string>> read_tgz_members(std::string_view bytes,
                                                                  const std::set<std::string>& wanted,
                                                                  const std::string& source);

}  // namespace update
