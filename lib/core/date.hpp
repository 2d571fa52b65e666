// core::Date: calendar dates (ISO 8601 "YYYY-MM-DD") for as-of judgements. No time zones: the
// audit date is a civil date in UTC.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <compare>
#include <string>
#include <string_view>

namespace core {

struct Date {
  std::chrono::year_month_day ymd{};

  auto operator<=>(const Date& other) const { return std::chrono::sys_days(ymd) <=> std::chrono::sys_days(other.ymd); }
  bool operator==(const Date& other) const = default;
  // Days from `other` to this date (negative when this date is earlier).
  long days_since(const Date& other) const;
  Date plus_days(long days) const;
  std::string to_string() const;  // "YYYY-MM-DD"
};

// Parse "YYYY-MM-DD" strictly (real calendar date, four-digit year).
Result<Date> parse_date(std::string_view text);

// A date known to the day, the month or only the year: every day from `earliest` to `latest`
// may be the one meant. Sources often give "qualified since 2022" or "May 2026".
struct DateSpan {
  Date earliest;
  Date latest;
  std::string text;  // as written: "2022", "2026-05" or "2026-05-16"

  bool exact() const { return earliest == latest; }
  auto operator<=>(const DateSpan& other) const { return earliest <=> other.earliest; }
  bool operator==(const DateSpan& other) const { return earliest == other.earliest && latest == other.latest; }
};

// Parse "YYYY-MM-DD", "YYYY-MM" or "YYYY" into the span of days it may mean.
Result<DateSpan> parse_date_span(std::string_view text);
// The span of exactly one day.
DateSpan exact_span(Date date);
// Today's date in UTC.
Date today_utc();
// Seconds since the epoch → ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ".
std::string format_utc(long long epoch_seconds);

}  // namespace core
