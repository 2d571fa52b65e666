// The comparison renderers. Every string from the model goes through the escaping helper of its
// syntax (escape.hpp): one_line for text, md_escape for Markdown, csv_cell for CSV, html_escape
// for HTML, clean for JSON. Cells read "pass: reason"; a requirement that does not select the
// judged target reads "n/a".
#include "report/comparison.hpp"

#include "core/atomic_file.hpp"
#include "core/json_text.hpp"
#include "core/text.hpp"
#include "report/common.hpp"
#include "report/escape.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

namespace report {

namespace {

using detail::csv_cell;
using detail::html_escape;
using detail::md_escape;
using detail::one_line;

std::string verdict_word(const core::ComparisonCell& c) {
  return c.applies ? std::string(core::to_string(c.verdict)) : "n/a";
}

std::string offer_name(const core::ComparisonOffer& o) {
  return o.offer.empty() ? fmt::format("{} (no certified offer)", o.provider_name)
                         : fmt::format("{} — {}", o.provider_name, o.offer);
}

std::string counts_text(const core::Counts& c) {
  return fmt::format("{} pass, {} fail, {} unknown", c.pass, c.fail, c.unknown);
}

std::string cert_text(const core::ComparisonCertification& c) {
  const std::string regions = c.regions.empty() ? "" : fmt::format(", regions {}", fmt::join(c.regions, ", "));
  return fmt::format("{} ({}{}{})", c.key, c.note, c.reference.empty() ? "" : ", " + c.reference, regions);
}

std::vector<std::string> valid_certs(const core::ComparisonOffer& o) {
  std::vector<std::string> out;
  for (const auto& c : o.certifications) {
    if (c.valid) out.push_back(cert_text(c));
  }
  return out;
}

std::vector<std::string> past_certs(const core::ComparisonOffer& o) {
  std::vector<std::string> out;
  for (const auto& c : o.certifications) {
    if (!c.valid) out.push_back(cert_text(c));
  }
  return out;
}

std::string regions_text(const core::ComparisonOffer& o) {
  return o.eea_regions.empty() ? "none in the rule data" : fmt::format("{}", fmt::join(o.eea_regions, ", "));
}

std::string tags_text(const core::ComparisonResult& r) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : r.tags) parts.push_back(k + ": " + v);
  return parts.empty() ? "with no tag" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string header_line(const core::ComparisonResult& r) {
  return fmt::format("Policy {} ({}), as of {}; {} offers judged as targets tagged {}", r.policy_id, r.policy_title,
                     r.as_of.to_string(), r.offers.size(), tags_text(r));
}

}  // namespace

void write_comparison_text(const core::ComparisonResult& r, std::ostream& out) {
  out << "residency compare\n" << one_line(header_line(r)) << ", with TLS terminating at their own provider\n";
  out << "Requirements:\n";
  for (const auto& q : r.requirements)
    out << one_line(fmt::format("  {} [{}] {}", q.id, core::to_string(q.severity), q.title)) << "\n";
  int rank = 0;
  for (const auto& o : r.offers) {
    out << "\n" << one_line(fmt::format("{}. {}: {}", ++rank, offer_name(o), counts_text(o.counts))) << "\n";
    out << one_line(fmt::format("   judged in: {}", o.region.empty() ? "no EEA region" : o.region_label)) << "\n";
    out << one_line(fmt::format("   EEA regions: {}", regions_text(o))) << "\n";
    const auto valid = valid_certs(o);
    out << one_line(fmt::format("   certifications valid on {}: {}", r.as_of.to_string(),
                                valid.empty() ? "none" : fmt::format("{}", fmt::join(valid, "; "))))
        << "\n";
    if (const auto past = past_certs(o); !past.empty())
      out << one_line(fmt::format("   not valid: {}", fmt::join(past, "; "))) << "\n";
    for (std::size_t i = 0; i < o.cells.size(); ++i) {
      const auto& c = o.cells[i];
      out << one_line(fmt::format("   {:<7} {}: {}", detail::to_upper(verdict_word(c)), c.requirement_id, c.reason))
          << "\n";
    }
  }
  for (const auto& w : r.warnings) out << "warning: " << one_line(w) << "\n";
}

