// core::Facts (a vector sorted by path) and core::intern (paths and provenance records kept once
// per process): the order reports rely on, replacement, lookup, and the identity of interned values.
#include "core/facts.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>

TEST_CASE("core::intern: equal text gives one view that outlives its argument", "[core][facts]") {
  std::string a = "served_from.countries";
  const std::string_view first = core::intern(a);
  a.assign("overwritten, so the view must not point into it");
  CHECK(first == "served_from.countries");
  CHECK(core::intern(std::string("served_from.countries")).data() == first.data());
  CHECK(core::intern("served_from.regions").data() != first.data());
  // Thousands more entries (rehashes of the pool) move nothing.
  for (int i = 0; i < 5000; ++i) (void)core::intern(fmt::format("target.tags.t{}", i));
  CHECK(core::intern("served_from.countries").data() == first.data());
  CHECK(first == "served_from.countries");
}

TEST_CASE("core::Interned: holds the text of a temporary, compares and orders as text", "[core][facts]") {
  core::EvidenceStep step;
  {
    std::string method = fmt::format("geoip country ({}, built {})", "country.mmdb", "2026-06-17");
    step.method = method;
    step.source = std::string("rules/providers/azure.yaml (as of 2026-11-30)");
    method.assign("overwritten, so the step must not point into it");
  }
  CHECK(step.method == "geoip country (country.mmdb, built 2026-06-17)");
  CHECK(step.source.view() == "rules/providers/azure.yaml (as of 2026-11-30)");
  CHECK(fmt::format("[{}]", step.method) == "[geoip country (country.mmdb, built 2026-06-17)]");
  // Equal texts share one copy: a million steps hold a few hundred of them.
  const core::Interned again(std::string("geoip country (country.mmdb, built 2026-06-17)"));
  CHECK(again.view().data() == step.method.view().data());
  CHECK(again == step.method);
  // Empty stays empty; order is the order of the texts.
  CHECK(step.confidence.empty());
  CHECK(step.confidence == "");
  CHECK(core::Interned("high") < core::Interned("low"));
  core::EvidenceStep other = step;
  CHECK(other == step);
  other.method = "dns A";
  CHECK(other != step);
  CHECK((other < step) == (std::string_view("dns A") < step.method.view()));
}

TEST_CASE("core::intern: one record per distinct provenance", "[core][facts]") {
  const core::Provenance* dns = core::intern(core::Provenance{"dns", "127.0.0.1:53", "2026-12-01T10:00:00Z"});
  CHECK(core::intern(core::Provenance{"dns", "127.0.0.1:53", "2026-12-01T10:00:00Z"}) == dns);
  CHECK(core::intern(core::Provenance{"dns", "127.0.0.1:53", "2026-12-01T10:00:01Z"}) != dns);
  CHECK(core::intern(core::Provenance{"dns", "127.0.0.1:5", "3"}) != dns);  // fields are not concatenated
  CHECK(dns->source == "dns");
  CHECK(dns->detail == "127.0.0.1:53");
  CHECK(dns->time == "2026-12-01T10:00:00Z");
}

TEST_CASE("core::Facts: sorted by path, replaced in place, found by path", "[core][facts]") {
  // Paths in a shuffled order end up in byte order, as the map before them kept them.
  std::vector<std::string> paths;
  for (int i = 0; i < 40; ++i) paths.push_back(fmt::format("p.{:02}", i));
  paths.push_back("p");
  paths.push_back("P.upper");
  paths.push_back("p.00.deeper");
  std::mt19937 rng(7);
  std::shuffle(paths.begin(), paths.end(), rng);
  core::Facts facts;
  for (const auto& p : paths) facts.set_known(p, {p}, {"test", p, ""});
  REQUIRE(facts.all().size() == paths.size());
  std::set<std::string> expected(paths.begin(), paths.end());
  auto it = expected.begin();
  for (const auto& [path, fact] : facts.all()) {
    CHECK(path == *it);
    CHECK(fact.values == std::vector<std::string>{*it});
    REQUIRE(fact.provenance.size() == 1);
    CHECK(fact.provenance[0]->detail == *it);
    ++it;
  }
  facts.set_status("p.07", core::FactStatus::unknown, "timeout");
  CHECK(facts.all().size() == paths.size());
  const core::Fact* f = facts.find("p.07");
  REQUIRE(f != nullptr);
  CHECK(f->status == core::FactStatus::unknown);
  CHECK(f->detail == "timeout");
  CHECK(f->provenance.empty());
  CHECK(facts.find("p.7") == nullptr);
  CHECK(facts.find("") == nullptr);
  CHECK(facts.find("zzz") == nullptr);
  CHECK(facts.find("P.upper") != nullptr);
  CHECK(core::Facts{}.find("p") == nullptr);
}

TEST_CASE("core::Fact::declared reads the interned records", "[core][facts]") {
  core::Fact f;
  CHECK_FALSE(f.declared());
  f.provenance.push_back(core::intern(core::Provenance{"declared", "manifest", ""}));
  CHECK(f.declared());
  f.provenance.push_back(core::intern(core::Provenance{"dns", "x", ""}));
  CHECK_FALSE(f.declared());
}

TEST_CASE("core::intern: a reused buffer with new text gives the new text", "[core][facts]") {
  // The per-thread cache is keyed by the caller's address: the text must still be compared.
  std::string buffer = "dns.addresses";
  const std::string_view first = core::intern(buffer);
  buffer[0] = 'x';  // same address, same size, other text
  const std::string_view second = core::intern(buffer);
  CHECK(first == "dns.addresses");
  CHECK(second == "xns.addresses");
  buffer = "dns.addresses";
  CHECK(core::intern(buffer).data() == first.data());
}

TEST_CASE("core::Facts::set_all moves facts over, replacing the same paths", "[core][facts]") {
  core::Facts into;
  into.set_known("a", {"1"});
  into.set_known("c", {"3"});
  core::Facts from;
  from.set_known("b", {"2"}, {"rules", "r.yaml", ""});
  from.set_status("c", core::FactStatus::inconclusive, "sources disagree");
  into.set_all(std::move(from));
  REQUIRE(into.all().size() == 3);
  CHECK(into.all()[0].first == "a");
  CHECK(into.all()[1].first == "b");
  CHECK(into.all()[2].first == "c");
  CHECK(into.find("b")->values == std::vector<std::string>{"2"});
  CHECK(into.find("b")->provenance.at(0)->source == "rules");
  CHECK(into.find("c")->status == core::FactStatus::inconclusive);
  CHECK(into.find("c")->values.empty());
  CHECK(from.all().empty());  // NOLINT(bugprone-use-after-move): set_all leaves it empty
}
