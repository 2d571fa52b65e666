// The libcurl event loop. libcurl reports the sockets it wants watched through
// CURLMOPT_SOCKETFUNCTION and when it next needs a kick through CURLMOPT_TIMERFUNCTION; we poll()
// those sockets and hand ready ones (or an expired timer) to curl_multi_socket_action, then read
// finished transfers with curl_multi_info_read. Jobs wait in a FIFO until a slot is free (at most
// `concurrency` in flight); a HEAD refused with 405/501 goes back in the queue as a GET.
// Every transfer is pinned: CURLOPT_CONNECT_TO sends it to the vetted address, and the
// open-socket callback refuses any other, so libcurl cannot be talked into connecting elsewhere.
// No proxy, no redirects, no TLS session reuse, no connection reuse: each address gets its own
// handshake, and what it shows is what that address presented.
#include "probe/http_loop.hpp"

#include "core/text.hpp"
#include "probe/curl_global.hpp"
#include "probe/http_tls.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <map>
#include <optional>

namespace probe {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_max_header_value = 8192;

struct Transfer {
  HttpJob job;
  bool get = false;
  const HttpsOptions* options = nullptr;
  CURL* easy = nullptr;
  curl_slist* connect_to = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};
  tls::Capture tls;
  std::vector<HttpHeader> headers;
  std::size_t header_bytes = 0;
  bool truncated = false;
  std::size_t body_bytes = 0;
  bool body_capped = false;
  bool wrong_address = false;  // libcurl tried to open a socket to an address that is not the pinned one

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (connect_to != nullptr) curl_slist_free_all(connect_to);
  }
};

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) {  // a new response (after 1xx): its headers replace the last ones
    t->headers.clear();
    t->header_bytes = 0;
    t->truncated = false;
    return len;
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const auto colon = line.find(':');
  if (line.empty() || colon == std::string_view::npos || colon == 0) return len;
  if (t->header_bytes + line.size() > t->options->max_header_bytes) {
    t->truncated = true;  // keep reading (the response still counts), stop storing
    return len;
  }
  t->header_bytes += line.size();
  t->headers.push_back({core::to_lower(core::printable(core::trim(line.substr(0, colon)), 256)),
                        core::printable(core::trim(line.substr(colon + 1)), k_max_header_value)});
  return len;
}

std::size_t on_body(char* /*data*/, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->body_bytes += size * n;
  if (t->body_bytes > t->options->max_body_bytes) {
    t->body_capped = true;
    return 0;  // enough: the transfer ends here (CURLE_WRITE_ERROR, read as a complete probe)
  }
  return size * n;
}

bool is_pinned(const curl_sockaddr* addr, const core::IpAddress& ip, std::uint16_t port) {
  if (addr->family == AF_INET && ip.family == core::IpFamily::v4) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&addr->addr);
    return ntohs(sin->sin_port) == port && std::memcmp(&sin->sin_addr, ip.bytes.data(), 4) == 0;
  }
  if (addr->family == AF_INET6 && ip.family == core::IpFamily::v6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&addr->addr);
    return ntohs(sin6->sin6_port) == port && std::memcmp(&sin6->sin6_addr, ip.bytes.data(), 16) == 0;
  }
  return false;
}

