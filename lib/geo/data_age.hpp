// geo data age: the data sources behind a set of databases, each with its date and its age on an
// as-of date, for reports and `residency data status`. A database built by residency names its
// inputs (provenance); any other database counts as one source dated by its build date. Pure:
// the as-of date is given, never the clock, so a replay renders the same ages.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "geo/mmdb_reader.hpp"

#include <string>
#include <vector>

namespace geo {

inline constexpr int k_default_max_data_age_days = 90;

// Return the data sources of `info` (one per input, or one for the database itself), aged on
// `as_of`; `stale` is set when the age exceeds `max_age_days`.
std::vector<core::DataSource> data_sources_of(const DatabaseInfo& info, core::Date as_of, int max_age_days);
// The same for every database of `set`, in the set's order.
std::vector<core::DataSource> data_sources(const DatabaseSet& set, core::Date as_of, int max_age_days);

// "providers.mmdb (AWS ip-ranges.json of 2026-08-22)" — how messages name a data source.
std::string describe(const core::DataSource& source);
// "providers.mmdb (AWS ip-ranges.json of 2026-08-22) is 101 days old, older than --max-data-age 90"
std::string stale_warning(const core::DataSource& source, int max_age_days);

}  // namespace geo
