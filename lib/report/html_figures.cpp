// The HTML report's drawings, as inline SVG (no script, no external asset, printable). The
// picture is a 4 × 3 grid: rows say where a target is served (EEA, adequate country, elsewhere,
// unknown), columns who controls it (EU, non-EU, unknown), from core::Placement as lib/audit
// decided it. Each cell lists its first targets with a dot in the colour of their worst verdict
// and a link to their section, then "+ N more": one pass over the targets, a bounded drawing.
#include "report/common.hpp"
#include "report/escape.hpp"
#include "report/html_parts.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace report::detail {

namespace {

using core::Placement;

constexpr std::array<Placement::Served, 4> k_rows = {Placement::Served::eea, Placement::Served::adequate,
                                                     Placement::Served::elsewhere, Placement::Served::unknown};
constexpr std::array<Placement::Control, 3> k_columns = {Placement::Control::eu, Placement::Control::non_eu,
                                                         Placement::Control::unknown};
constexpr int k_left = 215, k_top = 56, k_cell_w = 262, k_cell_h = 128, k_gap = 6, k_line = 15;
constexpr std::size_t k_labels = 6;        // targets named per cell
constexpr std::size_t k_label_bytes = 26;  // longest target id drawn
constexpr std::size_t k_note_bytes = 9;    // longest country list drawn beside it ("FR · US")

std::string_view row_label(Placement::Served s) {
  switch (s) {
    case Placement::Served::eea:
      return "Served in the EEA";
    case Placement::Served::adequate:
      return "Served in an adequate country";
    case Placement::Served::elsewhere:
      return "Served elsewhere";
    case Placement::Served::unknown:
      return "Location unknown";
  }
  return "";
}

std::string_view column_label(Placement::Control c) {
  switch (c) {
    case Placement::Control::eu:
      return "EU-controlled";
    case Placement::Control::non_eu:
      return "Non-EU-controlled";
    case Placement::Control::unknown:
      return "Control unknown";
  }
  return "";
}

int verdict_rank(const std::optional<core::Verdict>& v) {
  if (!v) return 0;
  switch (*v) {
    case core::Verdict::fail:
      return 4;
    case core::Verdict::unknown:
      return 3;
    case core::Verdict::waived:
      return 2;
    case core::Verdict::pass:
      return 1;
  }
  return 0;
}

std::string_view dot_class(const std::optional<core::Verdict>& v) {
  return v ? core::to_string(*v) : std::string_view("none");
}

Placement placement_of(const TargetView& t) {
  if (t.has_report) return t.placement;
  Placement p;
  p.served_note = p.control_note = "no observation of this target in the report";
  return p;
}

// The countries beside a label ("FR · US"), when both axes are known and short enough to draw.
std::string countries_note(const Placement& p) {
  std::vector<std::string> parts;
  if (p.served != Placement::Served::unknown && p.served_note.size() <= k_note_bytes) parts.push_back(p.served_note);
  if (p.control != Placement::Control::unknown && p.control_note.size() <= k_note_bytes)
    parts.push_back(p.control_note);
  return fmt::format("{}", fmt::join(parts, " · "));
}

void write_marker(const TargetView& t, const Placement& p, int x, int y, std::ostream& out) {
  const std::string verdict = t.worst ? std::string(core::to_string(*t.worst)) : "no finding";
  const std::string note = countries_note(p);
  out << fmt::format(
      "<a href=\"#{}\" data-target=\"{}\"><title>{}: served from {} ({}); controlled from {} ({}); worst verdict "
      "{}</title><circle class=\"dot d-{}\" cx=\"{}\" cy=\"{}\" r=\"5\"/><text x=\"{}\" y=\"{}\">{}{}</text></a>\n",
      t.anchor, html_escape(t.id), html_escape(t.id), served_words(p.served), html_escape(p.served_note),
      control_words(p.control), html_escape(p.control_note), verdict, dot_class(t.worst), x + 12, y - 4, x + 22, y,
      html_escape(clip(t.id, k_label_bytes)),
      note.empty() ? "" : fmt::format(" <tspan class=\"cc\">{}</tspan>", html_escape(note)));
}

// One cell: its frame, its count, its first targets (indices into `targets`, in order), "+ N more".
void write_cell(const std::vector<TargetView>& targets, const std::vector<Placement>& places,
                const std::vector<std::size_t>& indices, Placement::Served row, Placement::Control column, int x, int y,
                std::ostream& out) {
  const std::string served(core::to_string(row)), control(core::to_string(column));
  out << fmt::format("<g class=\"cell\" data-served=\"{}\" data-control=\"{}\">\n", served, control)
      << fmt::format("<rect class=\"q q-{}-{}\" data-cell=\"{} {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                     served, control, served, control, x, y, k_cell_w, k_cell_h)
      << fmt::format("<text class=\"n\" x=\"{}\" y=\"{}\">{} target{}</text>\n", x + k_cell_w - 8, y + 16,
                     indices.size(), indices.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < indices.size() && i < k_labels; ++i) {
    write_marker(targets[indices[i]], places[indices[i]], x, y + 34 + static_cast<int>(i) * k_line, out);
  }
  if (indices.size() > k_labels) {
    out << fmt::format("<text class=\"more\" x=\"{}\" y=\"{}\">+ {} more (see Targets)</text>\n", x + 12,
                       y + 34 + static_cast<int>(k_labels) * k_line, indices.size() - k_labels);
  }
  out << "</g>\n";
}

}  // namespace

std::string_view served_words(Placement::Served served) {
  switch (served) {
    case Placement::Served::eea:
      return "in the EEA";
    case Placement::Served::adequate:
      return "in a country with an adequacy decision";
    case Placement::Served::elsewhere:
      return "elsewhere";
    case Placement::Served::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view control_words(Placement::Control control) {
  switch (control) {
    case Placement::Control::eu:
      return "the EU";
    case Placement::Control::non_eu:
      return "outside the EU";
    case Placement::Control::unknown:
      return "unknown";
  }
  return "unknown";
}

void write_placement_svg(const std::vector<TargetView>& targets, std::ostream& out) {
  // One pass: each target into its cell, failures first, then by id.
  std::vector<Placement> places;
  places.reserve(targets.size());
  std::array<std::array<std::vector<std::size_t>, 3>, 4> cells;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    places.push_back(placement_of(targets[i]));
    cells[static_cast<std::size_t>(places.back().served)][static_cast<std::size_t>(places.back().control)].push_back(i);
  }
  const int width = k_left + 3 * (k_cell_w + k_gap), height = k_top + 4 * (k_cell_h + k_gap) + 24;
  out << fmt::format(
      "<svg id=\"placement-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" "
      "height=\"{1}\" role=\"img\" aria-labelledby=\"placement-title\">\n<title id=\"placement-title\">Targets by "
      "where they are served (rows) and who controls them (columns)</title>\n",
      width, height);
  for (std::size_t c = 0; c < k_columns.size(); ++c) {
    out << fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\">{}</text>\n",
                       k_left + static_cast<int>(c) * (k_cell_w + k_gap) + k_cell_w / 2, k_top - 12,
                       column_label(k_columns[c]));
  }
  out << fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"18\">who controls it →</text>\n",
                     k_left + (3 * (k_cell_w + k_gap)) / 2);
  for (std::size_t r = 0; r < k_rows.size(); ++r) {
    const int y = k_top + static_cast<int>(r) * (k_cell_h + k_gap);
    out << fmt::format("<text class=\"axis row\" x=\"{}\" y=\"{}\">{}</text>\n", k_left - 10, y + k_cell_h / 2,
                       row_label(k_rows[r]));
    for (std::size_t c = 0; c < k_columns.size(); ++c) {
      auto& indices = cells[r][c];
      std::stable_sort(indices.begin(), indices.end(), [&](std::size_t a, std::size_t b) {
        return verdict_rank(targets[a].worst) > verdict_rank(targets[b].worst);
      });
      write_cell(targets, places, indices, k_rows[r], k_columns[c], k_left + static_cast<int>(c) * (k_cell_w + k_gap),
                 y, out);
    }
  }
  out << fmt::format("<text class=\"axis-title\" x=\"8\" y=\"{}\">↑ where it is served</text>\n", height - 6)
      << "</svg>\n";
}

