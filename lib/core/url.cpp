// URL splitting and host-name checks for targets. The parser walks the text once: scheme up to
// "://", authority up to the first '/', '?' or '#', userinfo before the last '@' of the
// authority, then a bracketed IPv6 literal or a host name, then an optional decimal port. Every
// part is checked; IP literals go through core::parse_ip.
#include "core/url.hpp"

#include "core/ip.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

namespace core {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `text` with the userinfo of its authority masked, so an error never shows a password.
std::string without_password(std::string_view text) {
  const auto start = text.find("://");
  if (start == std::string_view::npos) return std::string(text);
  const auto end = text.find_first_of("/?#", start + 3);
  const auto at = text.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return fmt::format("{}***{}", text.substr(0, start + 3), text.substr(at));
}

std::unexpected<Error> bad_url(std::string_view text, std::string_view what) {
  return fail(ErrorCode::config, fmt::format("invalid URL '{}': {}", without_password(text), what));
}

// Parse "scheme:" and return its length (without "://"), or 0 when there is none.
std::size_t scheme_length(std::string_view text) {
  auto pos = text.find("://");
  if (pos == std::string_view::npos || pos == 0 || !is_alpha(text[0])) return 0;
  for (std::size_t i = 1; i < pos; ++i) {
    const char c = text[i];
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return pos;
}

Result<int> parse_port(std::string_view text, std::string_view port) {
  if (port.empty() || port.size() > 5) return bad_url(text, "expected a port number 1-65535 after ':'");
  int value = 0;
  for (char c : port) {
    if (!is_digit(c)) return bad_url(text, fmt::format("port '{}' is not a number; expected 1-65535", port));
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return bad_url(text, fmt::format("port {} is out of range; expected 1-65535", value));
  return value;
}

// Split "host[:port]" or "[v6][:port]" into `url`.
Result<void> parse_host_port(std::string_view text, std::string_view hostport, Url& url) {
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return bad_url(text, "missing ']' after the IPv6 address");
    const std::string_view literal = hostport.substr(1, close - 1);
    auto ip = parse_ip(literal);
    if (!ip || ip->family != IpFamily::v6) {
      return bad_url(text, fmt::format("'{}' is not an IPv6 address; expected [IPv6] in brackets", literal));
    }
    url.host = std::string(literal);
    url.host_is_ip = true;
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad_url(text, "expected ':' or the end of the host after ']'");
    if (!after.empty()) port = after.substr(1);
    else return {};
  } else {
    const auto colon = hostport.find(':');
    if (colon != std::string_view::npos && hostport.find(':', colon + 1) != std::string_view::npos) {
      return bad_url(text, "an IPv6 address must be written in brackets, e.g. https://[2001:db8::1]/");
    }
    url.host = std::string(hostport.substr(0, colon));
    if (url.host.empty()) return bad_url(text, "empty host; expected scheme://host/…");
    if (parse_ip(url.host)) {
      url.host_is_ip = true;
    } else if (auto ok = check_host_name(url.host); !ok) {
      return bad_url(text, ok.error().message);
    }
    if (colon == std::string_view::npos) return {};
    port = hostport.substr(colon + 1);
  }
  auto value = parse_port(text, port);
  if (!value) return std::unexpected(value.error());
  url.port = *value;
  return {};
}

}  // namespace

Result<Url> parse_url(std::string_view text) {
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f) return bad_url(text, "contains white space or a control character");
  }
  const std::size_t scheme_len = scheme_length(text);
  if (scheme_len == 0) return bad_url(text, "missing scheme; expected scheme://host[:port]/path");
  Url url;
  url.scheme = to_lower(text.substr(0, scheme_len));
  std::string_view after = text.substr(scheme_len + 3);
  const auto end = after.find_first_of("/?#");
  std::string_view authority = after.substr(0, end);
  url.rest = end == std::string_view::npos ? std::string() : std::string(after.substr(end));
  const auto at = authority.rfind('@');
  url.text = std::string(text);
  if (at != std::string_view::npos) {
    url.had_userinfo = true;
    url.text = std::string(text.substr(0, scheme_len + 3)) + std::string(after.substr(at + 1));
    authority = authority.substr(at + 1);
  }
  if (authority.empty()) return bad_url(text, "empty host; expected scheme://host[:port]/path");
  if (auto ok = parse_host_port(text, authority, url); !ok) return std::unexpected(ok.error());
  return url;
}

std::string credentials_dropped_warning(std::string_view where, std::string_view url_without_userinfo) {
  return fmt::format(
      "{}{}{}: the user name and password in the URL were dropped (credentials are never stored, "
      "probed with or reported)",
      where, where.empty() ? "" : ": ", url_without_userinfo);
}

Result<void> check_host_name(std::string_view name) {
  auto bad = [&](std::string what) {
    return fail(ErrorCode::config, fmt::format("invalid host name '{}': {}", name, what));
  };
  if (name.empty()) return bad("it is empty; expected a DNS name such as example.fr");
  if (!valid_utf8(name)) {
    return fail(
        ErrorCode::config,
        "invalid host name: it is not valid UTF-8 (Latin-1 or binary bytes?); expected a UTF-8 or ASCII DNS name");
  }
  if (name.size() > 254 || (name.size() == 254 && name.back() != '.')) return bad("longer than 253 characters");
  std::string_view body = name.back() == '.' ? name.substr(0, name.size() - 1) : name;
  for (std::string_view label : split(body, '.')) {
    if (label.empty()) return bad("empty label; expected labels separated by single dots");
    if (label.size() > 63) return bad(fmt::format("label '{}' is longer than 63 characters", label));
    for (unsigned char c : label) {
      const char ch = static_cast<char>(c);
      if (c >= 0x80 || is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '_') continue;
      const std::string shown = c > 0x20 && c < 0x7f ? std::string(1, ch) : fmt::format("\\x{:02x}", c);
      return bad(fmt::format("character '{}' is not allowed; expected letters, digits, '-' and '.'", shown));
    }
  }
  return {};
}

}  // namespace core
