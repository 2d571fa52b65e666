// Internal to lib/report: JSON values more than one JSON-based format writes the same way.
#pragma once

#include "core/audit_result.hpp"

#include <nlohmann/json.hpp>

namespace report::detail {

// One data source: {name, kind, url, date, age_days, sha256} plus database, serial and stale
// (the JSON report's data_sources and SARIF's run.properties.data_sources).
nlohmann::ordered_json data_source_json(const core::DataSource& source);

}  // namespace report::detail
