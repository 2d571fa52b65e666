// Data sources with their ages: provenance inputs become one DataSource each (their recorded
// date, else unknown); a database without provenance is one DataSource dated by its build epoch.
#include "geo/data_age.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace geo {

namespace {

std::optional<core::Date> date_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto d = core::parse_date(text.substr(0, 10));
  if (!d) return std::nullopt;
  return *d;
}

void age(core::DataSource& s, core::Date as_of, int max_age_days) {
  if (!s.date) return;
  s.age_days = as_of.days_since(*s.date);
  s.stale = *s.age_days > max_age_days;
}

}  // namespace

std::vector<core::DataSource> data_sources_of(const DatabaseInfo& info, core::Date as_of, int max_age_days) {
  const std::string file = std::filesystem::path(info.path).filename().string();
  std::vector<core::DataSource> out;
  for (const auto& in : info.provenance.inputs) {
    core::DataSource s;
    s.kind = in.kind.empty() ? info.provenance.kind : in.kind;
    s.name = in.name.empty() ? in.id : in.name;
    s.version = in.published;
    s.database = file;
    s.url = in.url;
    s.date = date_of(in.date);
    s.serial = in.serial;
    s.sha256 = in.sha256;
    s.licence = in.licence;
    s.attribution = in.attribution;
    age(s, as_of, max_age_days);
    out.push_back(std::move(s));
  }
  if (out.empty()) {
    core::DataSource s;
    s.kind = info.provenance.kind;
    s.name = file;
    s.version = info.database_type;
    s.database = file;
    if (info.build_epoch > 0) s.date = date_of(core::format_utc(static_cast<long long>(info.build_epoch)));
    age(s, as_of, max_age_days);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<core::DataSource> data_sources(const DatabaseSet& set, core::Date as_of, int max_age_days) {
  std::vector<core::DataSource> out;
  for (const auto& db : set.databases()) {
    auto part = data_sources_of(db.info(), as_of, max_age_days);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::string describe(const core::DataSource& s) {
  const std::string dated = s.date ? fmt::format(" of {}", s.date->to_string()) : std::string(", undated");
  if (s.name == s.database) return fmt::format("{}{}", s.database, s.date ? " built " + s.date->to_string() : dated);
  return fmt::format("{} ({}{})", s.database, s.name, dated);
}

std::string stale_warning(const core::DataSource& s, int max_age_days) {
  return fmt::format("{} is {} days old, older than --max-data-age {}", describe(s), s.age_days.value_or(0),
                     max_age_days);
}

}  // namespace geo
