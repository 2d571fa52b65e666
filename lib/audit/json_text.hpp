// Parsing JSON text with a location: nlohmann-json's exceptions stop here, and a syntax error
// becomes "name:line:column: invalid JSON at byte N: …". Shared by every reader of JSON reports.
#pragma once

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace audit {

core::Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name);

}  // namespace audit
