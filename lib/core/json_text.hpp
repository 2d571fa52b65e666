// Parsing JSON text with a location: nlohmann-json's exceptions stop here. Every reader of JSON
// input (reports, recorded facts, provider feeds, Terraform plans, data state) goes through it,
// so a syntax error and a number too large for a double both become
// "name:line:column: invalid JSON at byte N: …[; expected …]" rather than an exception.
#pragma once

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace core {

// `expected` names what the file should be ("the output of terraform show -json PLANFILE");
// it ends the message ("; the file should be …") when not empty.
Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name, std::string_view expected = {});

}  // namespace core
