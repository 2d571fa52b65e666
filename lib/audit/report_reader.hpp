// Reading a JSON report (schema residency/report/v2 or v1, docs/report.schema.json) back into the result
// model, so that `residency report merge` joins shard reports and `residency report render` gives
// every other format from one JSON file. Every value is type-checked; a bad one is reported with
// its JSON pointer (`/findings/3/verdict`), a syntax error with line:column.
#pragma once

#include "core/audit_result.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace audit {

core::Result<core::AuditResult> parse_report(std::string_view text, const std::string& name);
core::Result<core::AuditResult> load_report(const std::filesystem::path& path);

}  // namespace audit
