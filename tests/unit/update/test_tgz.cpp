// update::read_tgz_members on tarballs made by tar(1) at test time (ustar and GNU long names),
// and on hostile input: truncated, not gzip, a missing member. Also the digests against known
// vectors (FIPS 180-2 "abc", npm's integrity form checked with openssl).
#include "update/digest.hpp"
#include "update/tgz.hpp"

#include "core/atomic_file.hpp"
#include "support/run_command.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using test_support::shell_quote;

fs::path scratch(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  fs::path dir = fs::path(base != nullptr ? base : fs::temp_directory_path().string()) /
                 ("tgz-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "package");
  return dir;
}

// Pack `files` (relative name → content) under dir/package into a .tgz with tar; return its bytes.
std::string make_tgz(const fs::path& dir, const std::map<std::string, std::string>& files,
                     const std::string& flags = "") {
  for (const auto& [name, content] : files) {
    fs::create_directories((dir / name).parent_path());
    REQUIRE(core::write_file_atomic(dir / name, content));
  }
  auto r = test_support::run("cd " + shell_quote(dir.string()) + " && tar " + flags + " -czf out.tgz package");
  INFO(r.output);
  REQUIRE(r.status == 0);
  return *core::read_file(dir / "out.tgz");
}

}  // namespace

TEST_CASE("update::tgz: members of an npm-style tarball", "[update]") {
  const auto dir = scratch("ok");
  const std::string big(300000, 'x');
  const std::string long_name = "package/" + std::string(120, 'n') + ".csv";
  const std::string tgz = make_tgz(dir, {{"package/asn-ipv4.csv", "1.0.0.0,1.0.0.255,13335,X\n"},
                                         {"package/NRO_LICENSE", "CC BY 4.0\n"},
                                         {"package/big.bin", big},
                                         {long_name, "long"}});
  auto m = update::read_tgz_members(tgz, {"package/asn-ipv4.csv", "package/big.bin", long_name}, "x.tgz");
  INFO((m ? std::string() : m.error().to_string()));
  REQUIRE(m);
  CHECK(m->size() == 3);
  CHECK(m->at("package/asn-ipv4.csv") == "1.0.0.0,1.0.0.255,13335,X\n");
  CHECK(m->at("package/big.bin") == big);
  CHECK(m->at(long_name) == "long");
  // The same archive in POSIX (pax) format.
  const auto pax_dir = scratch("pax");
  const std::string pax = make_tgz(pax_dir, {{long_name, "pax long"}}, "--format=posix");
  auto p = update::read_tgz_members(pax, {long_name}, "p.tgz");
  REQUIRE(p);
  CHECK(p->at(long_name) == "pax long");
}

TEST_CASE("update::tgz: hostile archives are errors, never crashes", "[update]") {
  const auto dir = scratch("bad");
  const std::string tgz = make_tgz(dir, {{"package/a.csv", std::string(100000, 'a')}});
  auto missing = update::read_tgz_members(tgz, {"package/b.csv"}, "x.tgz");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().to_string() == "x.tgz: the package has no 'package/b.csv'");
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, tgz.size() / 2, tgz.size() - 9}) {
    INFO(cut);
    auto truncated = update::read_tgz_members(tgz.substr(0, cut), {"package/a.csv"}, "x.tgz");
    REQUIRE_FALSE(truncated);
    CHECK(truncated.error().code == core::ErrorCode::data);
  }
  auto not_gzip = update::read_tgz_members("{\"json\": true}", {"package/a.csv"}, "x.tgz");
  REQUIRE_FALSE(not_gzip);
  CHECK_THAT(not_gzip.error().to_string(), Catch::Contains("x.tgz: not a valid gzip file"));
  // A gzip stream whose content is not a tar archive (a bad size field).
  REQUIRE(core::write_file_atomic(dir / "junk", std::string(1024, '7')));
  REQUIRE(test_support::run("gzip -c " + shell_quote((dir / "junk").string()) + " > " +
                            shell_quote((dir / "junk.gz").string()))
              .status == 0);
  auto junk = update::read_tgz_members(*core::read_file(dir / "junk.gz"), {"package/a.csv"}, "j.tgz");
  REQUIRE_FALSE(junk);
}

TEST_CASE("update::digest: sha256 and npm's sha512 integrity", "[update]") {
  CHECK(update::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(update::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(update::sha512_integrity("abc") ==
        "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==");
}
