// probe::idn: internationalised domain names (IDNA 2008, non-transitional, via libidn2).
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace probe {

// The two spellings of one host name.
struct HostName {
  std::string ascii;    // what goes on the wire: lower-case, punycode labels, no trailing dot
  std::string unicode;  // what a person reads (equals `ascii` for plain ASCII names)
};

// Convert a host name (UTF-8 or ASCII, optional trailing dot) to its ASCII and Unicode forms;
// an invalid name gives an error saying why ("invalid name: …").
core::Result<HostName> to_host_name(std::string_view name);

}  // namespace probe
