// core::Error and core::Result: how expected failures travel (no exceptions past adapters).
#pragma once

#include <expected>
#include <string>

namespace core {

// What kind of failure; maps to exit codes at the app boundary.
enum class ErrorCode {
  usage,      // bad command-line use
  config,     // bad configuration or rule data
  io,         // a file could not be read or written
  data,       // a data file (database, feed) is malformed
  network,    // a network operation failed
  internal,   // a bug: should not happen
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  // what is wrong, and a hint when the user can act
  std::string where;    // file[:line[:column]] or another locator; may be empty

  // Return "<where>: <message>" (or just the message when where is empty).
  [[nodiscard]] std::string to_string() const {
    return where.empty() ? message : where + ": " + message;
  }
};

template <typename T>
using Result = std::expected<T, Error>;

// Build an unexpected Error in one expression: `return core::fail(ErrorCode::io, msg, path);`
inline std::unexpected<Error> fail(ErrorCode code, std::string message, std::string where = {}) {
  return std::unexpected<Error>(Error{code, std::move(message), std::move(where)});
}

}  // namespace core
