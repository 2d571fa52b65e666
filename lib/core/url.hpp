// core::Url: a small, checked splitter for the URLs and host names of audit targets
// (scheme://[userinfo@]host[:port][/path?query#fragment]). The userinfo (`deploy:hunter2@`) is
// dropped here, once, so no target, fact or report can carry a password. Inventory uses it to keep the host of
// a URL target; probes use it to know what to resolve. Not a general URL library: no
// normalisation, no percent-decoding, IDN host names are kept as given.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace core {

struct Url {
  std::string scheme;    // lower-cased, e.g. "https"
  std::string text;      // the URL as written, without its userinfo: credentials are never kept
  bool had_userinfo = false;  // the URL as written carried "user[:password]@", now dropped
  std::string host;      // as written; IPv6 without its brackets
  int port = 0;          // 0 when absent
  std::string rest;      // path, query and fragment as written (may be empty)
  bool host_is_ip = false;
};

// Split `text` into its parts; a missing scheme, an empty or malformed host, a bad port or
// white space is an error that says what was expected.
Result<Url> parse_url(std::string_view text);

// The warning for a URL whose userinfo was dropped, e.g. "audit.yaml:4:10: https://host/: the
// user name and password in the URL were dropped (they are never stored or reported)".
std::string credentials_dropped_warning(std::string_view where, std::string_view url_without_userinfo);

// Check that `name` looks like a DNS host name (labels of letters, digits, '-', '_', or UTF-8
// bytes, one optional trailing dot); the message says what is wrong.
Result<void> check_host_name(std::string_view name);

}  // namespace core
