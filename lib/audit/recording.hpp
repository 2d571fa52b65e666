// audit::Recording: the raw observations of a run (DNS answers with their resolver and time,
// HTTPS chains with certificates and headers, each with its address and time),
// which `--save-facts` writes and `--facts` replays. Location and attribution are not recorded:
// replay derives them again from the configured GeoIP databases and rule packs, whose versions
// the report names. The run's start time, as-of date and host are recorded so that a replay
// renders byte-identical reports.
#pragma once

#include "core/date.hpp"
#include "core/error.hpp"
#include "probe/dns.hpp"
#include "probe/http.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audit {

inline constexpr std::string_view k_recording_schema = "residency/facts/v1";

struct Recording {
  std::string tool_version;
  std::string started_at;  // ISO 8601 UTC
  core::Date as_of;
  std::string host;
  std::vector<probe::DnsResult> dns;  // every name resolved, sorted by name
  std::vector<probe::HttpsChain> https;  // every URL probed over HTTPS, sorted by URL

  // Return the result for `name` (as requested), or nullptr.
  const probe::DnsResult* find(std::string_view name) const;
  // Return the HTTPS chain probed for `url`, or nullptr.
  const probe::HttpsChain* find_https(std::string_view url) const;
};

// Serialise a recording as JSON (sorted, stable).
std::string to_json(const Recording& recording);
// Parse a recording; errors name the file and the byte offset or the key that is wrong.
core::Result<Recording> parse_recording(std::string_view text, const std::string& file);
// Read and parse a recording file.
core::Result<Recording> load_recording(const std::filesystem::path& path);

namespace detail {
// The two readers parse_recording() uses (tests compare them): simdjson's, nullopt on anything
// it does not accept; nlohmann-json's, which gives the located error.
std::optional<Recording> parse_recording_fast(std::string_view text);
core::Result<Recording> parse_recording_located(std::string_view text, const std::string& file);
}  // namespace detail

}  // namespace audit
