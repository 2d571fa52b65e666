// core::write_file_atomic: reports and databases are never left half-written.
#pragma once

#include "core/error.hpp"

#include <filesystem>
#include <string_view>

namespace core {

// Write `content` to `path` through a temporary file in the same folder, fsync, then rename.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Read a whole file into a string.
Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace core