void write_comparison_markdown(const core::ComparisonResult& r, std::ostream& out) {
  out << "# residency compare: " << md_escape(r.policy_id) << "\n\n"
      << md_escape(header_line(r)) << ", with TLS terminating at their own provider.\n\n";
  out << "| # | offer | pass | fail | unknown |";
  for (const auto& q : r.requirements) out << " " << md_escape(q.id) << " |";
  out << "\n|---|---|---|---|---|";
  for (std::size_t i = 0; i < r.requirements.size(); ++i) out << "---|";
  out << "\n";
  int rank = 0;
  for (const auto& o : r.offers) {
    out << fmt::format("| {} | {} | {} | {} | {} |", ++rank, md_escape(offer_name(o)), o.counts.pass, o.counts.fail,
                       o.counts.unknown);
    for (const auto& c : o.cells) out << " **" << verdict_word(c) << "**: " << md_escape(c.reason) << " |";
    out << "\n";
  }
  out << "\n## Requirements\n\n";
  for (const auto& q : r.requirements) {
    out << fmt::format("- **{}** ({}): {}\n", md_escape(q.id), core::to_string(q.severity), md_escape(q.title));
  }
  out << "\n## Offers\n";
  rank = 0;
  for (const auto& o : r.offers) {
    out << fmt::format("\n### {}. {}\n\n", ++rank, md_escape(offer_name(o)));
    out << "- judged in: " << md_escape(o.region.empty() ? "no EEA region" : o.region_label) << "\n";
    out << "- EEA regions: " << md_escape(regions_text(o)) << "\n";
    const auto valid = valid_certs(o);
    out << "- certifications valid on " << r.as_of.to_string() << ": "
        << (valid.empty() ? "none" : md_escape(fmt::format("{}", fmt::join(valid, "; ")))) << "\n";
    if (const auto past = past_certs(o); !past.empty())
      out << "- not valid: " << md_escape(fmt::format("{}", fmt::join(past, "; "))) << "\n";
  }
  if (!r.warnings.empty()) {
    out << "\n## Warnings\n\n";
    for (const auto& w : r.warnings) out << "- " << md_escape(w) << "\n";
  }
}

void write_comparison_csv(const core::ComparisonResult& r, std::ostream& out) {
  std::vector<std::string> header{"rank",           "provider", "offer", "region", "eea_regions",
                                  "certifications", "pass",     "fail",  "unknown"};
  for (const auto& q : r.requirements) {
    header.push_back(q.id);
    header.push_back(q.id + " reason");
  }
  auto row = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out << (i > 0 ? "," : "") << csv_cell(cells[i]);
    out << "\r\n";
  };
  row(header);
  int rank = 0;
  for (const auto& o : r.offers) {
    std::vector<std::string> cells{std::to_string(++rank),
                                   o.provider,
                                   o.offer,
                                   o.region,
                                   fmt::format("{}", fmt::join(o.eea_regions, " ")),
                                   fmt::format("{}", fmt::join(valid_certs(o), "; ")),
                                   std::to_string(o.counts.pass),
                                   std::to_string(o.counts.fail),
                                   std::to_string(o.counts.unknown)};
    for (const auto& c : o.cells) {
      cells.push_back(verdict_word(c));
      cells.push_back(c.reason);
    }
    row(cells);
  }
}

namespace {

constexpr std::string_view k_style = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#1a1a1a}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f0f0f0}.muted{color:#555}.v{font-weight:bold;display:block}
.pass{background:#e3f4e3}.fail{background:#f9dede}.unknown{background:#fdf3cc}.na{color:#777}
@media print{body{margin:0;font-size:9pt}tr{break-inside:avoid}.pass,.fail,.unknown{-webkit-print-color-adjust:exact;print-color-adjust:exact}})";

}  // namespace

void write_comparison_html(const core::ComparisonResult& r, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>residency compare: " << html_escape(r.policy_id) << "</title>\n<style>\n"
      << k_style << "\n</style>\n</head>\n<body>\n"
      << "<h1>residency compare: " << html_escape(r.policy_id) << "</h1>\n<p class=\"muted\">"
      << html_escape(header_line(r)) << ", with TLS terminating at their own provider.</p>\n";
  out << "<table id=\"matrix\">\n<tr><th>#</th><th>offer</th><th>pass</th><th>fail</th><th>unknown</th>";
  for (const auto& q : r.requirements)
    out << "<th title=\"" << html_escape(q.title) << "\">" << html_escape(q.id) << "</th>";
  out << "</tr>\n";
  int rank = 0;
  for (const auto& o : r.offers) {
    out << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", ++rank,
                       html_escape(offer_name(o)), o.counts.pass, o.counts.fail, o.counts.unknown);
    for (const auto& c : o.cells) {
      const std::string cls = c.applies ? std::string(core::to_string(c.verdict)) : "na";
      out << fmt::format("<td class=\"{}\"><span class=\"v\">{}</span>{}</td>", cls, verdict_word(c),
                         html_escape(c.reason));
    }
    out << "</tr>\n";
  }
  out << "</table>\n<h2>Requirements</h2>\n<ul>\n";
  for (const auto& q : r.requirements) {
    out << fmt::format("<li><b>{}</b> ({}): {}</li>\n", html_escape(q.id), core::to_string(q.severity),
                       html_escape(q.title));
  }
  out << "</ul>\n<h2>Offers</h2>\n";
  rank = 0;
  for (const auto& o : r.offers) {
    out << fmt::format("<h3>{}. {}</h3>\n<ul>\n", ++rank, html_escape(offer_name(o)));
    out << "<li>judged in: " << html_escape(o.region.empty() ? "no EEA region" : o.region_label) << "</li>\n";
    out << "<li>EEA regions: " << html_escape(regions_text(o)) << "</li>\n";
    const auto valid = valid_certs(o);
    out << "<li>certifications valid on " << r.as_of.to_string() << ": "
        << (valid.empty() ? "none" : html_escape(fmt::format("{}", fmt::join(valid, "; ")))) << "</li>\n";
    if (const auto past = past_certs(o); !past.empty())
      out << "<li>not valid: " << html_escape(fmt::format("{}", fmt::join(past, "; "))) << "</li>\n";
    out << "</ul>\n";
  }
  if (!r.warnings.empty()) {
    out << "<h2>Warnings</h2>\n<ul>\n";
    for (const auto& w : r.warnings) out << "<li>" << html_escape(w) << "</li>\n";
    out << "</ul>\n";
  }
  out << "<h2>Data sources</h2>\n<ul>\n";
  for (const auto& s : r.sources) out << "<li>" << html_escape(fmt::format("{}: {}", s.kind, s.name)) << "</li>\n";
  out << "</ul>\n</body>\n</html>\n";
}

