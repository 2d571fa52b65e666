// update::detail::obtain against a real nginx over HTTPS (test CA): a mirror's index page gives
// the newest ServiceTags_Public_*.json, a page like Microsoft's Download Center gives Azure's
// download URL, a 404 means "not in this mirror" (next mirror tried), a folder mirror works
// the same, conditional requests get 304. Also the link and newest-name helpers.
#include "update/obtain.hpp"

#include "core/atomic_file.hpp"
#include "fakes/nginx_server.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using update::detail::Fetched;

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("obtain-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "www" / "download");
  return dir;
}

update::SourceSpec azure_spec(const std::string& url) {
  update::SourceSpec s;
  s.id = "azure";
  s.url = url;
  s.file = "ServiceTags_Public_*.json";
  s.resolve = R"(https://127\.0\.0\.1:[0-9]+/download/ServiceTags_Public_[0-9]{8}\.json)";
  return s;
}

}  // namespace

TEST_CASE("update::obtain: links and the newest matching name", "[update]") {
  auto links = update::detail::page_links(
      R"(<a href="../">../</a><a href="ServiceTags_Public_20260420.json">x</a> <A HREF='dir/ServiceTags_Public_20260427.json'>)"
      R"(<a href="ip%2Dranges.json">)");
  CHECK(links == std::vector<std::string>{"", "ServiceTags_Public_20260420.json", "ServiceTags_Public_20260427.json",
                                          "ip-ranges.json"});
  CHECK(update::detail::newest_match(links, "ServiceTags_Public_*.json") == "ServiceTags_Public_20260427.json");
  CHECK(update::detail::newest_match(links, "cloud.json").empty());
}

TEST_CASE("update::obtain: mirrors, the Download Center page, 404 and 304 over HTTPS", "[update]") {
  const auto dir = scratch("https");
  const fs::path www = dir / "www";
  REQUIRE(core::write_file_atomic(www / "ServiceTags_Public_20260420.json", "old"));
  REQUIRE(core::write_file_atomic(www / "ServiceTags_Public_20260427.json", "new"));
  REQUIRE(core::write_file_atomic(www / "download" / "ServiceTags_Public_20260427.json", "downloaded"));
  fakes::FolderOptions o;
  o.root = www;
  auto nginx = fakes::FolderServer::start(dir / "nginx", o);
  REQUIRE(nginx);
  const std::string base = nginx->base_url();
  // A page like details.aspx?id=56519 that links the week's file (and an older one).
  REQUIRE(core::write_file_atomic(
      www / "details.html",
      fmt::format(
          R"(<a href="{0}download/ServiceTags_Public_20260420.json">x</a> "url":"{0}download/ServiceTags_Public_20260427.json")",
          base)));

  update::detail::ObtainContext c;
  c.fetch.ca_file = nginx->ca_file().string();
  c.fetch.retries = 0;

  SECTION("the official route reads the download URL from the page") {
    auto got = update::detail::obtain(azure_spec(base + "details.html"), c);
    INFO(got.detail);
    REQUIRE(got.state == Fetched::State::got);
    CHECK(got.bytes == "downloaded");
    CHECK(got.file_name == "ServiceTags_Public_20260427.json");
    CHECK(got.from == base + "download/ServiceTags_Public_20260427.json");
    // The same URL again with the validators: 304.
    c.installed_from = got.from;
    c.installed_etag = got.etag;
    CHECK(update::detail::obtain(azure_spec(base + "details.html"), c).state == Fetched::State::not_modified);
    // --url replaces the official URL (and skips the page).
    c.urls["azure"] = base + "ServiceTags_Public_20260420.json";
    auto direct = update::detail::obtain(azure_spec(base + "details.html"), c);
    CHECK(direct.bytes == "old");
  }
  SECTION("a page without the link says how to give the URL") {
    REQUIRE(core::write_file_atomic(www / "empty.html", "<html>moved</html>"));
    auto got = update::detail::obtain(azure_spec(base + "empty.html"), c);
    CHECK(got.state == Fetched::State::failed);
    CHECK_THAT(got.detail, Catch::Contains("--url azure=URL"));
  }
  SECTION("a mirror URL: the newest file of its index; a 404 tries the next mirror") {
    c.mirrors = {base + "download", base};  // download/ has no index match for cloud.json
    auto got = update::detail::obtain(azure_spec("unused"), c);
    REQUIRE(got.state == Fetched::State::got);
    CHECK(got.bytes == "downloaded");  // download/ lists ServiceTags_Public_20260427.json
    update::SourceSpec gcp;
    gcp.id = "gcp";
    gcp.file = "cloud.json";
    auto absent = update::detail::obtain(gcp, c);
    CHECK(absent.state == Fetched::State::absent);
    CHECK_THAT(absent.detail, Catch::Contains("no cloud.json in"));
    REQUIRE(core::write_file_atomic(www / "cloud.json", "{}"));
    auto second = update::detail::obtain(gcp, c);
    REQUIRE(second.state == Fetched::State::got);
    CHECK(second.from == base + "cloud.json");
  }
  SECTION("a folder mirror") {
    c.mirrors = {(dir / "nothing").string(), www.string()};
    auto got = update::detail::obtain(azure_spec("unused"), c);
    REQUIRE(got.state == Fetched::State::got);
    CHECK(got.bytes == "new");
    CHECK(got.file_name == "ServiceTags_Public_20260427.json");
  }
}
