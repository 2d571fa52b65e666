// Target values: host names and mail domains are checked with core::check_host_name (IDN names
// are kept as written; the probe converts them), URLs are split with core::parse_url to keep the
// host, IP addresses are parsed with core::parse_ip and their host is the canonical form.
#include "inventory/target_value.hpp"

#include "core/ip.hpp"
#include "core/url.hpp"

#include <fmt/format.h>

namespace inventory {

core::TargetKind infer_kind(std::string_view value) {
  if (core::parse_ip(value)) return core::TargetKind::ip;
  if (value.find("://") != std::string_view::npos) return core::TargetKind::url;
  return core::TargetKind::host;
}

namespace {

struct Checked {
  std::string value;  // what is kept: a URL without its userinfo
  std::string host;
  bool credentials_dropped = false;
};

core::Result<Checked> host_of(core::TargetKind kind, std::string_view value) {
  switch (kind) {
    case core::TargetKind::url: {
      auto url = core::parse_url(value);
      if (!url) return std::unexpected(url.error());
      return Checked{url->text, url->host, url->had_userinfo};
    }
    case core::TargetKind::ip: {
      auto ip = core::parse_ip(value);
      if (!ip) {
        return core::fail(core::ErrorCode::config,
                          fmt::format("'{}' is not an IP address; expected IPv4 or IPv6 such as 192.0.2.10", value));
      }
      return Checked{std::string(value), core::format_ip(*ip)};
    }
    default: {
      if (core::parse_ip(value)) {
        return core::fail(core::ErrorCode::config,
                          fmt::format("'{}' is an IP address; expected a DNS name (declare it with ip:)", value));
      }
      if (value.find("://") != std::string_view::npos) {
        return core::fail(core::ErrorCode::config,
                          fmt::format("'{}' is a URL; expected a DNS name (declare it with url:)", value));
      }
      if (auto ok = core::check_host_name(value); !ok) return std::unexpected(ok.error());
      return Checked{std::string(value), std::string(value)};
    }
  }
}

}  // namespace

core::Result<void> set_target_value(core::Target& target, core::TargetKind kind, std::string_view value) {
  auto checked = host_of(kind, value);
  if (!checked) return std::unexpected(checked.error());
  target.kind = kind;
  target.value = std::move(checked->value);
  target.host = std::move(checked->host);
  target.credentials_dropped = checked->credentials_dropped;
  if (target.id.empty()) target.id = target.value;
  return {};
}

}  // namespace inventory
