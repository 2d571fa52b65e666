// The update as a list of named steps: select the sources, read the installed state
// (SOURCES.json), obtain and verify every selected source (collecting every refusal before
// deciding), and only when nothing was refused or failed, rebuild the databases whose inputs
// changed (with the installed inputs of the other sources), then write inputs, databases,
// licences, ATTRIBUTION.md and SOURCES.json, one atomic rename each.
#include "update/update.hpp"

#include "core/atomic_file.hpp"
#include "core/date.hpp"
#include "core/text.hpp"
#include "geo/mmdb_reader.hpp"
#include "update/digest.hpp"
#include "update/input.hpp"
#include "update/obtain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

namespace update {

namespace {

namespace fs = std::filesystem;
using detail::Fetched;
using detail::Input;
using State = SourceOutcome::State;

constexpr std::string_view k_state_file = "SOURCES.json";
constexpr std::string_view k_inputs_dir = "inputs";

// One selected source on its way through the run.
struct Work {
  const SourceSpec* spec = nullptr;
  SourceOutcome outcome;
  std::optional<Input> input;  // the new input, when updated
};

core::Result<std::vector<const SourceSpec*>> select(const SourcesFile& file, const UpdateOptions& o) {
  std::vector<std::string> ids;
  for (const auto& s : file.sources) ids.push_back(s.id);
  for (const auto& id : o.only) {
    if (file.find(id) != nullptr) continue;
    auto hint = core::closest(id, ids);
    return core::fail(core::ErrorCode::usage,
                      fmt::format("--source '{}': no such source{}; expected one of: {}", id,
                                  hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(ids, ", ")));
  }
  for (const auto& kind : o.kinds) {
    if (!geo::is_source_kind(kind)) {
      return core::fail(core::ErrorCode::usage,
                        fmt::format("--kind '{}': expected provider-feed, registry, geolocation or asn", kind));
    }
  }
  for (const auto& [id, url] : o.urls) {
    if (file.find(id) == nullptr)
      return core::fail(core::ErrorCode::usage, fmt::format("--url {}=…: no such source", id));
  }
  std::vector<const SourceSpec*> out;
  for (const auto& s : file.sources) {
    const bool by_id = o.only.empty() || std::find(o.only.begin(), o.only.end(), s.id) != o.only.end();
    const bool by_kind = o.kinds.empty() || std::find(o.kinds.begin(), o.kinds.end(), s.kind) != o.kinds.end();
    if (by_id && by_kind) out.push_back(&s);
  }
  if (out.empty()) return core::fail(core::ErrorCode::usage, "no source matches --source/--kind");
  return out;
}

core::Result<geo::SourcesState> load_state(const fs::path& dir) {
  const fs::path path = dir / k_state_file;
  std::error_code ec;
  if (!fs::exists(path, ec)) return geo::SourcesState{};
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  auto state = geo::parse_sources_state(*text, path.string());
  if (!state) {
    auto e = state.error();
    e.message += "; remove it to fetch every source afresh";
    return std::unexpected(e);
  }
  return state;
}

// The installed state of a source whose input file is still there, or nullptr.
const geo::SourceState* installed_of(const geo::SourcesState& state, const fs::path& dir, const std::string& id) {
  const geo::SourceState* s = state.find(id);
  std::error_code ec;
  if (s == nullptr || s->file.empty() || !fs::is_regular_file(dir / s->file, ec)) return nullptr;
  return s;
}

std::optional<core::Date> parse_http_date(const std::string& text) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return std::nullopt;
  auto d = core::parse_date(fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
  if (!d) return std::nullopt;
  return *d;
}

// Fill the input record: names, the date with its basis, the serial, the sha256.
void describe_input(Input& in, const UpdateOptions& o, bool official) {
  const SourceSpec& s = *in.spec;
  geo::InputRecord& r = in.state.input;
  r = geo::InputRecord{s.id, s.name, s.kind, s.url, {}, {}, {}, {}, sha256_hex(in.bytes), s.licence, s.attribution};
  if (s.is_npm()) {
    r.published = r.serial = s.version;
  } else if (!in.tables.empty()) {
    r.published = in.tables.front().stamp.published;
    r.serial = in.tables.front().stamp.serial;
  }
  if (in.date) {
    r.date = in.date->to_string();
    r.date_basis = s.date_from == DateFrom::file_name         ? "file-name"
                   : s.date_from == DateFrom::package_version ? "package-version"
                                                              : "feed";
  } else if (auto modified = official ? parse_http_date(in.state.last_modified) : std::nullopt) {
    r.date = modified->to_string();
    r.date_basis = "last-modified";
  } else if (official && o.now.size() >= 10) {
    r.date = o.now.substr(0, 10);  // the feed carries no date: it was current when fetched
    r.date_basis = "fetched";
  }
  std::uint64_t prefixes = 0;
  for (const auto& t : in.tables) prefixes += geo::distinct_prefixes(t);
  in.state.prefixes = s.is_npm() ? 0 : prefixes;
  in.state.bytes = in.bytes.size();
  in.state.database = s.database;
}

// The installed feed as the guards see it.
geo::FeedFacts installed_facts(const geo::SourceState& s) {
  geo::FeedFacts f;
  f.bytes = s.bytes;
  f.prefixes = s.prefixes;
  if (auto d = core::parse_date(s.input.date); d && s.input.date_basis != "fetched") f.date = *d;
  f.serial = s.input.serial;
  return f;
}

std::vector<geo::GuardHit> guards_for(const Input& in, const geo::SourceState* installed) {
  geo::GuardLimits limits;
  limits.min_bytes = in.spec->min_bytes;
  std::optional<geo::FeedFacts> before;
  if (installed != nullptr) before = installed_facts(*installed);
  if (in.spec->is_npm()) {  // a pinned package: only "older than installed" applies (no prefixes, no size)
    if (!before) return {};
    geo::FeedFacts f, b;
    f.date = in.date;
    b.date = before->date;
    return geo::check_feed(f, b);
  }
  geo::FeedFacts f;
  for (const auto& t : in.tables) f = geo::feed_facts(t, in.bytes.size(), in.date, limits);
  return geo::check_feed(f, before, limits);
}

std::string summary(const Input& in) {
  const auto& r = in.state.input;
  std::string text = fmt::format("{} bytes", in.state.bytes);
  if (in.state.prefixes > 0) text += fmt::format(", {} prefixes", in.state.prefixes);
  text += r.date.empty() ? ", undated" : fmt::format(", dated {} ({})", r.date, r.date_basis);
  if (!r.serial.empty()) text += fmt::format(", serial {}", r.serial);
  return text;
}

Work refuse(Work w, std::string why) {
  w.outcome.state = State::refused;
  w.outcome.message = std::move(why) + "; the installed input is kept";
  return w;
}

// Obtain and verify one source.
Work process(const SourceSpec& spec, const geo::SourcesState& state, const UpdateOptions& o, const fs::path& dir,
             std::vector<std::string>& warnings) {
  Work w;
  w.spec = &spec;
  w.outcome.id = spec.id;
  const geo::SourceState* installed = installed_of(state, dir, spec.id);
  detail::ObtainContext context{o.mirrors, o.urls, o.fetch, {}, {}, {}};
  if (installed != nullptr) {
    context.installed_from = installed->fetched_from;
    context.installed_etag = installed->etag;
    context.installed_last_modified = installed->last_modified;
  }
  if (o.on_source) o.on_source(spec.id);
  Fetched got = detail::obtain(spec, context);
  switch (got.state) {
    case Fetched::State::absent:
      w.outcome.state = State::skipped;
      w.outcome.message = got.detail + (installed ? "; the installed input is kept" : "; there is no installed input");
      return w;
    case Fetched::State::failed:
      w.outcome.state = State::failed;
      w.outcome.network = got.network;
      w.outcome.message = got.detail + (installed ? "; the installed input is kept" : "");
      return w;
    case Fetched::State::not_modified:
      w.outcome.message = fmt::format("not modified since the installed copy (HTTP 304 from {})", got.from);
      return w;
    case Fetched::State::got:
      break;
  }
  if (installed != nullptr && installed->input.sha256 == sha256_hex(got.bytes)) {
    w.outcome.message = fmt::format("the same sha256 as the installed copy (read from {})", got.from);
    return w;
  }
  Input in;
  in.spec = &spec;
  in.bytes = std::move(got.bytes);
  in.state.fetched_from = got.from;
  in.state.fetched_at = o.now;
  in.state.file = fmt::format("{}/{}", k_inputs_dir, got.file_name);
  in.state.etag = got.etag;
  in.state.last_modified = got.last_modified;
  if (auto problem = detail::parse_input(in)) {
    return refuse(std::move(w),
                  fmt::format("{}: {}", problem->integrity ? "integrity check" : "parse guard", problem->message));
  }
  describe_input(in, o, o.mirrors.empty());
  auto hits = guards_for(in, installed);
  if (!hits.empty()) {
    std::vector<std::string> reasons;
    for (const auto& h : hits) {
      reasons.push_back(fmt::format("{} guard: {} {}", geo::to_string(h.guard), got.file_name, h.message));
    }
    if (!o.force) return refuse(std::move(w), fmt::format("{}", fmt::join(reasons, "; ")));
    warnings.push_back(fmt::format("{}: accepted with --force despite the {}", spec.id, fmt::join(reasons, "; the ")));
  }
  w.outcome.state = State::updated;
  w.outcome.message = fmt::format("from {}: {}", in.state.fetched_from, summary(in));
  w.input = std::move(in);
  return w;
}

// Read and parse the installed input of `spec` for a rebuild.
core::Result<Input> installed_input(const SourceSpec& spec, const geo::SourceState& s, const fs::path& dir) {
  Input in;
  in.spec = &spec;
  in.state = s;
  auto bytes = core::read_file(dir / s.file);
  if (!bytes) return std::unexpected(bytes.error());
  in.bytes = std::move(*bytes);
  if (sha256_hex(in.bytes) != s.input.sha256) {
    return core::fail(core::ErrorCode::data,
                      fmt::format("the installed input differs from SOURCES.json (sha256); run `residency data update "
                                  "--source {}` to fetch it again",
                                  spec.id),
                      (dir / s.file).string());
  }
  if (auto problem = detail::parse_input(in)) {
    return core::fail(core::ErrorCode::data, "the installed input does not parse: " + problem->message,
                      (dir / s.file).string());
  }
  in.state = s;  // keep the recorded dates (an undated feed was dated when fetched)
  return in;
}

// Everything a successful run writes, computed before anything is written.
struct Plan {
  std::vector<std::pair<std::string, std::string>> files;  // relative path → bytes, in write order
  geo::SourcesState state;
  std::vector<std::string> remove;  // replaced inputs whose name changed
};

// Whether the installed database at `path` records a licence or attribution other than the
// sources file's for one of its inputs: the credit reports carry must follow the sources file
// even when no feed changed (an unreadable database is rebuilt by the caller's other checks).
bool credits_changed(const SourcesFile& file, const DatabaseSpec& db, const fs::path& path) {
  auto opened = geo::Database::open(path, geo::Verify::never);
  if (!opened) return false;
  for (const auto& in : opened->info().provenance.inputs) {
    auto spec = std::find_if(file.sources.begin(), file.sources.end(),
                             [&](const SourceSpec& s) { return s.id == in.id && s.database == db.file; });
    if (spec != file.sources.end() && (spec->licence != in.licence || spec->attribution != in.attribution)) return true;
  }
  return false;
}

core::Result<void> plan_databases(const SourcesFile& file, const std::vector<Work>& work,
                                  const geo::SourcesState& state, const fs::path& dir, Plan& plan,
                                  std::vector<std::string>& warnings) {
  std::map<std::string, const Input*> fresh;
  for (const auto& w : work) {
    if (w.input) fresh[w.spec->id] = &*w.input;
  }
  const fs::path scratch = dir / ".update-tmp";
  for (const auto& db : file.databases) {
    bool changed = false;
    for (const auto& [id, in] : fresh) changed = changed || in->spec->database == db.file;
    std::error_code ec;
    const bool missing = !fs::exists(dir / db.file, ec);
    if (!changed && !missing && !credits_changed(file, db, dir / db.file)) continue;
    std::vector<Input> kept;  // installed inputs, owned here for the build
    std::vector<const Input*> inputs;
    std::vector<std::string> lacking;
    kept.reserve(file.sources.size());
    for (const auto& s : file.sources) {
      if (s.database != db.file) continue;
      if (auto it = fresh.find(s.id); it != fresh.end()) {
        inputs.push_back(it->second);
      } else if (const geo::SourceState* st = installed_of(state, dir, s.id)) {
        auto in = installed_input(s, *st, dir);
        if (!in) return std::unexpected(in.error());
        kept.push_back(std::move(*in));
        inputs.push_back(&kept.back());
      } else {
        lacking.push_back(s.id);
      }
    }
    if (inputs.empty()) continue;  // nothing to build from yet
    if (!lacking.empty()) {
      warnings.push_back(fmt::format("{} is built without {}: no installed input yet (run data update for it)", db.file,
                                     fmt::join(lacking, ", ")));
    }
    fs::create_directories(scratch, ec);
    auto built = detail::build_database(db, inputs, scratch);
    fs::remove_all(scratch, ec);
    if (!built) return std::unexpected(built.error());
    plan.files.emplace_back(db.file, std::move(built->bytes));
    std::erase_if(plan.state.databases, [&](const geo::DatabaseState& d) { return d.file == db.file; });
    plan.state.databases.push_back(std::move(built->state));
  }
  return {};
}

void plan_inputs(const SourcesFile& file, const std::vector<Work>& work, const geo::SourcesState& state, Plan& plan) {
  for (const auto& w : work) {
    if (!w.input) continue;
    plan.files.emplace_back(w.input->state.file, w.input->bytes);
    for (const auto& [member, target] : w.spec->licence_files) {
      if (auto it = w.input->members.find(member); it != w.input->members.end())
        plan.files.emplace_back(target, it->second);
    }
    if (const auto* old = state.find(w.spec->id); old != nullptr && old->file != w.input->state.file) {
      plan.remove.push_back(old->file);
    }
  }
  // SOURCES.json: every source of the file that has a state, in file order, the new ones replaced.
  std::vector<geo::SourceState> sources;
  for (const auto& s : file.sources) {
    auto it = std::find_if(work.begin(), work.end(), [&](const Work& w) { return w.spec->id == s.id && w.input; });
    if (it != work.end())
      sources.push_back(it->input->state);
    else if (const auto* old = state.find(s.id))
      sources.push_back(*old);
  }
  plan.state.sources = std::move(sources);
}

core::Result<std::vector<std::string>> write_plan(const SourcesFile& file, Plan& plan, const fs::path& dir,
                                                  const std::string& now) {
  std::vector<std::string> written;
  std::map<std::string, geo::SourceState> installed;
  for (const auto& s : plan.state.sources) installed[s.input.id] = s;
  plan.files.emplace_back("ATTRIBUTION.md", detail::attribution_text(file, installed));
  plan.state.updated_at = now;
  std::error_code ec;
  fs::create_directories(dir / k_inputs_dir, ec);
  std::set<std::string> names;  // a file planned twice (a licence two packages ship) is written once
  for (const auto& [name, bytes] : plan.files) {
    if (!names.insert(name).second) continue;
    if (auto ok = core::write_file_atomic(dir / name, bytes); !ok) return std::unexpected(ok.error());
    written.push_back(name);
  }
  if (auto ok = core::write_file_atomic(dir / k_state_file, geo::to_json(plan.state)); !ok)
    return std::unexpected(ok.error());
  written.emplace_back(k_state_file);
  for (const auto& old : plan.remove) fs::remove(dir / old, ec);
  return written;
}

}  // namespace

std::string_view to_string(SourceOutcome::State state) {
  switch (state) {
    case State::updated:
      return "updated";
    case State::unchanged:
      return "unchanged";
    case State::skipped:
      return "skipped";
    case State::refused:
      return "refused";
    case State::failed:
      return "failed";
  }
  return "?";
}

core::Result<UpdateReport> run_update(const UpdateOptions& o, core::Diag& diag) {
  auto file = load_sources(o.sources_file, diag);
  if (!file) return std::unexpected(file.error());
  auto selected = select(*file, o);
  if (!selected) return std::unexpected(selected.error());
  auto state = load_state(o.data_dir);
  if (!state) return std::unexpected(state.error());

  UpdateReport report;
  std::vector<Work> work;
  for (const auto* spec : *selected) {
    work.push_back(process(*spec, *state, o, o.data_dir, report.warnings));
    report.sources.push_back(work.back().outcome);
    if (work.back().outcome.state == State::skipped) {
      report.warnings.push_back(fmt::format("{}: skipped: {}", spec->id, work.back().outcome.message));
    }
  }
  // A refused source, or a download that failed for a reason the network does not explain (a
  // 404 at the official URL, a page without the download link), is a data problem: exit 2.
  const bool data_problem = std::any_of(work.begin(), work.end(), [](const Work& w) {
    return w.outcome.state == State::refused || (w.outcome.state == State::failed && !w.outcome.network);
  });
  const bool failed =
      std::any_of(work.begin(), work.end(), [](const Work& w) { return w.outcome.state == State::failed; });
  if (data_problem || failed) {
    report.exit_code = data_problem ? 2 : 3;
    return report;  // a guard fired or a download failed: nothing is written
  }

  Plan plan;
  plan.state = *state;
  plan_inputs(*file, work, *state, plan);
  if (auto ok = plan_databases(*file, work, *state, o.data_dir, plan, report.warnings); !ok)
    return std::unexpected(ok.error());
  const bool databases =
      std::any_of(plan.files.begin(), plan.files.end(), [](const auto& f) { return f.first.ends_with(".mmdb"); });
  if (!databases && std::none_of(work.begin(), work.end(), [](const Work& w) { return w.input.has_value(); })) {
    return report;  // every source unchanged or skipped: nothing to write
  }
  if (o.dry_run) {
    for (const auto& [name, bytes] : plan.files) report.written.push_back(name);
    return report;
  }
  auto written = write_plan(*file, plan, o.data_dir, o.now);
  if (!written) return std::unexpected(written.error());
  report.written = std::move(*written);
  return report;
}

}  // namespace update
