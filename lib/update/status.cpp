// data status: open the databases (no tree verification: only the metadata is read), list their
// data sources with geo::data_sources_of, and add the fetch time and origin SOURCES.json records.
#include "update/status.hpp"

#include "core/atomic_file.hpp"
#include "geo/data_age.hpp"
#include "geo/mmdb_reader.hpp"
#include "geo/provenance.hpp"

#include <fmt/format.h>

#include <map>

namespace update {

namespace {

namespace fs = std::filesystem;

// SOURCES.json of `dir`, or an empty state when there is none or it does not parse.
geo::SourcesState state_of(const fs::path& dir, std::vector<std::string>& warnings) {
  const fs::path path = dir / "SOURCES.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  auto text = core::read_file(path);
  auto state = text ? geo::parse_sources_state(*text, path.string()) : std::unexpected(text.error());
  if (!state) {
    warnings.push_back(state.error().to_string());
    return {};
  }
  return *state;
}

}  // namespace

core::Result<StatusReport> data_status(const std::vector<fs::path>& files, core::Date as_of, int max_age_days) {
  StatusReport report;
  report.as_of = as_of;
  report.max_age_days = max_age_days;
  std::map<fs::path, geo::SourcesState> states;
  for (const auto& file : files) {
    auto db = geo::Database::open(file, geo::Verify::never);
    if (!db) return std::unexpected(db.error());
    const auto& info = db->info();
    const fs::path dir = file.parent_path();
    if (!states.contains(dir)) states[dir] = state_of(dir, report.warnings);
    DatabaseRow row{
        file.filename().string(), info.database_type, core::format_utc(static_cast<long long>(info.build_epoch)), {}};
    for (auto& source : geo::data_sources_of(info, as_of, max_age_days)) {
      StatusRow s{std::move(source), {}, {}};
      for (const auto& st : states[dir].sources) {
        if (st.database == row.file && st.input.name == s.source.name) {
          s.fetched_at = st.fetched_at;
          s.fetched_from = st.fetched_from;
        }
      }
      if (s.source.stale) {
        report.stale = true;
        report.warnings.push_back(geo::stale_warning(s.source, max_age_days));
      }
      row.sources.push_back(std::move(s));
    }
    report.databases.push_back(std::move(row));
  }
  return report;
}

}  // namespace update
