// Shared fixtures of the report tests: a realistic Health Data Hub-like audit result built by
// hand, a hostile one (markup, quotes, newlines, pipes, commas, formula prefixes, NULs, escapes,
// invalid UTF-8), rendering helpers and test folders.
#pragma once

#include "core/audit_result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace report_test {

// Azure francecentral failing SNC-19.6, OVHcloud SecNumCloud passing, a CDN-fronted portal
// failing, a DNS timeout giving unknowns, one waived finding and an expired waiver.
core::AuditResult health_data_hub();
// The fixture's data sources, aged on 2026-11-30: fresh, older than --max-data-age 90, undated.
std::vector<core::DataSource> data_sources();
// The same shape with hostile strings in every field a report prints.
core::AuditResult hostile();
// A large audit: `targets` targets, each judged by `per_target` requirements (100,000 findings
// with 20,000 × 5), spread over every placement and verdict.
core::AuditResult large(std::size_t targets, std::size_t per_target);
// `result` with its first targets renamed to `ids` (their findings follow); fails the test when
// there are fewer targets than ids.
core::AuditResult with_target_ids(core::AuditResult result, const std::vector<std::string>& ids);
// Render `result` in the format called `name` (no colour).
std::string render(const std::string& name, const core::AuditResult& result);
// A fresh, empty folder for one test, under RESIDENCY_TEST_TMP (or the system temp folder).
std::filesystem::path fresh_dir(const std::string& name);
// A path inside the source tree.
std::filesystem::path source_path(const std::string& relative);
// Write `content` to `path` (test helper; fails the test on error).
void write_text_file(const std::filesystem::path& path, const std::string& content);

// Compare `actual` with tests/data/report/<name>.golden (RESIDENCY_UPDATE_GOLDEN=1 rewrites it).
void check_golden(const std::string& name, const std::string& actual);

}  // namespace report_test
