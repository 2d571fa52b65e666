// geo guards: every guard fires on the feed it is meant for, with its numbers in the message,
// and stays silent on a healthy update (the same feed, a feed that grew, a newer one).
#include "geo/guards.hpp"

#include <catch2/catch.hpp>

namespace {

geo::RangeTable table_of(std::initializer_list<const char*> prefixes, geo::FeedStamp stamp = {}) {
  geo::RangeTable t;
  t.records.push_back(geo::ProviderRecord{"example", {}, {}, {}}.to_value());
  for (const char* p : prefixes) t.rows.push_back({*core::parse_prefix(p), 0});
  t.stamp = std::move(stamp);
  return t;
}

geo::FeedFacts facts(std::uint64_t prefixes, const char* date, const char* serial) {
  geo::FeedFacts f;
  f.prefixes = prefixes;
  if (*date != '\0') f.date = *core::parse_date(date);
  f.serial = serial;
  return f;
}

std::vector<geo::Guard> guards_of(const std::vector<geo::GuardHit>& hits) {
  std::vector<geo::Guard> out;
  for (const auto& h : hits) out.push_back(h.guard);
  return out;
}

}  // namespace

TEST_CASE("geo::guards: feed facts count distinct prefixes and find over-wide ones", "[geo]") {
  auto t =
      table_of({"192.0.2.0/24", "192.0.2.0/24", "10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "2000::/3", "4.0.0.0/7"},
               geo::FeedStamp{"2026-08-22-21-17-05", *core::parse_date("2026-08-22"), "1787433425"});
  auto f = geo::feed_facts(t, 1234, std::nullopt);
  CHECK(f.prefixes == 6);
  CHECK(f.bytes == 1234);
  CHECK(f.too_wide == 3);  // 0.0.0.0/0, 4.0.0.0/7, 2000::/3; /8 and /32 are allowed
  REQUIRE(f.widest);
  CHECK(core::format_prefix(*f.widest) == "0.0.0.0/0");
  CHECK(f.date->to_string() == "2026-08-22");
  CHECK(f.serial == "1787433425");
  // A date given by the caller (Azure's file name) wins over the feed's none.
  auto azure = geo::feed_facts(table_of({"192.0.2.0/24"}), 1, *core::parse_date("2026-04-27"));
  CHECK(azure.date->to_string() == "2026-04-27");
  // IPv6 /20 is allowed, /19 is not.
  CHECK_FALSE(geo::feed_facts(table_of({"2001::/20"}), 1, std::nullopt).widest);
  CHECK(geo::feed_facts(table_of({"2000::/19"}), 1, std::nullopt).too_wide == 1);
}

TEST_CASE("geo::guards: a healthy update passes", "[geo]") {
  const auto installed = facts(1000, "2026-04-27", "398");
  CHECK(geo::check_feed(facts(1000, "2026-04-27", "398"), installed).empty());  // the same feed
  CHECK(geo::check_feed(facts(1500, "2026-08-22", "410"), installed).empty());  // grew, newer
  CHECK(geo::check_feed(facts(700, "2026-08-22", "410"), installed).empty());   // shrank by exactly 30 %
  CHECK(geo::check_feed(facts(10, "", ""), std::nullopt).empty());              // nothing installed yet
}

TEST_CASE("geo::guards: each guard fires with its reason", "[geo]") {
  const auto installed = facts(11012, "2026-08-22", "1787433425");
  auto shrunk = geo::check_feed(facts(5506, "2026-08-23", "1787500000"), installed);
  REQUIRE(guards_of(shrunk) == std::vector{geo::Guard::shrink});
  CHECK(shrunk[0].message == "shrank by 50% (5506 distinct prefixes, 11012 installed; at most 30% allowed)");

  auto older = geo::check_feed(facts(11012, "2025-07-24", "1753388594"), installed);
  REQUIRE(guards_of(older) == std::vector{geo::Guard::older});
  CHECK(older[0].message == "is older than the installed feed (dated 2025-07-24, installed 2026-08-22)");

  // Same date, smaller serial (Azure has no date in the JSON; AWS can change within a day).
  auto serial = geo::check_feed(facts(11012, "2026-08-22", "1787400000"), installed);
  REQUIRE(guards_of(serial) == std::vector{geo::Guard::older});
  CHECK_THAT(serial[0].message, Catch::Contains("serial 1787400000, installed 1787433425"));
  CHECK(geo::check_feed(facts(11012, "", "397"), facts(11012, "", "398"))[0].guard == geo::Guard::older);
  CHECK(geo::check_feed(facts(11012, "", "abc"), facts(11012, "", "398")).empty());  // not comparable

  auto wide = geo::feed_facts(table_of({"0.0.0.0/0", "192.0.2.0/24"}), 100, std::nullopt);
  auto hits = geo::check_feed(wide, std::nullopt);
  REQUIRE(guards_of(hits) == std::vector{geo::Guard::wide_prefix});
  CHECK(hits[0].message == "contains 0.0.0.0/0 (1 prefix(es) wider than /8 for IPv4 or /20 for IPv6)");

  geo::GuardLimits limits;
  limits.min_bytes = 1000000;
  auto truncated = facts(10, "", "");
  truncated.bytes = 4096;
  auto small = geo::check_feed(truncated, std::nullopt, limits);
  REQUIRE(guards_of(small) == std::vector{geo::Guard::size});
  CHECK(small[0].message == "is 4096 bytes, smaller than the 1000000 bytes the sources file expects");
  truncated.bytes = 1000000;
  CHECK(geo::check_feed(truncated, std::nullopt, limits).empty());

  // Several guards at once are all reported.
  auto many = geo::feed_facts(table_of({"0.0.0.0/0"}, {"", *core::parse_date("2025-01-01"), ""}), 10, std::nullopt);
  CHECK(guards_of(geo::check_feed(many, installed, limits)) ==
        std::vector{geo::Guard::size, geo::Guard::wide_prefix, geo::Guard::shrink, geo::Guard::older});
  CHECK(geo::to_string(geo::Guard::wide_prefix) == "wide-prefix");
}
