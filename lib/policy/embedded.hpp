// The shipped rule packs, compiled at build time by compile_rules (see lib/policy/CMakeLists.txt).
#pragma once

#include <string_view>

namespace policy {

// The compiled packs (node_codec format), embedded in the binary.
std::string_view embedded_rules_blob();
// The folder the embedded packs were compiled from, relative to the source tree ("rules").
std::string_view embedded_rules_origin();

}  // namespace policy
