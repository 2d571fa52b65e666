// Tests of the format table and write_reports(): stdout, one file at exactly --output, several
// files in a folder, atomic writes (no temporary left), and clear errors.
#include "fixture.hpp"

#include "core/atomic_file.hpp"
#include "report/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace report_test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("report::find_format: the table names every format", "[report]") {
  std::vector<std::string> names;
  for (const auto& f : report::formats()) {
    names.emplace_back(f.name);
    CHECK_FALSE(f.description.empty());
    CHECK(report::find_format(f.name) == &f);
  }
  CHECK(names ==
        std::vector<std::string>{"text", "json", "sarif", "junit", "markdown", "markdown-summary", "html", "csv"});
  CHECK(report::find_format("xml") == nullptr);
}

TEST_CASE("report::validate_formats: unknown names are usage errors with a hint", "[report]") {
  CHECK(report::validate_formats({"json", "sarif"}));
  auto bad = report::validate_formats({"json", "sarfi"});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == core::ErrorCode::usage);
  CHECK(bad.error().message.find("unknown report format 'sarfi' (did you mean 'sarif'?)") != std::string::npos);
}

TEST_CASE("report::write_reports: one format goes to stdout", "[report]") {
  std::ostringstream out;
  REQUIRE(report::write_reports(health_data_hub(), {"csv"}, std::nullopt, out, false));
  CHECK(out.str() == render("csv", health_data_hub()));
}

TEST_CASE("report::write_reports: one format with --output writes exactly that path", "[report]") {
  const auto dir = fresh_dir("write-one");
  std::ostringstream out;
  REQUIRE(report::write_reports(health_data_hub(), {"sarif"}, dir / "results.txt", out, true));
  CHECK(out.str().empty());
  CHECK(entries(dir) == std::vector<std::string>{"results.txt"});
  CHECK(*core::read_file(dir / "results.txt") == render("sarif", health_data_hub()));
}

TEST_CASE("report::write_reports: several formats go to report.json, report.md, report.xml in a new folder",
          "[report]") {
  const auto dir = fresh_dir("write-many") / "nested" / "out";
  std::ostringstream out;
  REQUIRE(report::write_reports(health_data_hub(), {"json", "markdown", "junit", "json"}, dir, out, true));
  CHECK(out.str().empty());
  CHECK(entries(dir) == std::vector<std::string>{"report.json", "report.md", "report.xml"});
  CHECK(*core::read_file(dir / "report.md") == render("markdown", health_data_hub()));
  // Written files never carry colour codes.
  REQUIRE(report::write_reports(health_data_hub(), {"text", "csv"}, dir, out, true));
  CHECK(core::read_file(dir / "report.text")->find('\x1b') == std::string::npos);
  CHECK(entries(dir).size() == 5);  // no temporary files left
}

TEST_CASE("report::write_reports: errors are clear", "[report]") {
  const auto dir = fresh_dir("write-errors");
  std::ostringstream out;
  auto many = report::write_reports(health_data_hub(), {"json", "csv"}, std::nullopt, out, false);
  REQUIRE_FALSE(many);
  CHECK(many.error().code == core::ErrorCode::usage);
  CHECK(many.error().message == "2 formats need --output FOLDER (one report file each)");
  auto missing = report::write_reports(health_data_hub(), {"json"}, dir / "missing" / "r.json", out, false);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == core::ErrorCode::io);
  CHECK(missing.error().to_string().find("does not exist") != std::string::npos);
  write_text_file(dir / "file", "x");
  auto not_folder = report::write_reports(health_data_hub(), {"json", "csv"}, dir / "file", out, false);
  REQUIRE_FALSE(not_folder);
  CHECK(not_folder.error().message.find("several formats need a folder") != std::string::npos);
  auto unknown = report::write_reports(health_data_hub(), {"pdf"}, std::nullopt, out, false);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == core::ErrorCode::usage);
  CHECK(out.str().empty());
  CHECK(entries(dir) == std::vector<std::string>{"file"});
}