void write_counts_bar(const core::Counts& counts, std::ostream& out) {
  constexpr int k_width = 300, k_height = 16;
  const int total = counts.total();
  out << fmt::format(
      "<svg class=\"bar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" "
      "role=\"img\" aria-label=\"{2} pass, {3} fail, {4} unknown, {5} waived\">",
      k_width, k_height, counts.pass, counts.fail, counts.unknown, counts.waived);
  if (total == 0) {
    out << fmt::format("<rect class=\"b-none\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/></svg>", k_width, k_height);
    return;
  }
  const std::pair<std::string_view, int> parts[] = {
      {"pass", counts.pass}, {"fail", counts.fail}, {"unknown", counts.unknown}, {"waived", counts.waived}};
  // Cumulative rounding: segments always add up to the full width.
  long long done = 0;
  int x = 0;
  for (const auto& [name, n] : parts) {
    done += n;
    const int end = static_cast<int>(done * k_width / total);
    if (end > x) {
      out << fmt::format(
          "<rect class=\"b-{0}\" x=\"{1}\" y=\"0\" width=\"{2}\" height=\"{3}\"><title>{4} {0}</title></rect>", name, x,
          end - x, k_height, n);
    }
    x = end;
  }
  out << "</svg>";
}

}  // namespace report::detail
