// Calendar dates over std::chrono (C++20 calendar types, available in GCC 12).
#include "core/date.hpp"

#include <fmt/format.h>

#include <ctime>

namespace core {

long Date::days_since(const Date& other) const {
  return static_cast<long>((std::chrono::sys_days(ymd) - std::chrono::sys_days(other.ymd)).count());
}

Date Date::plus_days(long days) const {
  return Date{std::chrono::year_month_day(std::chrono::sys_days(ymd) + std::chrono::days(days))};
}

std::string Date::to_string() const {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

Result<Date> parse_date(std::string_view text) {
  auto bad = [&] { return fail(ErrorCode::config, fmt::format("malformed date '{}'; expected YYYY-MM-DD", text)); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lens[p]; ++i) {
      char c = text[static_cast<std::size_t>(starts[p] + i)];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  std::chrono::year_month_day ymd{std::chrono::year(parts[0]), std::chrono::month(static_cast<unsigned>(parts[1])),
                                  std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return bad();
  return Date{ymd};
}

Result<DateSpan> parse_date_span(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorCode::config, fmt::format("malformed date '{}'; expected YYYY-MM-DD, YYYY-MM or YYYY", text));
  };
  if (text.size() == 10) {
    auto d = parse_date(text);
    if (!d) return bad();
    return exact_span(*d);
  }
  if (text.size() != 4 && text.size() != 7) return bad();
  // Reuse the strict parser on the first and last day the text can mean.
  const std::string first = text.size() == 4 ? std::string(text) + "-01-01" : std::string(text) + "-01";
  auto start = parse_date(first);
  if (!start) return bad();
  std::chrono::year_month_day last{};
  if (text.size() == 4) {
    last = std::chrono::year_month_day{start->ymd.year(), std::chrono::December, std::chrono::day(31)};
  } else {
    last = std::chrono::year_month_day{
        std::chrono::year_month_day_last{start->ymd.year(), std::chrono::month_day_last{start->ymd.month()}}};
  }
  return DateSpan{*start, Date{last}, std::string(text)};
}

DateSpan exact_span(Date date) { return DateSpan{date, date, date.to_string()}; }

Date today_utc() {
  auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return Date{std::chrono::year_month_day(now)};
}

std::string format_utc(long long epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

}  // namespace core
