#include "inventory/list.hpp"

#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>

using namespace inventory;

namespace {

const std::filesystem::path k_data = std::filesystem::path(RESIDENCY_SOURCE_DIR) / "tests/data/manifests";

// Replace std::cin's buffer for the scope of a test, as a pipe would.
struct StdinFrom {
  explicit StdinFrom(std::string text) : m_in(std::move(text)), m_old(std::cin.rdbuf(m_in.rdbuf())) {}
  ~StdinFrom() { std::cin.rdbuf(m_old); }
  StdinFrom(const StdinFrom&) = delete;
  StdinFrom& operator=(const StdinFrom&) = delete;

 private:
  std::istringstream m_in;
  std::streambuf* m_old;
};

}  // namespace

TEST_CASE("inventory::load_list: kinds are inferred / comments and blank lines are skipped", "[inventory]") {
  Diagnostics d;
  auto list = load_list(k_data / "hosts.txt", d);
  INFO(to_string(d));
  REQUIRE(list);
  REQUIRE(list->size() == 5);
  const auto& t = *list;
  CHECK(t[0].kind == core::TargetKind::host);
  CHECK(t[0].id == "portal.example.fr");
  CHECK(t[0].declared_at.line == 2);
  CHECK(t[0].declared_at.to_string().ends_with("hosts.txt:2"));
  CHECK(t[1].kind == core::TargetKind::url);
  CHECK(t[1].value == "https://api.example.fr/v1#section");  // '#' inside a URL is not a comment
  CHECK(t[1].host == "api.example.fr");
  CHECK(t[2].kind == core::TargetKind::ip);
  CHECK(t[2].declared_at.line == 4);
  CHECK(t[3].kind == core::TargetKind::ip);
  CHECK(t[3].host == "2001:db8::1");
  CHECK(t[3].declared_at.line == 6);
  CHECK(t[4].value == "bücher.example.de");
}

TEST_CASE("inventory::parse_list: a stream / as from a pipe", "[inventory]") {
  std::istringstream in("  a.example.fr  \r\n# only a comment\n\t\n198.51.100.7 # trailing comment\n");
  Diagnostics d;
  auto list = parse_list(in, "<stdin>", d);
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].value == "a.example.fr");
  CHECK((*list)[1].kind == core::TargetKind::ip);
  CHECK((*list)[1].declared_at.to_string() == "<stdin>:4");
}

TEST_CASE("inventory::load_list: '-' reads standard input", "[inventory]") {
  StdinFrom stdin_text("https://[2001:db8::5]:8443/x\nb.example.fr\n");
  Diagnostics d;
  auto list = load_list("-", d);
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].host == "2001:db8::5");
  CHECK((*list)[1].declared_at.to_string() == "<stdin>:2");
}

TEST_CASE("inventory::parse_list: every bad line is reported with file:line", "[inventory]") {
  std::istringstream in("ok.example.fr\nhttps://bad host/\nftp://\nexample..fr\nok.example.fr\ntwo words\n");
  Diagnostics d;
  auto list = parse_list(in, "hosts.txt", d);
  REQUIRE_FALSE(list);
  CHECK(list.error().to_string() == "hosts.txt: 5 bad lines in the list");
  CHECK(to_string(d) ==
        "hosts.txt:2: 'https://bad host/' holds white space; expected one host, URL or IP address per line\n"
        "hosts.txt:3: invalid URL 'ftp://': empty host; expected scheme://host[:port]/path\n"
        "hosts.txt:4: invalid host name 'example..fr': empty label; expected labels separated by single dots\n"
        "hosts.txt:5: duplicate target 'ok.example.fr' (first on line 1); expected each target once\n"
        "hosts.txt:6: 'two words' holds white space; expected one host, URL or IP address per line\n");
}

TEST_CASE("inventory::load_list: a missing file is an I/O error", "[inventory]") {
  Diagnostics d;
  auto list = load_list(k_data / "no-such-list.txt", d);
  REQUIRE_FALSE(list);
  CHECK(list.error().code == core::ErrorCode::io);
}
