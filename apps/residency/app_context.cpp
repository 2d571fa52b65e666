// Shared plumbing for subcommands: error → exit code, default data folders.
#include "app_context.hpp"

#include "core/text.hpp"

#include <iostream>

namespace app {

void Context::fail(const core::Error& error) {
  diag.error("{}", error.to_string());
  const int code = exit_code_for(error);
  if (code > exit_code || exit_code == k_exit_ok) exit_code = code;
}

void print_line(std::string_view line) { std::cout << core::terminal_safe(line) << '\n'; }

int exit_code_for(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::usage:
    case core::ErrorCode::config:
    case core::ErrorCode::io:
    case core::ErrorCode::data:
      return k_exit_usage;
    case core::ErrorCode::network:
      return k_exit_incomplete;
    case core::ErrorCode::internal:
      return k_exit_usage;
  }
  return k_exit_usage;
}

std::filesystem::path installed_data_dir() { return RESIDENCY_INSTALL_DATADIR; }
std::filesystem::path source_data_dir() { return RESIDENCY_SOURCE_DIR; }

}  // namespace app
