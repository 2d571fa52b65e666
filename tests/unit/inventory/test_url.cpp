#include "core/url.hpp"
#include "inventory/target_value.hpp"

#include <catch2/catch.hpp>

using namespace core;

TEST_CASE("core::parse_url: host / port / userinfo dropped / the rest", "[inventory]") {
  auto u = parse_url("HTTPS://user:pw@Portal.Example.fr:8443/a/b?q=1#f");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->had_userinfo);
  CHECK(u->text == "HTTPS://Portal.Example.fr:8443/a/b?q=1#f");  // credentials are never kept
  CHECK(u->host == "Portal.Example.fr");
  CHECK(u->port == 8443);
  CHECK(u->rest == "/a/b?q=1#f");
  CHECK_FALSE(u->host_is_ip);

  auto plain = parse_url("http://example.fr");
  REQUIRE(plain);
  CHECK(plain->host == "example.fr");
  CHECK(plain->port == 0);
  CHECK(plain->rest.empty());

  auto query = parse_url("https://example.fr?x=@y");  // '@' after the authority is not userinfo
  REQUIRE(query);
  CHECK(query->host == "example.fr");
  CHECK_FALSE(query->had_userinfo);
  CHECK(query->text == "https://example.fr?x=@y");

  auto bad = parse_url("https://deploy:hunter2@host:99999/");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("hunter2") == std::string::npos);  // not even in an error
}

TEST_CASE("core::parse_url: IP literals / IPv6 in brackets", "[inventory]") {
  auto v6 = parse_url("https://[2001:db8::1]:443/x");
  REQUIRE(v6);
  CHECK(v6->host == "2001:db8::1");
  CHECK(v6->port == 443);
  CHECK(v6->host_is_ip);
  auto v6_bare = parse_url("https://[::1]");
  REQUIRE(v6_bare);
  CHECK(v6_bare->host == "::1");
  auto v4 = parse_url("http://192.0.2.1:8080");
  REQUIRE(v4);
  CHECK(v4->host == "192.0.2.1");
  CHECK(v4->host_is_ip);
  CHECK(parse_url("https://bücher.example.de/")->host == "bücher.example.de");
}

TEST_CASE("core::parse_url: malformed URLs say what was expected", "[inventory]") {
  auto message = [](std::string_view text) {
    auto u = parse_url(text);
    REQUIRE_FALSE(u);
    return u.error().message;
  };
  CHECK(message("example.fr/x") == "invalid URL 'example.fr/x': missing scheme; expected scheme://host[:port]/path");
  CHECK(message("1http://x") == "invalid URL '1http://x': missing scheme; expected scheme://host[:port]/path");
  CHECK(message("https://") == "invalid URL 'https://': empty host; expected scheme://host[:port]/path");
  CHECK(message("https://user@/x") == "invalid URL 'https://***@/x': empty host; expected scheme://host[:port]/path");
  CHECK(message("https://[2001:db8::1/") == "invalid URL 'https://[2001:db8::1/': missing ']' after the IPv6 address");
  CHECK(message("https://[192.0.2.1]/") ==
        "invalid URL 'https://[192.0.2.1]/': '192.0.2.1' is not an IPv6 address; expected [IPv6] in brackets");
  CHECK(message("https://[::1]x/") == "invalid URL 'https://[::1]x/': expected ':' or the end of the host after ']'");
  CHECK(message("https://2001:db8::1/").find("must be written in brackets") != std::string::npos);
  CHECK(message("https://a.fr:0/") == "invalid URL 'https://a.fr:0/': port 0 is out of range; expected 1-65535");
  CHECK(message("https://a.fr:65536/") == "invalid URL 'https://a.fr:65536/': port 65536 is out of range; expected 1-65535");
  CHECK(message("https://a.fr:/") == "invalid URL 'https://a.fr:/': expected a port number 1-65535 after ':'");
  CHECK(message("https://a.fr:8o/") == "invalid URL 'https://a.fr:8o/': port '8o' is not a number; expected 1-65535");
  CHECK(message("https://a fr/") == "invalid URL 'https://a fr/': contains white space or a control character");
  CHECK(message("https://a!b.fr/").find("character '!' is not allowed") != std::string::npos);
}

TEST_CASE("core::check_host_name: labels and characters", "[inventory]") {
  CHECK(check_host_name("www.example.fr"));
  CHECK(check_host_name("www.example.fr."));
  CHECK(check_host_name("_dmarc.example.fr"));
  CHECK(check_host_name("bücher.example.de"));
  CHECK_FALSE(check_host_name(""));
  CHECK_FALSE(check_host_name("."));
  CHECK_FALSE(check_host_name("a..b"));
  CHECK_FALSE(check_host_name(std::string(64, 'a') + ".fr"));
  CHECK(check_host_name(std::string(63, 'a') + ".fr"));
  CHECK_FALSE(check_host_name("a/b"));
  CHECK(check_host_name("a\x01" "b").error().message.find("'\\x01'") != std::string::npos);
  // Latin-1 "bücher" is not UTF-8: refused before it reaches a message or libidn2.
  CHECK(check_host_name("b\xFC"
                        "cher.example.de")
            .error()
            .message.find("not valid UTF-8") != std::string::npos);
  CHECK_FALSE(check_host_name("a\xED\xA0\x80.fr"));  // a UTF-16 surrogate
}

TEST_CASE("inventory::set_target_value: kinds are checked and hosts extracted", "[inventory]") {
  using inventory::infer_kind;
  CHECK(infer_kind("192.0.2.1") == TargetKind::ip);
  CHECK(infer_kind("2001:db8::1") == TargetKind::ip);
  CHECK(infer_kind("https://example.fr") == TargetKind::url);
  CHECK(infer_kind("example.fr") == TargetKind::host);

  Target t;
  REQUIRE(inventory::set_target_value(t, TargetKind::ip, "2001:0db8:0:0::0001"));
  CHECK(t.value == "2001:0db8:0:0::0001");
  CHECK(t.host == "2001:db8::1");
  CHECK(t.id == t.value);

  Target host;
  auto err = inventory::set_target_value(host, TargetKind::host, "192.0.2.1");
  REQUIRE_FALSE(err);
  CHECK(err.error().message == "'192.0.2.1' is an IP address; expected a DNS name (declare it with ip:)");
  Target mail;
  CHECK_FALSE(inventory::set_target_value(mail, TargetKind::mail_domain, "https://example.fr"));

  core::Target url;
  REQUIRE(inventory::set_target_value(url, TargetKind::url, "https://deploy:hunter2@portal.example.fr/x"));
  CHECK(url.value == "https://portal.example.fr/x");
  CHECK(url.id == "https://portal.example.fr/x");
  CHECK(url.credentials_dropped);
}
