// Internal to lib/update: getting one source's bytes. From the official URL (a `resolve` page
// first when the source has one, e.g. Azure's Download Center), or from mirrors: a folder or a
// base URL holding the upstream file names; a name with '*' takes the newest match by name (the
// folder's entries, or the links of the URL's index page). Conditional requests reuse the
// installed input's validators when it came from the same URL.
#pragma once

#include "probe/fetch.hpp"
#include "update/sources_file.hpp"

#include <map>
#include <string>
#include <vector>

namespace update::detail {

struct Fetched {
  enum class State { got, not_modified, absent, failed };
  State state = State::failed;
  std::string bytes;
  std::string from;       // URL or path it was read from
  std::string file_name;  // the upstream file name ('*' resolved)
  std::string etag, last_modified;
  std::string detail;    // why it failed, or which mirrors lacked it
  bool network = false;  // a network failure (timeout, unreachable, TLS, HTTP 5xx)
};

struct ObtainContext {
  std::vector<std::string> mirrors;
  std::map<std::string, std::string> urls;  // id → official URL override
  probe::FetchOptions fetch;
  // The installed input's validators and where it came from (for conditional requests).
  std::string installed_from, installed_etag, installed_last_modified;
};

// Obtain `spec`'s file.
Fetched obtain(const SourceSpec& spec, const ObtainContext& context);

// The links (href values) of an HTML index page, decoded, in page order.
std::vector<std::string> page_links(std::string_view html);
// The newest name matching `pattern` (one '*'): the greatest by name; empty when none matches.
std::string newest_match(const std::vector<std::string>& names, std::string_view pattern);

}  // namespace update::detail
