// Running commands from tests (the residency binary, validators, mmdblookup, chromium): one helper.
#pragma once

#include <string>

namespace test_support {

struct RunResult {
  int status = -1;     // exit status, or -1 when the command could not be run
  std::string output;  // stdout and stderr together
};

// Run `command` through /bin/sh, capturing stdout and stderr.
RunResult run(const std::string& command);
// True when `program` is on PATH.
bool have_program(const std::string& program);
// Single-quote `s` for /bin/sh.
std::string shell_quote(const std::string& s);

}  // namespace test_support
