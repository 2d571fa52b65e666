#include "core/date.hpp"

#include <catch2/catch.hpp>

using namespace core;

TEST_CASE("core::parse_date: strict ISO dates", "[core]") {
  auto d = parse_date("2020-07-16");
  REQUIRE(d);
  CHECK(d->to_string() == "2020-07-16");
  CHECK_FALSE(parse_date("2020-02-30"));
  CHECK_FALSE(parse_date("2020-7-16"));
  CHECK_FALSE(parse_date("16/07/2020"));
  CHECK_FALSE(parse_date("2020-13-01"));
  CHECK(parse_date("2024-02-29"));
}

TEST_CASE("core::Date: ordering and arithmetic", "[core]") {
  auto a = *parse_date("2023-07-10");
  auto b = *parse_date("2020-07-16");
  CHECK(b < a);
  CHECK(a.plus_days(1).to_string() == "2023-07-11");
  CHECK(parse_date("2024-01-01")->days_since(*parse_date("2023-01-01")) == 365);
  CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
}

TEST_CASE("core::parse_date_span: a day, a month or a year", "[core]") {
  auto day = parse_date_span("2026-05-16");
  REQUIRE(day);
  CHECK(day->exact());
  CHECK(day->earliest.to_string() == "2026-05-16");
  auto month = parse_date_span("2024-02");
  REQUIRE(month);
  CHECK(month->earliest.to_string() == "2024-02-01");
  CHECK(month->latest.to_string() == "2024-02-29");
  CHECK(month->text == "2024-02");
  auto year = parse_date_span("2022");
  REQUIRE(year);
  CHECK(year->earliest.to_string() == "2022-01-01");
  CHECK(year->latest.to_string() == "2022-12-31");
  CHECK_FALSE(year->exact());
  for (const char* bad : {"", "22", "2022-1", "2022-13", "2022-00", "20x2", "2022-02-30", "2022-05-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_date_span(bad));
  }
}
