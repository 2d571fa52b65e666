// Renderers of the procurement comparison (core::ComparisonResult): text, Markdown, CSV, HTML
// and JSON. Pure like the audit renderers: no clock, no host; offers in the model's order
// (most passes first), requirements in the policy's order, so output is byte-stable.
#pragma once

#include "core/comparison.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace report {

// One block per offer: counts, region judged, EEA regions, certifications, then each requirement.
void write_comparison_text(const core::ComparisonResult& result, std::ostream& out);
// The matrix as a Markdown table (offers × requirements), then each offer's regions and certificates.
void write_comparison_markdown(const core::ComparisonResult& result, std::ostream& out);
// RFC 4180 CSV: one row per offer, a verdict and a reason column per requirement.
void write_comparison_csv(const core::ComparisonResult& result, std::ostream& out);
// One self-contained HTML page (inline CSS, no scripts or external assets).
void write_comparison_html(const core::ComparisonResult& result, std::ostream& out);
// JSON ("schema": "residency/compare/v1").
void write_comparison_json(const core::ComparisonResult& result, std::ostream& out);

// The comparison formats, in the order help lists them: text, markdown, csv, html, json.
const std::vector<std::string_view>& comparison_formats();
// Render `format` to `output` (written atomically) or, without one, to `stdout_stream`. An unknown
// format is a usage error with a did-you-mean hint.
core::Result<void> write_comparison(const core::ComparisonResult& result, std::string_view format,
                                    const std::optional<std::filesystem::path>& output, std::ostream& stdout_stream);

}  // namespace report
