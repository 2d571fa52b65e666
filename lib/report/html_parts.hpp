// Internal to lib/report: the pieces of the HTML report drawn as inline SVG (the picture of the
// two axes and the per-policy verdict bars), and the per-target view they link to.
#pragma once

#include "core/audit_result.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace report::detail {

// One target as the HTML page shows it: whether the model has its report, and its placement
// (the rest of the report is looked up when its section is written: a stored target is read back
// then, not held for the whole page), its findings and the anchor of its section ("t-3").
struct TargetView {
  std::string id;
  bool has_report = false;
  core::Placement placement;  // the report's, when it has one
  std::vector<const core::Finding*> findings;
  std::optional<core::Verdict> worst;
  std::string anchor;
};

// Write the inline SVG that places every target by where it is served (rows) against who
// controls it (columns), as the model's placement says; each cell names its first targets
// (failures first) and counts the rest, so the drawing stays small at any audit size.
void write_placement_svg(const std::vector<TargetView>& targets, std::ostream& out);
// Write a horizontal inline SVG bar of `counts`: pass, fail, unknown, waived, to scale.
void write_counts_bar(const core::Counts& counts, std::ostream& out);
// "in the EEA", "in a country with an adequacy decision", "elsewhere", "unknown".
std::string_view served_words(core::Placement::Served served);
// "EU-controlled", "non-EU-controlled", "control unknown".
std::string_view control_words(core::Placement::Control control);

}  // namespace report::detail
