// update::run_update: `residency data update`. For every selected source of the sources file it
// obtains the file (the official URL, or the first mirror that holds it), verifies it (parses,
// sha256, the feed's own date and serial, npm integrity, the sanity guards against the installed
// input), and only when every selected source is accepted, unchanged or absent from the mirror
// rebuilds the databases whose inputs changed, deterministically, with provenance, and swaps the
// new files into the data folder one atomic rename each, SOURCES.json last. A run in which a
// guard fires or a download fails writes nothing.
#pragma once

#include "core/diag.hpp"
#include "core/error.hpp"
#include "geo/guards.hpp"
#include "probe/fetch.hpp"
#include "update/sources_file.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace update {

struct UpdateOptions {
  std::filesystem::path data_dir;           // the data folder in use (created when missing)
  std::filesystem::path sources_file;       // geoip/sources.yaml
  std::vector<std::string> only;            // --source ID… (empty: every source)
  std::vector<std::string> kinds;           // --kind KIND… (empty: every kind)
  std::vector<std::string> mirrors;         // --mirror URL|DIR…, tried in order
  std::map<std::string, std::string> urls;  // --url ID=URL: replaces a source's official URL
  bool dry_run = false;
  bool force = false;         // accept feeds a guard refused (with a warning)
  probe::FetchOptions fetch;  // timeouts, retries, --ca-file, progress
  std::string now;            // ISO 8601 UTC of this run (fetched_at, updated_at)
  // Called before each download with the source's id (the app draws progress per source).
  std::function<void(const std::string&)> on_source;
};

// What happened to one source.
struct SourceOutcome {
  enum class State { updated, unchanged, skipped, refused, failed };
  std::string id;
  State state = State::unchanged;
  std::string message;   // one line: what was fetched, or why it was refused / skipped / failed
  bool network = false;  // failed because of the network (exit 3), not the data (exit 2)
};

std::string_view to_string(SourceOutcome::State state);

struct UpdateReport {
  std::vector<SourceOutcome> sources;
  std::vector<std::string> written;   // files written into the data folder, relative (with dry_run: would be)
  std::vector<std::string> warnings;  // forced guards, skipped sources, databases built without an input
  int exit_code = 0;  // 0 done; 2 a source refused, or not fetched for a reason other than the network; 3 network
};

// Run the update. Configuration problems (sources file, unknown --source, unwritable folder) are
// errors; refused and failed sources are in the report with its exit code.
core::Result<UpdateReport> run_update(const UpdateOptions& options, core::Diag& diag);

}  // namespace update
