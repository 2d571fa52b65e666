// probe::fetch against a real nginx on 127.0.0.1 serving HTTPS with a test CA made by openssl:
// a good download (body, validators, progress), conditional requests, TLS verification, HTTP
// errors with and without retries, the size cap, a stalled server and a refused connection.
#include "probe/fetch.hpp"

#include "core/atomic_file.hpp"
#include "fakes/nginx_server.hpp"
#include "fakes/nsd_server.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>

namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("fetch-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "www");
  return dir;
}

// One nginx for the whole file: /feed.json, /big.bin, /error500, /gone (404), /stall (a
// proxy to a listener that never answers).
struct Server {
  fs::path dir = scratch("server");
  fakes::SilentListener silent = *fakes::SilentListener::open("127.0.0.1");
  fakes::FolderServer nginx = start();

  fakes::FolderServer start() {
    REQUIRE(core::write_file_atomic(dir / "www" / "feed.json", R"({"syncToken": "1", "prefixes": []})"));
    REQUIRE(core::write_file_atomic(dir / "www" / "big.bin", std::string(200000, 'x')));
    fakes::FolderOptions o;
    o.root = dir / "www";
    o.server_config = fmt::format(
        "    location = /error500 {{ return 500; }}\n"
        "    location = /stall {{ proxy_pass http://127.0.0.1:{}; proxy_read_timeout 60s; }}\n",
        silent.port());
    auto server = fakes::FolderServer::start(dir / "nginx", o);
    INFO((server ? std::string() : server.error().to_string()));
    REQUIRE(server);
    return std::move(*server);
  }
  std::string url(const std::string& path) const { return nginx.base_url() + path; }
  probe::FetchOptions options() const {
    probe::FetchOptions o;
    o.ca_file = nginx.ca_file().string();
    o.backoff_ms = 10;
    o.connect_timeout_ms = 2000;
    return o;
  }
};

Server& server() {
  static Server s;
  return s;
}

}  // namespace

TEST_CASE("probe::fetch: a file over HTTPS with validators and progress", "[probe][fetch]") {
  auto& s = server();
  auto o = s.options();
  std::uint64_t last = 0;
  o.progress = [&](std::uint64_t received, std::uint64_t) { last = received; };
  auto r = probe::fetch(s.url("feed.json"), o);
  INFO(r.detail);
  REQUIRE(r.ok());
  CHECK(r.http_status == 200);
  CHECK(r.body == R"({"syncToken": "1", "prefixes": []})");
  CHECK_FALSE(r.etag.empty());
  CHECK_FALSE(r.last_modified.empty());
  CHECK(r.content_type == "application/json");
  CHECK(r.attempts == 1);
  CHECK(last == r.body.size());

  // The same validators give 304 Not Modified, with an empty body.
  auto again = s.options();
  again.etag = r.etag;
  auto same = probe::fetch(s.url("feed.json"), again);
  CHECK(same.status == probe::FetchStatus::not_modified);
  CHECK(same.body.empty());
  auto since = s.options();
  since.last_modified = r.last_modified;
  CHECK(probe::fetch(s.url("feed.json"), since).status == probe::FetchStatus::not_modified);
}

TEST_CASE("probe::fetch: TLS is verified: an unknown CA is refused", "[probe][fetch]") {
  auto& s = server();
  auto o = s.options();
  o.ca_file.clear();  // the system's CAs do not know the test CA
  auto r = probe::fetch(s.url("feed.json"), o);
  CHECK(r.status == probe::FetchStatus::tls_error);
  CHECK(r.body.empty());
  CHECK(r.attempts == 1);  // not transient: no retry
  CHECK_FALSE(r.detail.empty());
}

TEST_CASE("probe::fetch: HTTP errors: 404 is final, 500 is retried with backoff", "[probe][fetch]") {
  auto& s = server();
  auto gone = probe::fetch(s.url("gone"), s.options());
  CHECK(gone.status == probe::FetchStatus::http_error);
  CHECK(gone.http_status == 404);
  CHECK(gone.attempts == 1);
  CHECK(gone.detail == "HTTP status 404");

  auto o = s.options();
  o.retries = 2;
  o.backoff_ms = 100;
  const auto start = std::chrono::steady_clock::now();
  auto error = probe::fetch(s.url("error500"), o);
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(error.status == probe::FetchStatus::http_error);
  CHECK(error.http_status == 500);
  CHECK(error.attempts == 3);
  CHECK(waited >= std::chrono::milliseconds(300));  // 100 ms, then 200 ms
  CHECK(probe::is_transient(error));
}

TEST_CASE("probe::fetch: the size cap stops a download", "[probe][fetch]") {
  auto& s = server();
  auto o = s.options();
  o.max_bytes = 1000;
  auto r = probe::fetch(s.url("big.bin"), o);
  CHECK(r.status == probe::FetchStatus::too_large);
  CHECK(r.body.empty());
  CHECK(r.detail == "larger than the 1000 bytes allowed");
  o.max_bytes = 200000;
  CHECK(probe::fetch(s.url("big.bin"), o).ok());
}

TEST_CASE("probe::fetch: a stalled server times out, a closed port is unreachable", "[probe][fetch]") {
  auto& s = server();
  auto o = s.options();
  o.stall_timeout_ms = 1000;
  o.retries = 0;
  const auto start = std::chrono::steady_clock::now();
  auto stalled = probe::fetch(s.url("stall"), o);
  CHECK(stalled.status == probe::FetchStatus::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));

  auto port = fakes::free_port();
  REQUIRE(port);
  auto closed = probe::fetch(fmt::format("https://127.0.0.1:{}/x", *port), o);
  CHECK(closed.status == probe::FetchStatus::unreachable);
  auto bad = probe::fetch("ftp://127.0.0.1/x", o);
  CHECK(bad.status == probe::FetchStatus::error);
}
