// Parsing JSON text with a location: nlohmann-json's exceptions stop here. Every reader of JSON
// input (reports, recorded facts, provider feeds, Terraform plans, data state) goes through it,
// so a syntax error and a number too large for a double both become
// "name:line:column: invalid JSON at byte N: …[; expected …]" rather than an exception.
#pragma once

#include "core/error.hpp"
#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace core {

// `expected` names what the file should be ("the output of terraform show -json PLANFILE");
// it ends the message ("; the file should be …") when not empty.
Result<nlohmann::json> parse_json_text(std::string_view text, const std::string& name, std::string_view expected = {});

// The one way every report and subcommand writes JSON: `json` dumped with `indent` (-1: one line),
// invalid UTF-8 replaced by U+FFFD, and DEL, C1 controls and bidi overrides written as \uXXXX
// (json_hide_controls), so the text is safe on a terminal and parses to the same document.
template <class Json>
std::string dump_json(const Json& json, int indent = 2) {
  return json_hide_controls(json.dump(indent, ' ', false, Json::error_handler_t::replace));
}

}  // namespace core
