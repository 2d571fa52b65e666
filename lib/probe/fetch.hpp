// probe::fetch: download one URL with libcurl, for `residency data update`: timeouts (connect,
// whole transfer, and a stall = no byte for a while), retries with exponential backoff on
// transient failures (timeouts, unreachable hosts, HTTP 429 and 5xx), conditional requests
// (If-None-Match / If-Modified-Since → not_modified), a size cap, TLS verification always on
// (an extra CA bundle with --ca-file), redirects within http/https, and a progress callback.
// Every outcome is data (FetchStatus), never an exception; no curl type leaves this module.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace probe {

enum class FetchStatus {
  ok,            // 2xx, body complete
  not_modified,  // 304 to a conditional request
  http_error,    // another HTTP status (detail names it)
  timeout,       // connect, stall or whole-transfer timeout
  unreachable,   // name not resolved, connection refused or reset
  tls_error,     // certificate not trusted, host name mismatch, handshake failure
  too_large,     // more than max_bytes
  error,         // anything else (bad URL, protocol not allowed, …)
};

// Return the spelling used in messages ("ok", "not-modified", "http-error", …).
std::string_view to_string(FetchStatus status);

struct FetchOptions {
  int connect_timeout_ms = 10'000;
  int timeout_ms = 300'000;       // the whole transfer, per attempt
  int stall_timeout_ms = 30'000;  // give up when no byte arrives for this long (1 s granularity)
  int retries = 2;                // extra attempts after a transient failure
  int backoff_ms = 1'000;         // wait before the first retry; doubled before each later one
  std::uint64_t max_bytes = 256ull << 20;
  std::string ca_file;        // PEM bundle to trust instead of the system's; empty: the system's
  std::string etag;           // sent as If-None-Match when not empty
  std::string last_modified;  // sent as If-Modified-Since when not empty (the server's own text)
  std::string user_agent = "residency";
  // Called as bytes arrive: (received, expected total or 0 when unknown).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct FetchResult {
  FetchStatus status = FetchStatus::error;
  long http_status = 0;
  std::string body;
  std::string etag;  // response validators, for the next conditional request
  std::string last_modified;
  std::string content_type;
  std::string effective_url;  // after redirects
  std::string detail;         // what went wrong, in words (empty when ok)
  int attempts = 0;

  bool ok() const { return status == FetchStatus::ok; }
};

// Fetch `url` (http or https). Blocks until done, retrying transient failures as configured.
FetchResult fetch(const std::string& url, const FetchOptions& options);

// True when `status` is worth retrying (timeouts, unreachable, HTTP 429 and 5xx).
bool is_transient(const FetchResult& result);

}  // namespace probe