curl_socket_t on_open_socket(void* user, curlsocktype purpose, curl_sockaddr* addr) {
  auto* t = static_cast<Transfer*>(user);
  if (purpose != CURLSOCKTYPE_IPCXN || !is_pinned(addr, t->job.connect_ip, t->job.connect_port)) {
    t->wrong_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

CURLcode on_ssl_ctx(CURL* /*easy*/, void* ssl_ctx, void* user) {
  tls::install(ssl_ctx, &static_cast<Transfer*>(user)->tls);
  return CURLE_OK;
}

std::string http_version_text(long v) {
  switch (v) {
    case CURL_HTTP_VERSION_1_0:
      return "HTTP/1.0";
    case CURL_HTTP_VERSION_1_1:
      return "HTTP/1.1";
    case CURL_HTTP_VERSION_2_0:
      return "HTTP/2";
    case CURL_HTTP_VERSION_3:
      return "HTTP/3";
    default:
      return {};
  }
}

std::int64_t info_us(CURL* easy, CURLINFO what) {
  curl_off_t v = 0;
  curl_easy_getinfo(easy, what, &v);
  return static_cast<std::int64_t>(v);
}

std::string curl_text(const Transfer& t, CURLcode rc) {
  return core::printable(t.errbuf[0] != '\0' ? std::string_view(t.errbuf) : std::string_view(curl_easy_strerror(rc)),
                         512);
}

// Say which phase ran out of time.
std::string timeout_text(const Transfer& t, const HttpsEndpoint& e) {
  const HttpsOptions& o = *t.options;
  if (e.timings.connect_us == 0) return fmt::format("no TCP connection within {} ms", o.connect_timeout_ms);
  if (t.job.tls && !t.tls.handshake_done)
    return fmt::format("TLS handshake not finished within {} ms", o.connect_timeout_ms);
  return fmt::format("no HTTP response within {} ms after the {}", o.timeout_ms,
                     t.job.tls ? "TLS handshake" : "connection");
}

void set_outcome(Transfer& t, CURLcode rc, HttpsEndpoint& e) {
  if (t.wrong_address) {
    e.status = HttpsStatus::refused;
    e.detail = "libcurl tried to connect to an address other than the one probed; the connection was refused";
    return;
  }
  switch (rc) {
    case CURLE_OK:
      e.status = HttpsStatus::ok;
      return;
    case CURLE_WRITE_ERROR:
      if (t.body_capped) {
        e.status = HttpsStatus::ok;
        return;
      }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      e.status = HttpsStatus::timeout;
      e.detail = timeout_text(t, e);
      return;
    case CURLE_COULDNT_CONNECT:
      e.status = HttpsStatus::unreachable;
      e.detail = curl_text(t, rc);
      return;
    case CURLE_PEER_FAILED_VERIFICATION:
      e.status = HttpsStatus::verify_failed;
      e.verify_code = t.tls.verify_error != 0 ? tls::verify_code(t.tls.verify_error) : "name-mismatch";
      e.verify_error = t.tls.verify_error != 0 ? core::printable(t.tls.verify_text, 512) : curl_text(t, rc);
      e.detail = "TLS verification failed: " + e.verify_error;
      return;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
      e.status = HttpsStatus::tls_error;
      e.detail = curl_text(t, rc);
      return;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      e.status = HttpsStatus::invalid;
      e.detail = curl_text(t, rc);
      return;
    default:
      break;
  }
  e.status = HttpsStatus::http_error;
  e.detail = t.truncated ? fmt::format("response headers exceeded {} bytes and the response was abandoned ({})",
                                       t.options->max_header_bytes, curl_text(t, rc))
                         : "the HTTP response could not be read: " + curl_text(t, rc);
}

void read_result(Transfer& t, CURLcode rc) {
  HttpsEndpoint& e = *t.job.out;
  CURL* easy = t.easy;
  e.method = t.get ? "GET" : "HEAD";
  e.timings = {info_us(easy, CURLINFO_CONNECT_TIME_T), info_us(easy, CURLINFO_APPCONNECT_TIME_T),
               info_us(easy, CURLINFO_STARTTRANSFER_TIME_T), info_us(easy, CURLINFO_TOTAL_TIME_T)};
  long code = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
  e.status_code = static_cast<int>(code);
  long version = 0;
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  e.http_version = code != 0 ? http_version_text(version) : std::string();
  char* redirect = nullptr;
  curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &redirect);
  e.redirect = redirect != nullptr && code >= 300 && code < 400 ? core::printable(redirect, 2048) : std::string();
  e.tls_version = t.tls.version;
  e.tls_cipher = t.tls.cipher;
  e.chain = std::move(t.tls.chain);
  e.headers = std::move(t.headers);
  e.headers_truncated = t.truncated;
  e.verified = false;
  e.verify_error.clear();
  e.verify_code.clear();
  e.detail.clear();
  set_outcome(t, rc, e);
  e.verified = t.job.tls && t.tls.handshake_done && t.tls.verify_error == 0 && e.status != HttpsStatus::verify_failed &&
               e.status != HttpsStatus::refused;
  if (e.status == HttpsStatus::ok && e.headers_truncated) {
    e.detail = fmt::format("response headers exceeded {} bytes; the rest were not kept", t.options->max_header_bytes);
  }
}

}  // namespace

struct HttpLoop::Impl {
  CURLM* multi = nullptr;
  HttpsOptions options;
  bool capture_tls = false;
  std::map<curl_socket_t, int> sockets;  // socket → CURL_POLL_IN/OUT/INOUT
  std::optional<Clock::time_point> deadline;
  std::deque<std::unique_ptr<Transfer>> queue;
  std::map<CURL*, std::unique_ptr<Transfer>> running;
  std::size_t done = 0;
  std::size_t total = 0;

  ~Impl() {
    running.clear();  // easy handles first (curl_multi_remove_handle happened at completion)
    if (multi != nullptr) curl_multi_cleanup(multi);
  }

  static int on_socket(CURL* /*easy*/, curl_socket_t s, int what, void* user, void* /*socketp*/) {
    auto* impl = static_cast<Impl*>(user);
    if (what == CURL_POLL_REMOVE)
      impl->sockets.erase(s);
    else
      impl->sockets[s] = what;
    return 0;
  }

  static int on_timer(CURLM* /*multi*/, long timeout_ms, void* user) {
    auto* impl = static_cast<Impl*>(user);
    if (timeout_ms < 0)
      impl->deadline.reset();
    else
      impl->deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    return 0;
  }

  bool setup(Transfer& t);
  void start(std::unique_ptr<Transfer> t);
  void fill();
  void wait_and_act();
  void collect(const HttpsProgress& progress);
};

