// probe::HttpLoop (internal): the one event loop that keeps HTTPS transfers in flight with
// libcurl's multi interface. No libcurl type appears here; handles live in the implementation.
#pragma once

#include "core/error.hpp"
#include "probe/http.hpp"

#include <memory>
#include <string>
#include <vector>

namespace probe {

// One transfer: fetch `url` with the socket pinned to connect_ip:connect_port, writing the
// outcome into `*out` (whose address, port, connected_to and time the caller has set).
struct HttpJob {
  std::string url;
  std::string host;  // the URL's host (Host header and SNI)
  std::uint16_t port = 443;
  bool tls = true;
  core::IpAddress connect_ip;
  std::uint16_t connect_port = 443;
  HttpsEndpoint* out = nullptr;
};

class HttpLoop {
 public:
  // Set up the multi handle; fails when libcurl cannot start or the options are unusable.
  static core::Result<std::unique_ptr<HttpLoop>> create(const HttpsOptions& options);
  ~HttpLoop();
  HttpLoop(const HttpLoop&) = delete;
  HttpLoop& operator=(const HttpLoop&) = delete;

  // Run every job to completion (a HEAD refused with 405 or 501 is sent again as a GET).
  void run(std::vector<HttpJob> jobs, const HttpsProgress& progress);

  struct Impl;

 private:
  explicit HttpLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace probe
