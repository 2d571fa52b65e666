// Building targets from values (a host name, URL, IP address or mail domain): the checks and the
// kind inference shared by manifests and plain lists.
#pragma once

#include "core/error.hpp"
#include "core/target.hpp"

#include <string>
#include <string_view>

namespace inventory {

// Infer a kind from text: an IP address, a URL when it has a scheme ("x://"), else a host.
core::TargetKind infer_kind(std::string_view value);

// Check `value` as a target of `kind` (not cloud_resource) and set kind, value, host and a
// default id (the value); the error message says what is wrong and what was expected. A URL's
// userinfo is dropped from value and id (target.credentials_dropped says so; callers warn).
core::Result<void> set_target_value(core::Target& target, core::TargetKind kind, std::string_view value);

}  // namespace inventory
