// audit (internal): the HTTPS part of recorded facts as JSON: every field of every chain, hop
// and endpoint, so that a replay rebuilds exactly what the live run saw.
#pragma once

#include "probe/http.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace audit {

nlohmann::json https_to_json(const probe::HttpsChain& chain);
// obj[key] as an integer from `lo` to `hi`, or `fallback` when the key is absent; throws
// std::runtime_error naming `where` and the key for any other value (nlohmann-json's own
// conversion of a float or an out-of-range number to an integer type is undefined behaviour).
long long checked_integer(const nlohmann::json& obj, const char* key, long long fallback, long long lo, long long hi,
                          const std::string& where);
// Read one chain; throws std::runtime_error naming `where` and the key on malformed input.
probe::HttpsChain https_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace audit
