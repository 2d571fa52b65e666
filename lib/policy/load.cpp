// Loading rule packs: folders are walked recursively for *.yaml (sorted, so runs are
// deterministic) and parsed through the yaml-cpp adapter; the shipped packs come from the
// embedded compiled blob (no YAML parsing at run time). All files then go through one validating
// Builder, layer by layer, and every problem is collected before anything is reported.
#include "policy/load.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "policy/builder.hpp"
#include "policy/embedded.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <system_error>

namespace policy {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> yaml_files(const fs::path& dir, std::vector<Problem>& problems) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problems.push_back(
        {core::Level::error, {dir.string(), 0, 0}, "not a folder; expected a folder of *.yaml rule packs"});
    return out;
  }
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) out.push_back(it->path());
  }
  if (ec)
    problems.push_back({core::Level::error, {dir.string(), 0, 0}, fmt::format("cannot list folder: {}", ec.message())});
  std::sort(out.begin(), out.end());
  return out;
}

bool is_jurisdictions(const ParsedFile& f) {
  const Node* kind = f.root.get("kind");
  return kind != nullptr && kind->is_scalar() && kind->scalar == "jurisdictions";
}

Problem problem_from(const core::Error& e) {
  // Error::where is "file[:line:column]".
  Problem p{core::Level::error, {e.where, 0, 0}, e.message};
  const auto c2 = e.where.rfind(':');
  if (c2 == std::string::npos || c2 == 0) return p;
  const auto c1 = e.where.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return p;
  int line = 0;
  int column = 0;
  const char* s = e.where.data();
  auto r1 = std::from_chars(s + c1 + 1, s + c2, line);
  auto r2 = std::from_chars(s + c2 + 1, s + e.where.size(), column);
  if (r1.ec != std::errc{} || r2.ec != std::errc{} || r1.ptr != s + c2 || r2.ptr != s + e.where.size()) return p;
  p.loc = {e.where.substr(0, c1), line, column};
  return p;
}

}  // namespace

std::optional<ParsedFile> read_pack(const fs::path& path, const std::string& display_name,
                                    std::vector<Problem>& problems) {
  auto text = core::read_file(path);
  if (!text) {
    problems.push_back({core::Level::error, {display_name, 0, 0}, text.error().message});
    return std::nullopt;
  }
  auto root = parse_yaml(*text, display_name, 0);
  if (!root) {
    problems.push_back(problem_from(root.error()));
    return std::nullopt;
  }
  return ParsedFile{display_name, std::move(*root)};
}

std::vector<ParsedFile> read_dir(const fs::path& dir, std::vector<Problem>& problems) {
  std::vector<ParsedFile> out;
  for (const auto& path : yaml_files(dir, problems)) {
    if (auto f = read_pack(path, path.lexically_normal().string(), problems)) out.push_back(std::move(*f));
  }
  return out;
}

std::vector<fs::path> env_rule_dirs() {
  std::vector<fs::path> out;
  const char* env = std::getenv("RESIDENCY_RULES");
  if (env == nullptr) return out;
  for (auto part : core::split(env, ':')) {
    if (!part.empty()) out.emplace_back(std::string(part));
  }
  return out;
}

Validation validate_layers(const std::vector<std::vector<ParsedFile>>& layers, std::optional<core::Date> as_of,
                           std::vector<Problem> earlier) {
  Builder b(as_of);
  for (auto& p : earlier) b.add_problem(p.level, std::move(p.loc), std::move(p.message));
  for (const auto& layer : layers) {
    b.begin_layer();
    for (const auto& file : layer) b.add_file(file);
  }
  b.finish();
  Validation v;
  v.problems = b.problems();
  v.rules = std::move(b.rules());
  for (const auto& p : v.problems) {
    if (p.level == core::Level::error) ++v.errors;
    if (p.level == core::Level::warning) ++v.warnings;
  }
  return v;
}

Validation validate_rules(const LoadOptions& options) {
  std::vector<Problem> problems;
  std::vector<std::vector<ParsedFile>> layers;
  bool complete = false;
  for (const auto& dir : options.dirs) {
    layers.push_back(read_dir(dir, problems));
    complete = complete || std::any_of(layers.back().begin(), layers.back().end(), is_jurisdictions);
  }
  const bool embedded =
      options.embedded == Embedded::yes || (options.embedded == Embedded::unless_complete && !complete);
  if (embedded) {
    auto files = decode_files(embedded_rules_blob());
    if (!files) problems.push_back(problem_from(files.error()));
    layers.insert(layers.begin(), files ? std::move(*files) : std::vector<ParsedFile>{});
  }
  return validate_layers(layers, options.as_of, std::move(problems));
}

void report(const std::vector<Problem>& problems, core::Diag& diag) {
  for (const auto& p : problems) diag.emit(p.level, p.text());
}

// Errors always; warnings and notes only about the packs the user added (the shipped ones are
// checked at build time, and `rules validate` shows all of them). Certification history that
// matters to an audit reaches its report, not stderr.
void report_for_use(const std::vector<Problem>& problems, const LoadOptions& options, core::Diag& diag) {
  for (const auto& p : problems) {
    if (p.level == core::Level::error) {
      diag.emit(p.level, p.text());
      continue;
    }
    const bool user_file = std::any_of(options.dirs.begin(), options.dirs.end(), [&](const fs::path& dir) {
      return p.loc.file.starts_with(dir.lexically_normal().string());
    });
    if (user_file) diag.emit(p.level, p.text());
  }
}

core::Result<RuleSet> load_rules(const LoadOptions& options, core::Diag& diag) {
  Validation v = validate_rules(options);
  report_for_use(v.problems, options, diag);
  if (v.errors > 0) {
    return core::fail(core::ErrorCode::config, fmt::format("{} error{} in rule packs; fix them before auditing",
                                                           v.errors, v.errors == 1 ? "" : "s"));
  }
  if (options.as_of) v.rules.freeze_sets(*options.as_of);
  return std::move(v.rules);
}

}  // namespace policy
