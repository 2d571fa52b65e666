// audit::place on the shipped rule packs: each axis from the facts, on the audit date; unknown
// whenever the facts cannot decide, and a partial list deciding only where its known part does.
#include "audit/placement.hpp"
#include "audit_fixtures.hpp"
#include "core/diag.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

namespace {

using core::Placement;

using audit_test::k_as_of;

const policy::RuleSet& shipped() { return audit_test::shipped_rules(); }

core::Facts facts(std::vector<std::string> served, std::vector<std::string> control) {
  core::Facts f;
  if (!served.empty()) f.set_known("served_from.countries", std::move(served), {"geoip", "test", ""});
  if (!control.empty()) f.set_known("controlled_by.countries", std::move(control), {"rules", "test", ""});
  return f;
}

Placement place(const core::Facts& f, core::Date as_of = k_as_of) { return audit::place(shipped(), f, as_of); }

}  // namespace

TEST_CASE("audit::place: served in the EEA, controlled from the US (the Health Data Hub)", "[audit]") {
  const Placement p = place(facts({"FR"}, {"US"}));
  CHECK(p.served == Placement::Served::eea);
  CHECK(p.control == Placement::Control::non_eu);
  CHECK(p.served_note == "FR");
  CHECK(p.control_note == "US");
  CHECK(core::to_string(p.served) == "eea");
  CHECK(core::to_string(p.control) == "non-eu");
}

TEST_CASE("audit::place: EU control needs every control country in the EU", "[audit]") {
  CHECK(place(facts({"FR"}, {"FR"})).control == Placement::Control::eu);
  CHECK(place(facts({"FR"}, {"DE", "FR"})).control == Placement::Control::eu);
  CHECK(place(facts({"FR"}, {"FR", "US"})).control == Placement::Control::non_eu);  // a US parent
  CHECK(place(facts({"FR"}, {"NO"})).control == Placement::Control::non_eu);        // EEA, not EU
}

TEST_CASE("audit::place: adequacy is judged on the audit date, and partial adequacy is not adequacy", "[audit]") {
  CHECK(place(facts({"CH"}, {"CH"})).served == Placement::Served::adequate);
  CHECK(place(facts({"CH"}, {"CH"}), *core::parse_date("1999-01-01")).served == Placement::Served::elsewhere);
  CHECK(place(facts({"FR", "CH"}, {})).served == Placement::Served::adequate);
  CHECK(place(facts({"CA"}, {})).served == Placement::Served::elsewhere);  // commercial organisations only
  CHECK(place(facts({"US"}, {})).served == Placement::Served::elsewhere);  // DPF: certified organisations only
  CHECK(place(facts({"FR", "US"}, {})).served == Placement::Served::elsewhere);
  CHECK(place(facts({"GP"}, {})).served == Placement::Served::eea);  // Guadeloupe is in the EU
  CHECK(place(facts({"IS"}, {})).served == Placement::Served::eea);
}

TEST_CASE("audit::place: facts that cannot decide leave the axis unknown, with the reason", "[audit]") {
  const Placement none = place(core::Facts{});
  CHECK(none.served == Placement::Served::unknown);
  CHECK(none.control == Placement::Control::unknown);
  CHECK(none.served_note == "served_from.countries was not observed");
  core::Facts anycast;
  anycast.set_status("served_from.countries", core::FactStatus::indeterminate, "anycast network");
  anycast.set_known("controlled_by.countries", {}, {});
  const Placement a = place(anycast);
  CHECK(a.served == Placement::Served::unknown);
  CHECK(a.served_note == "anycast network");
  CHECK(a.control == Placement::Control::unknown);  // an empty list is unknown, never EU
  CHECK(a.control_note == "controlled_by.countries is empty");
}

TEST_CASE("audit::place: a partial list decides only when its known part is already outside", "[audit]") {
  auto partial = [](std::vector<std::string> values) {
    core::Facts f;
    core::Fact fact;
    fact.values = std::move(values);
    fact.status = core::FactStatus::unknown;
    fact.partial = true;
    fact.detail = "an AAAA query timed out";
    f.set("served_from.countries", fact);
    f.set("controlled_by.countries", fact);
    return f;
  };
  const Placement inside = place(partial({"FR"}));
  CHECK(inside.served == Placement::Served::unknown);
  CHECK(inside.served_note == "FR (some addresses not located)");
  CHECK(inside.control == Placement::Control::unknown);
  const Placement outside = place(partial({"FR", "US"}));
  CHECK(outside.served == Placement::Served::elsewhere);
  CHECK(outside.control == Placement::Control::non_eu);
}
