// probe::QueryLoop (internal): the one event loop that keeps DNS queries in flight with c-ares.
// No c-ares type appears here; the channel lives in the implementation.
#pragma once

#include "core/error.hpp"
#include "probe/dns.hpp"
#include "probe/dns_wire.hpp"

#include <functional>
#include <memory>
#include <string>

namespace probe {

// The outcome of one query. With a parsed answer, `status` follows its rcode (ok, nxdomain,
// servfail, refused); without one, it says what went wrong (timeout with "unreachable", …).
struct QueryResult {
  bool has_message = false;
  wire::Message message;
  DnsStatus status = DnsStatus::timeout;
  std::string detail;
};

using QueryHandler = std::function<void(QueryResult&&)>;

class QueryLoop {
 public:
  // Set up the c-ares channel: servers, timeout, retries, socket buffer.
  static core::Result<std::unique_ptr<QueryLoop>> create(const DnsOptions& options);
  ~QueryLoop();
  QueryLoop(const QueryLoop&) = delete;
  QueryLoop& operator=(const QueryLoop&) = delete;

  // Queue a query (class IN); `handler` runs from inside run(), once.
  void submit(std::string qname, std::uint16_t type, QueryHandler handler);
  // Run until nothing is queued or in flight and `refill` (asked whenever there is room for
  // more work) returns false.
  void run(const std::function<bool()>& refill);
  // The servers asked, e.g. "127.0.0.1:5353,[::1]:53".
  const std::string& resolver() const;
  // Queries sent so far.
  std::size_t queries_sent() const;

  struct Impl;

 private:
  explicit QueryLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace probe
