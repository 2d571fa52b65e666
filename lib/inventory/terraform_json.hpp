// Internal to lib/inventory's plan reader: small helpers over nlohmann::json (type names for
// messages, member lookup), Terraform address handling (instance keys may hold spaces, dots and
// brackets inside quotes), and a scanner that finds where each element of a top-level array
// starts in the raw text, so a target can point at its line and column in the plan file.
#pragma once

#include "core/target.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace inventory::detail {

using Json = nlohmann::json;

// "a string", "an object", … for messages.
std::string json_type(const Json& j);
// The member `key` of object `j`, or nullptr (also when `j` is not an object).
const Json* member(const Json& j, std::string_view key);
// `key` as it appears in a JSON location: .name, or ["name"] when it is not a plain identifier.
std::string location_key(std::string_view key);

// `address` without its instance keys: module.a["x y"].aws_s3_bucket.b[0] → module.a.aws_s3_bucket.b.
std::string strip_instance_keys(std::string_view address);
// The module path of a key-less address ("module.a.module.b" for module.a.module.b.aws_x.y, "" at the root).
std::string module_path_of(std::string_view keyless_address);
// The address relative to its module: module.a.aws_x.y → aws_x.y.
std::string relative_address(std::string_view keyless_address);

// Byte offsets in `text` where each element of the array under top-level key `key` starts
// (empty when absent). `text` must be valid JSON.
std::vector<std::size_t> array_element_offsets(std::string_view text, std::string_view key);
// 1-based line and column of each offset (offsets in increasing order).
std::vector<core::SourceLocation> locate_offsets(std::string_view text, const std::vector<std::size_t>& offsets,
                                                 const std::string& file);

}  // namespace inventory::detail
