// Joining the JSON reports of a sharded audit (`audit --shard K/N`, one per K) into the report the
// unsharded run gives: targets and findings joined, requirements and data sources united, waiver
// match counts summed and their states settled again, certification notices recomputed over all
// targets, counts and the exit code recomputed. Parts that do not belong together (another audit
// date, policy threshold, inventory or shard count; a shard missing or given twice; a target in
// two shards) are refused with the file that differs.
#pragma once

#include "core/audit_result.hpp"
#include "core/error.hpp"

#include <string>
#include <vector>

namespace audit {

struct ReportPart {
  std::string name;  // file name, for messages
  core::AuditResult result;
};

core::Result<core::AuditResult> merge_reports(std::vector<ReportPart> parts);

}  // namespace audit