bool HttpLoop::Impl::setup(Transfer& t) {
  t.options = &options;
  t.easy = curl_easy_init();
  if (t.easy == nullptr) return false;
  CURL* e = t.easy;
  const HttpJob& job = t.job;
  // Empty host and port: the rule applies to whatever libcurl would connect to.
  t.connect_to =
      curl_slist_append(nullptr, fmt::format("::{}", format_endpoint(job.connect_ip, job.connect_port)).c_str());
  curl_easy_setopt(e, CURLOPT_URL, job.url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, job.tls ? "https" : "http");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROXY, "");  // no proxy from the environment: the pinned address is the address
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e, CURLOPT_CONNECT_TO, t.connect_to);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_ms));
  curl_easy_setopt(e, CURLOPT_NOBODY, t.get ? 0L : 1L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  if (capture_tls && job.tls) {
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &on_ssl_ctx);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, &t);
  }
  return true;
}

void HttpLoop::Impl::start(std::unique_ptr<Transfer> t) {
  if (!setup(*t)) {
    t->job.out->status = HttpsStatus::http_error;
    t->job.out->detail = "libcurl could not create a transfer";
    ++done;
    return;
  }
  CURL* easy = t->easy;
  running.emplace(easy, std::move(t));
  curl_multi_add_handle(multi, easy);
}

void HttpLoop::Impl::fill() {
  while (running.size() < static_cast<std::size_t>(options.concurrency) && !queue.empty()) {
    auto t = std::move(queue.front());
    queue.pop_front();
    start(std::move(t));
  }
}

void HttpLoop::Impl::wait_and_act() {
  std::vector<pollfd> fds;
  fds.reserve(sockets.size());
  for (const auto& [s, what] : sockets) {
    const short events =
        static_cast<short>(((what & CURL_POLL_IN) != 0 ? POLLIN : 0) | ((what & CURL_POLL_OUT) != 0 ? POLLOUT : 0));
    fds.push_back({s, events, 0});
  }
  int wait = 1000;  // libcurl always sets a timer while transfers run; this only bounds a lost one
  if (deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
    wait = static_cast<int>(std::clamp<long long>(left, 0, 1000));
  }
  const int ready = ::poll(fds.data(), fds.size(), wait);
  int still = 0;
  if (ready > 0) {
    for (const pollfd& p : fds) {
      if (p.revents == 0) continue;
      int ev = 0;
      if ((p.revents & POLLIN) != 0) ev |= CURL_CSELECT_IN;
      if ((p.revents & POLLOUT) != 0) ev |= CURL_CSELECT_OUT;
      if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) ev |= CURL_CSELECT_ERR;
      curl_multi_socket_action(multi, p.fd, ev, &still);
    }
  }
  if (deadline && Clock::now() >= *deadline) {
    deadline.reset();
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still);
  }
}

void HttpLoop::Impl::collect(const HttpsProgress& progress) {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode rc = msg->data.result;
    curl_multi_remove_handle(multi, easy);
    auto it = running.find(easy);
    if (it == running.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    running.erase(it);
    read_result(*t, rc);
    const HttpsEndpoint& out = *t->job.out;
    if (!t->get && out.status == HttpsStatus::ok && (out.status_code == 405 || out.status_code == 501)) {
      auto again = std::make_unique<Transfer>();  // HEAD refused: ask again with GET (body capped)
      again->job = t->job;
      again->get = true;
      queue.push_front(std::move(again));
      continue;
    }
    ++done;
    if (progress) progress(done, total);
  }
}

HttpLoop::HttpLoop(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HttpLoop::~HttpLoop() = default;

void HttpLoop::run(std::vector<HttpJob> jobs, const HttpsProgress& progress) {
  Impl& impl = *m_impl;
  impl.total += jobs.size();
  for (auto& job : jobs) {
    auto t = std::make_unique<Transfer>();
    t->job = std::move(job);
    impl.queue.push_back(std::move(t));
  }
  while (true) {
    impl.fill();
    if (impl.running.empty() && impl.queue.empty()) break;
    impl.wait_and_act();
    impl.collect(progress);
  }
}

core::Result<std::unique_ptr<HttpLoop>> HttpLoop::create(const HttpsOptions& options) {
  if (!curl_ready()) return core::fail(core::ErrorCode::internal, "cannot initialise libcurl");
  if (options.concurrency <= 0 || options.connect_timeout_ms <= 0 || options.timeout_ms <= 0) {
    return core::fail(core::ErrorCode::usage, "HTTPS options: concurrency and timeouts must be positive");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->capture_tls = tls::backend_is_openssl();
  impl->multi = curl_multi_init();
  if (impl->multi == nullptr) return core::fail(core::ErrorCode::internal, "cannot create a libcurl multi handle");
  curl_multi_setopt(impl->multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
  curl_multi_setopt(impl->multi, CURLMOPT_SOCKETDATA, impl.get());
  curl_multi_setopt(impl->multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
  curl_multi_setopt(impl->multi, CURLMOPT_TIMERDATA, impl.get());
  curl_multi_setopt(impl->multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_NOTHING));
  return std::unique_ptr<HttpLoop>(new HttpLoop(std::move(impl)));
}

}  // namespace probe
