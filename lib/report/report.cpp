// The format table (bloaty style) that drives `--list-formats` and format validation, and
// write_reports(), which renders each requested format into a temporary file (to memory for
// standard output and special files) and renames them all into place at the end: one
// format to exactly --output (or stdout), several to <output>/report.<ext> (report.md for
// Markdown, report.xml for JUnit).
#include "report/report.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

namespace report {

namespace {

template <void (*Writer)(const core::AuditResult&, std::ostream&)>
void plain(const core::AuditResult& result, std::ostream& out, bool /*colour*/) {
  Writer(result, out);
}

void text_writer(const core::AuditResult& result, std::ostream& out, bool colour) {
  write_text(result, out, TextOptions{colour ? Colour::yes : Colour::no});
}

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (const auto& f : formats()) names.emplace_back(f.name);
  return names;
}

// The file name of `format` in multi-format output (report.md, report.xml, …).
std::filesystem::path report_file_name(std::string_view format) { return find_format(format)->file_name; }

std::vector<std::string> unique_formats(const std::vector<std::string>& formats) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& f : formats) {
    if (seen.insert(f).second) unique.push_back(f);
  }
  return unique;
}

// Check that `dir` is, or can be created as, a writable folder.
core::Result<void> check_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    if (std::filesystem::is_directory(dir, ec)) {
      if (::access(dir.c_str(), W_OK | X_OK) != 0)
        return core::fail(core::ErrorCode::io,
                          fmt::format("--output: cannot write in folder: {}", std::strerror(errno)), dir.string());
      return {};
    }
    return core::fail(core::ErrorCode::usage, "--output names a file, but several formats need a folder",
                      dir.string());
  }
  std::filesystem::path parent = std::filesystem::absolute(dir, ec).parent_path();
  while (!parent.empty() && !std::filesystem::exists(parent, ec)) parent = parent.parent_path();
  if (!std::filesystem::is_directory(parent, ec) || ::access(parent.c_str(), W_OK | X_OK) != 0)
    return core::fail(core::ErrorCode::io,
                      fmt::format("--output: cannot create the folder under '{}'", parent.string()), dir.string());
  return {};
}

// Create `dir` (and its parents) when missing.
core::Result<void> ensure_folder(const std::filesystem::path& dir) {
  if (auto ok = check_folder(dir); !ok) return ok;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::fail(core::ErrorCode::io, fmt::format("cannot create folder: {}", ec.message()), dir.string());
  return {};
}

}  // namespace

const std::vector<Format>& formats() {
  static const std::vector<Format> k_formats = {
      {"text", "human-readable summary, failures with evidence, passes (default)", &text_writer, "report.text"},
      {"json", "versioned machine-readable report (residency/report/v2)", &plain<&write_json>, "report.json"},
      {"sarif", "SARIF 2.1.0 for GitHub code scanning and other tools", &plain<&write_sarif>, "report.sarif"},
      {"junit", "JUnit XML: a test suite per policy, a test case per target and requirement", &plain<&write_junit>,
       "report.xml"},
      {"markdown", "Markdown for a pull-request comment", &plain<&write_markdown>, "report.md"},
      {"markdown-summary", "Markdown under GitHub's 65,536-character limit: failures first, then \"and N more\"",
       &plain<&write_markdown_summary>, "summary.md"},
      {"html", "one self-contained, printable HTML page", &plain<&write_html>, "report.html"},
      {"csv", "RFC 4180 CSV, one row per finding", &plain<&write_csv>, "report.csv"},
  };
  return k_formats;
}

const Format* find_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

core::Result<void> validate_formats(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (find_format(name)) continue;
    std::string message = fmt::format("unknown report format '{}'", name);
    if (auto hint = core::closest(name, format_names())) message += fmt::format(" (did you mean '{}'?)", *hint);
    message += fmt::format("; formats: {}", fmt::join(format_names(), ", "));
    return core::fail(core::ErrorCode::usage, message, "--format");
  }
  return {};
}

core::Result<std::vector<core::OutputPath>> check_report_outputs(const std::vector<std::string>& formats,
                                                                 const std::optional<std::filesystem::path>& output) {
  if (formats.empty()) return core::fail(core::ErrorCode::usage, "no report format given", "--format");
  if (auto ok = validate_formats(formats); !ok) return std::unexpected(ok.error());
  const auto unique = unique_formats(formats);
  std::vector<core::OutputPath> paths;
  if (!output) {
    if (unique.size() == 1) return paths;
    return core::fail(core::ErrorCode::usage,
                      fmt::format("{} formats need --output FOLDER (one report file each)", unique.size()), "--format");
  }
  if (unique.size() == 1) {
    auto out = core::check_output_path(*output, "--output");
    if (!out) return std::unexpected(out.error());
    paths.push_back(*out);
    return paths;
  }
  if (auto ok = check_folder(*output); !ok) return std::unexpected(ok.error());
  std::error_code ec;
  if (!std::filesystem::is_directory(*output, ec)) return paths;  // created later: every file is new
  for (const auto& name : unique) {
    auto out = core::check_output_path(*output / report_file_name(name), "--output");
    if (!out) return std::unexpected(out.error());
    paths.push_back(*out);
  }
  return paths;
}

core::Result<void> write_report(const std::function<void(std::ostream&)>& write,
                                const std::optional<std::filesystem::path>& output, std::ostream& stdout_stream) {
  if (!output) {
    write(stdout_stream);
    stdout_stream.flush();
    if (!stdout_stream) return core::fail(core::ErrorCode::io, "cannot write the report to standard output");
    return {};
  }
  auto out = core::check_output_path(*output, "--output");
  if (!out) return std::unexpected(out.error());
  core::OutputBatch batch;
  if (auto ok = batch.stage(*out, write); !ok) return ok;
  return batch.commit();
}

core::Result<void> write_reports(const core::AuditResult& result, const std::vector<std::string>& formats,
                                 const std::optional<std::filesystem::path>& output, std::ostream& stdout_stream,
                                 bool colour) {
  auto checked = check_report_outputs(formats, output);
  if (!checked) return std::unexpected(checked.error());
  const auto unique = unique_formats(formats);
  // A report rendered without a target that could not be read back from its scratch file
  // (AuditResult::stored_targets) fails its stream, so it is discarded, never renamed into place.
  auto render = [&](const Format& format, std::ostream& o, bool coloured) {
    format.writer(result, o, coloured);
    if (!result.targets_readable()) o.setstate(std::ios::badbit);
  };
  if (unique.size() == 1) {
    const Format& format = *find_format(unique.front());
    const bool coloured = colour && !output;  // colour is for a terminal, never for a file
    auto ok = write_report([&](std::ostream& o) { render(format, o, coloured); }, output, stdout_stream);
    if (auto readable = result.targets_readable(); !readable) return readable;  // the cause, not "not in full"
    return ok;
  }
  if (auto ok = ensure_folder(*output); !ok) return ok;
  // Render and stage every report first, then rename them all: no mix of old and new reports.
  core::OutputBatch batch;
  for (const auto& name : unique) {
    auto out = core::check_output_path(*output / report_file_name(name), "--output");
    if (!out) return std::unexpected(out.error());
    const Format& format = *find_format(name);
    if (auto ok = batch.stage(*out, [&](std::ostream& o) { render(format, o, false); }); !ok) {
      if (auto readable = result.targets_readable(); !readable) return readable;
      return ok;
    }
  }
  return batch.commit();
}

}  // namespace report
