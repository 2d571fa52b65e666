// One libcurl easy handle per attempt. The write callback appends to the body and aborts past
// max_bytes (Content-Length is checked too, so an announced oversize never starts); the header
// callback keeps ETag, Last-Modified and Content-Type of the last response (a redirect starts a
// new header block). A stall is CURLOPT_LOW_SPEED_LIMIT = 1 byte/s over stall_timeout_ms.
// Transient outcomes (timeouts, unreachable, 429, 5xx) are retried after a backoff that doubles;
// others (4xx, TLS, too large) are final. libcurl's global init runs once, on first use.
#include "probe/fetch.hpp"

#include "core/text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>

namespace probe {

namespace {

bool curl_started() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

struct Transfer {
  const FetchOptions* options = nullptr;
  FetchResult* result = nullptr;
  bool oversize = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->result->body.size() + n > t->options->max_bytes) {
    t->oversize = true;
    return 0;  // makes libcurl fail with CURLE_WRITE_ERROR
  }
  t->result->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {  // a new response (after a redirect or a 100 Continue)
    t->result->etag.clear();
    t->result->last_modified.clear();
    t->result->content_type.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string name = core::to_lower(core::trim(line.substr(0, colon)));
  const std::string value(core::trim(line.substr(colon + 1)));
  if (name == "etag")
    t->result->etag = value;
  else if (name == "last-modified")
    t->result->last_modified = value;
  else if (name == "content-type")
    t->result->content_type = value;
  return n;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->options->progress && now > 0) {
    t->options->progress(static_cast<std::uint64_t>(now), static_cast<std::uint64_t>(std::max<curl_off_t>(total, 0)));
  }
  return 0;
}

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using Headers = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

FetchStatus status_of(CURLcode code, bool oversize) {
  if (oversize) return FetchStatus::too_large;
  switch (code) {
    case CURLE_OK:
      return FetchStatus::ok;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchStatus::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return FetchStatus::unreachable;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
      return FetchStatus::tls_error;
    case CURLE_FILESIZE_EXCEEDED:
      return FetchStatus::too_large;
    default:
      return FetchStatus::error;
  }
}

// Set every option of one attempt; false (with detail) when libcurl refuses one.
bool configure(CURL* easy, const std::string& url, const FetchOptions& o, Transfer& t, curl_slist* headers,
               char* error_buffer) {
  const long stall_s = std::max(1L, static_cast<long>((o.stall_timeout_ms + 999) / 1000));
  const bool https = url.starts_with("https://");
  bool ok = true;
  auto set = [&](CURLoption option, auto value) { ok = ok && curl_easy_setopt(easy, option, value) == CURLE_OK; };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");  // never downgrade from https
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, 5L);
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!o.ca_file.empty()) set(CURLOPT_CAINFO, o.ca_file.c_str());
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout_ms));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_ms));
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, stall_s);
  set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(o.max_bytes));
  set(CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate when the server offers them
  set(CURLOPT_USERAGENT, o.user_agent.c_str());
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  set(CURLOPT_XFERINFOFUNCTION, on_progress);
  set(CURLOPT_XFERINFODATA, static_cast<void*>(&t));
  set(CURLOPT_NOPROGRESS, 0L);
  return ok;
}

FetchResult attempt(const std::string& url, const FetchOptions& o) {
  FetchResult r;
  Easy easy(curl_easy_init(), &curl_easy_cleanup);
  if (!curl_started() || !easy) {
    r.detail = "libcurl could not start";
    return r;
  }
  curl_slist* list = nullptr;
  if (!o.etag.empty()) list = curl_slist_append(list, ("If-None-Match: " + o.etag).c_str());
  if (!o.last_modified.empty()) list = curl_slist_append(list, ("If-Modified-Since: " + o.last_modified).c_str());
  Headers headers(list, &curl_slist_free_all);
  Transfer t{&o, &r, false};
  char error_buffer[CURL_ERROR_SIZE] = {};
  if (!configure(easy.get(), url, o, t, headers.get(), error_buffer)) {
    r.detail = fmt::format("cannot fetch '{}': not an http or https URL libcurl accepts", url);
    return r;
  }
  const CURLcode code = curl_easy_perform(easy.get());
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &r.http_status);
  if (char* effective = nullptr;
      curl_easy_getinfo(easy.get(), CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK && effective) {
    r.effective_url = effective;
  }
  r.status = status_of(code, t.oversize);
  if (r.status == FetchStatus::too_large) {
    r.detail = fmt::format("larger than the {} bytes allowed", o.max_bytes);
  } else if (r.status != FetchStatus::ok) {
    r.detail = *error_buffer != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(code));
  } else if (r.http_status == 304) {
    r.status = FetchStatus::not_modified;
  } else if (r.http_status < 200 || r.http_status >= 300) {
    r.status = FetchStatus::http_error;
    r.detail = fmt::format("HTTP status {}", r.http_status);
  }
  if (r.status != FetchStatus::ok) r.body.clear();
  return r;
}

}  // namespace

std::string_view to_string(FetchStatus status) {
  switch (status) {
    case FetchStatus::ok:
      return "ok";
    case FetchStatus::not_modified:
      return "not-modified";
    case FetchStatus::http_error:
      return "http-error";
    case FetchStatus::timeout:
      return "timeout";
    case FetchStatus::unreachable:
      return "unreachable";
    case FetchStatus::tls_error:
      return "tls-error";
    case FetchStatus::too_large:
      return "too-large";
    case FetchStatus::error:
      return "error";
  }
  return "error";
}

bool is_transient(const FetchResult& r) {
  switch (r.status) {
    case FetchStatus::timeout:
    case FetchStatus::unreachable:
      return true;
    case FetchStatus::http_error:
      return r.http_status == 429 || r.http_status >= 500;
    default:
      return false;
  }
}

FetchResult fetch(const std::string& url, const FetchOptions& options) {
  FetchResult r;
  int backoff = options.backoff_ms;
  for (int attempt_no = 0;; ++attempt_no) {
    r = attempt(url, options);
    r.attempts = attempt_no + 1;
    if (!is_transient(r) || attempt_no >= options.retries) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    backoff *= 2;
  }
}

}  // namespace probe
