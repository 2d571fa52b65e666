// update::data_status: `residency data status`: every data source behind the databases in use,
// with its date and its age on the as-of date (the same rows every report shows), joined with
// how and when `data update` fetched it (SOURCES.json of the data folder, when there is one).
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace update {

struct StatusRow {
  core::DataSource source;  // name, kind, url, date, age, serial, sha256, stale
  std::string fetched_at;   // from SOURCES.json; empty when unknown
  std::string fetched_from;
};

struct DatabaseRow {
  std::string file;
  std::string type;   // database_type
  std::string built;  // ISO 8601 UTC build time
  std::vector<StatusRow> sources;
};

struct StatusReport {
  core::Date as_of;
  int max_age_days = 90;
  std::vector<DatabaseRow> databases;
  std::vector<std::string> warnings;  // stale sources, undated ones
  bool stale = false;
};

// Describe the databases `files`; SOURCES.json is read from each database's folder when present.
core::Result<StatusReport> data_status(const std::vector<std::filesystem::path>& files, core::Date as_of,
                                       int max_age_days);

}  // namespace update
