// report: renderers of the result model (core::AuditResult) into text, JSON, SARIF 2.1.0,
// JUnit XML, Markdown, HTML and CSV. Renderers are pure: no clock, no network, no host lookup;
// every time, host and as-of date comes from the model, and output is sorted and byte-stable.
#pragma once

#include "core/atomic_file.hpp"
#include "core/audit_result.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace report {

// Whether the text report uses ANSI colours (the caller decides: a TTY and no NO_COLOR).
enum class Colour { no, yes };

struct TextOptions {
  Colour colour = Colour::no;
};

// Summary, then failures and unknowns with their evidence chains, then passes compactly.
void write_text(const core::AuditResult& result, std::ostream& out, TextOptions options = {});
// The versioned JSON report ("schema": "residency/report/v2"; docs/report.schema.json), streamed.
void write_json(const core::AuditResult& result, std::ostream& out);

// The same JSON report, byte for byte, with its targets written while the audit runs: each
// judged target goes to an anonymous scratch file in `folder` (add(), fed by
// audit::AuditOptions::on_target) and is forgotten, so memory holds the findings but not every
// target's facts and evidence; write() then emits the head, copies the targets back and ends
// with the findings and counts. write() returns an io error (and fails `out`) when the scratch
// file could not be written or read back in full.
class JsonTargetStream {
 public:
  static core::Result<JsonTargetStream> open(const std::filesystem::path& folder);
  JsonTargetStream(JsonTargetStream&&) noexcept;
  JsonTargetStream& operator=(JsonTargetStream&&) noexcept;
  ~JsonTargetStream();

  void add(const core::TargetReport& target);
  // `result` is the audit's, whose `targets` are those added (and usually empty).
  core::Result<void> write(const core::AuditResult& result, std::ostream& out);

 private:
  JsonTargetStream();
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};
// SARIF 2.1.0: one run, rules = requirements, results for fail, unknown and waived findings.
void write_sarif(const core::AuditResult& result, std::ostream& out);
// JUnit XML: one <testsuite> per policy, one <testcase> per (target, requirement).
void write_junit(const core::AuditResult& result, std::ostream& out);
// Markdown for a pull-request comment: summary, failures table, collapsible evidence.
void write_markdown(const core::AuditResult& result, std::ostream& out);
// The Markdown head and the failures, then unknowns, cut to stay under GitHub's 65,536-character
// limit for comments and step summaries ("… and N more" points at the full report).
void write_markdown_summary(const core::AuditResult& result, std::ostream& out);
// One self-contained, printable HTML file (inline CSS, SVG and script; no external asset).
void write_html(const core::AuditResult& result, std::ostream& out);
// RFC 4180 CSV, one row per finding, cells safe against formula injection.
void write_csv(const core::AuditResult& result, std::ostream& out);

// A report format: its name, what it is, its writer, and the file it goes to in a folder when
// several formats are written at once (report.md, report.xml, …).
struct Format {
  std::string_view name;
  std::string_view description;
  void (*writer)(const core::AuditResult&, std::ostream&, bool colour);
  std::string_view file_name;
};

// Every format, in the order `--list-formats` shows them.
const std::vector<Format>& formats();
// Return the format called `name`, or nullptr.
const Format* find_format(std::string_view name);
// Check format names: a usage error naming the bad one (with a did-you-mean hint), or ok.
core::Result<void> validate_formats(const std::vector<std::string>& names);

// Check, before any probing, where write_reports() will write: usage and io errors for a bad
// --output (a folder for one format, a file for several, a missing or unwritable folder). Returns
// the report files that already exist or will be written, so callers can refuse to overwrite an
// input; empty for stdout.
core::Result<std::vector<core::OutputPath>> check_report_outputs(const std::vector<std::string>& formats,
                                                                 const std::optional<std::filesystem::path>& output);

// Write one report through `write`: to `output` (exactly that path, atomically for a regular
// file, streamed to a special one) or, without `output`, to `stdout_stream`.
core::Result<void> write_report(const std::function<void(std::ostream&)>& write,
                                const std::optional<std::filesystem::path>& output, std::ostream& stdout_stream);

// Render `formats`: one format goes to `output` (exactly that path) or to `stdout_stream`;
// several go to `output`/<file_name> (folder created if missing) and require `output`.
// Regular files are written atomically, all renamed only once every one is written; special
// files (/dev/null, a FIFO) are streamed. A symlink keeps pointing at the new report.
core::Result<void> write_reports(const core::AuditResult& result, const std::vector<std::string>& formats,
                                 const std::optional<std::filesystem::path>& output,
                                 std::ostream& stdout_stream, bool colour);

}  // namespace report