void write_comparison_json(const core::ComparisonResult& r, std::ostream& out) {
  using Json = nlohmann::ordered_json;
  using detail::clean;
  Json j{{"schema", "residency/compare/v1"},
         {"tool_version", clean(r.tool_version)},
         {"as_of", r.as_of.to_string()},
         {"policy", Json{{"id", clean(r.policy_id)}, {"title", clean(r.policy_title)}}}};
  j["tags"] = Json::object();
  for (const auto& [k, v] : r.tags) j["tags"][clean(k)] = clean(v);
  j["requirements"] = Json::array();
  for (const auto& q : r.requirements) {
    j["requirements"].push_back(
        Json{{"id", clean(q.id)}, {"title", clean(q.title)}, {"severity", std::string(core::to_string(q.severity))}});
  }
  j["offers"] = Json::array();
  for (const auto& o : r.offers) {
    Json offer{{"provider", clean(o.provider)},
               {"provider_name", clean(o.provider_name)},
               {"offer", clean(o.offer)},
               {"region", clean(o.region)},
               {"region_label", clean(o.region_label)},
               {"eea_regions", Json::array()},
               {"counts", Json{{"pass", o.counts.pass}, {"fail", o.counts.fail}, {"unknown", o.counts.unknown}}},
               {"certifications", Json::array()},
               {"cells", Json::array()},
               {"evidence", Json::array()}};
    for (const auto& reg : o.eea_regions) offer["eea_regions"].push_back(clean(reg));
    for (const auto& c : o.certifications) {
      Json regions = Json::array();
      for (const auto& reg : c.regions) regions.push_back(clean(reg));
      offer["certifications"].push_back(Json{{"key", clean(c.key)},
                                             {"title", clean(c.title)},
                                             {"status", clean(c.status)},
                                             {"from", clean(c.from)},
                                             {"until", c.until.empty() ? Json(nullptr) : Json(clean(c.until))},
                                             {"reference", clean(c.reference)},
                                             {"regions", regions},
                                             {"state", clean(c.state)},
                                             {"valid", c.valid},
                                             {"note", clean(c.note)}});
    }
    for (const auto& c : o.cells) {
      offer["cells"].push_back(
          Json{{"requirement", clean(c.requirement_id)}, {"verdict", verdict_word(c)}, {"reason", clean(c.reason)}});
    }
    for (const auto& s : o.evidence) {
      offer["evidence"].push_back(Json{{"kind", clean(s.kind)},
                                       {"subject", clean(s.subject)},
                                       {"value", clean(s.value)},
                                       {"method", clean(s.method)},
                                       {"source", clean(s.source)}});
    }
    j["offers"].push_back(std::move(offer));
  }
  j["warnings"] = Json::array();
  for (const auto& w : r.warnings) j["warnings"].push_back(clean(w));
  j["sources"] = Json::array();
  for (const auto& s : r.sources) j["sources"].push_back(Json{{"kind", clean(s.kind)}, {"name", clean(s.name)}});
  out << core::dump_json(j) << "\n";
}

const std::vector<std::string_view>& comparison_formats() {
  static const std::vector<std::string_view> k_formats = {"text", "markdown", "csv", "html", "json"};
  return k_formats;
}

core::Result<void> write_comparison(const core::ComparisonResult& result, std::string_view format,
                                    const std::optional<std::filesystem::path>& output, std::ostream& stdout_stream) {
  std::ostringstream text;
  if (format == "text")
    write_comparison_text(result, text);
  else if (format == "markdown")
    write_comparison_markdown(result, text);
  else if (format == "csv")
    write_comparison_csv(result, text);
  else if (format == "html")
    write_comparison_html(result, text);
  else if (format == "json")
    write_comparison_json(result, text);
  else {
    std::vector<std::string> names(comparison_formats().begin(), comparison_formats().end());
    auto hint = core::closest(format, names);
    return core::fail(core::ErrorCode::usage,
                      fmt::format("unknown comparison format '{}'{}; formats: {}", format,
                                  hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(names, ", ")),
                      "--format");
  }
  if (output) return core::write_file_atomic(*output, text.str());
  stdout_stream << text.str();
  stdout_stream.flush();
  if (!stdout_stream) return core::fail(core::ErrorCode::io, "cannot write the comparison to standard output");
  return {};
}

}  // namespace report
