// core::Url: a small, checked splitter for the URLs and host names of audit targets
// (scheme://[userinfo@]host[:port][/path?query#fragment]). Inventory uses it to keep the host of
// a URL target; probes use it to know what to resolve. Not a general URL library: no
// normalisation, no percent-decoding, IDN host names are kept as given.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace core {

struct Url {
  std::string scheme;    // lower-cased, e.g. "https"
  std::string userinfo;  // may be empty
  std::string host;      // as written; IPv6 without its brackets
  int port = 0;          // 0 when absent
  std::string rest;      // path, query and fragment as written (may be empty)
  bool host_is_ip = false;
};

// Split `text` into its parts; a missing scheme, an empty or malformed host, a bad port or
// white space is an error that says what was expected.
Result<Url> parse_url(std::string_view text);

// Check that `name` looks like a DNS host name (labels of letters, digits, '-', '_', or UTF-8
// bytes, one optional trailing dot); the message says what is wrong.
Result<void> check_host_name(std::string_view name);

}  // namespace core
