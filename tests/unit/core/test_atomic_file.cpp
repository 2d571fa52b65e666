#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

TEST_CASE("core::write_file_atomic: writes / replaces / leaves no temporary", "[core]") {
  fs::path dir = fs::temp_directory_path() / "residency-test-atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path file = dir / "report.json";
  REQUIRE(core::write_file_atomic(file, "first"));
  REQUIRE(core::write_file_atomic(file, "second"));
  CHECK(*core::read_file(file) == "second");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  fs::remove_all(dir);
}

TEST_CASE("core::write_file_atomic: missing folder is an io error", "[core]") {
  auto r = core::write_file_atomic("/nonexistent-dir-residency/x.json", "x");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::ErrorCode::io);
}

namespace {

fs::path fresh_dir(const char* name) {
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int entry_count(const fs::path& dir) {
  int n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("core::check_output_path: folders, special files and symlinks", "[core]") {
  const fs::path dir = fresh_dir("residency-test-output-path");
  auto folder = core::check_output_path(dir, "--output");
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message == "--output names a folder, expected a file");
  auto null = core::check_output_path("/dev/null", "--output");
  REQUIRE(null);
  CHECK(null->kind == core::OutputKind::special);
  fs::create_symlink("real.txt", dir / "link.txt");  // dangling: the target is created
  auto link = core::check_output_path(dir / "link.txt", "--output");
  REQUIRE(link);
  CHECK(link->target == dir / "real.txt");
  CHECK(link->kind == core::OutputKind::regular);
  REQUIRE(core::write_file_atomic(dir / "link.txt", "through the link"));
  CHECK(fs::is_symlink(dir / "link.txt"));
  CHECK(*core::read_file(dir / "real.txt") == "through the link");
  fs::remove_all(dir);
}

TEST_CASE("core::refuse_input_overwrite: same file by device and inode", "[core]") {
  const fs::path dir = fresh_dir("residency-test-input-overwrite");
  REQUIRE(core::write_file_atomic(dir / "in.yaml", "x"));
  fs::create_hard_link(dir / "in.yaml", dir / "other-name.yaml");
  auto out = core::check_output_path(dir / "other-name.yaml", "--output");
  REQUIRE(out);
  auto refused = core::refuse_input_overwrite(*out, {"-", dir / "missing", dir / "in.yaml"}, "--output");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("names an input") != std::string::npos);
  auto fresh = core::check_output_path(dir / "new.txt", "--output");
  REQUIRE(fresh);
  CHECK(core::refuse_input_overwrite(*fresh, {dir / "in.yaml"}, "--output"));
  fs::remove_all(dir);
}

TEST_CASE("core::OutputBatch: nothing is replaced until every file is written", "[core]") {
  const fs::path dir = fresh_dir("residency-test-batch");
  REQUIRE(core::write_file_atomic(dir / "a.txt", "old a"));
  REQUIRE(core::write_file_atomic(dir / "b.txt", "old b"));
  {
    core::OutputBatch batch;
    REQUIRE(batch.stage(*core::check_output_path(dir / "a.txt", "-o"), "new a"));
    REQUIRE(batch.stage(*core::check_output_path(dir / "b.txt", "-o"), "new b"));
    CHECK(*core::read_file(dir / "a.txt") == "old a");  // staged, not yet renamed
    CHECK(entry_count(dir) == 4);
  }  // dropped uncommitted: temporaries removed, old files kept
  CHECK(entry_count(dir) == 2);
  CHECK(*core::read_file(dir / "a.txt") == "old a");
  core::OutputBatch batch;
  REQUIRE(batch.stage(*core::check_output_path(dir / "a.txt", "-o"), "new a"));
  REQUIRE(batch.stage(*core::check_output_path("/dev/full", "-o"), "x"));
  auto failed = batch.commit();  // the device fails before any rename
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("No space left on device") != std::string::npos);
  CHECK(*core::read_file(dir / "a.txt") == "old a");
  CHECK(entry_count(dir) == 2);
  fs::remove_all(dir);
}

TEST_CASE("core::OutputBatch: a rename that fails puts back the files already replaced", "[core]") {
  const fs::path dir = fresh_dir("residency-test-batch-rollback");
  REQUIRE(core::write_file_atomic(dir / "a.txt", "old a"));
  REQUIRE(core::write_file_atomic(dir / "b.txt", "old b"));
  core::OutputBatch batch;
  REQUIRE(batch.stage(*core::check_output_path(dir / "a.txt", "-o"), "new a"));
  REQUIRE(batch.stage(*core::check_output_path(dir / "new.txt", "-o"), "new file"));
  REQUIRE(batch.stage(*core::check_output_path(dir / "b.txt", "-o"), "new b"));
  // b.txt becomes a non-empty folder after staging: its rename fails, after a.txt's and new.txt's.
  fs::remove(dir / "b.txt");
  fs::create_directories(dir / "b.txt" / "inside");
  auto failed = batch.commit();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("cannot rename into place") != std::string::npos);
  CHECK(*core::read_file(dir / "a.txt") == "old a");  // the old report again, not a mix
  CHECK_FALSE(fs::exists(dir / "new.txt"));           // it did not exist before the batch
  CHECK(entry_count(dir) == 2);                       // a.txt and the folder: no temporary, no backup
  fs::remove_all(dir);
}

TEST_CASE("core::read_file: regular files, files without a size, pipes, and errors", "[core][atomic]") {
  const fs::path dir = fs::temp_directory_path() / fmt::format("residency-read-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Larger than one read chunk, with every byte value and NULs.
  std::string big;
  for (int i = 0; i < 300000; ++i) big += static_cast<char>(i * 7 % 256);
  REQUIRE(core::write_file_atomic(dir / "big.bin", big, "test"));
  auto read = core::read_file(dir / "big.bin");
  REQUIRE(read);
  CHECK(*read == big);
  REQUIRE(core::write_file_atomic(dir / "empty", "", "test"));
  CHECK(*core::read_file(dir / "empty") == "");
  // /proc files say they are 0 bytes long and are not.
  auto status = core::read_file("/proc/self/status");
  REQUIRE(status);
  CHECK(status->find("VmRSS") != std::string::npos);
  // A FIFO has no size either; a child writes 200,000 bytes into it.
  const fs::path fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    const std::string chunk(1000, 'f');
    for (int i = 0; i < 200 && fd >= 0; ++i) (void)!::write(fd, chunk.data(), chunk.size());
    ::_exit(0);
  }
  auto piped = core::read_file(fifo);
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  REQUIRE(piped);
  CHECK(*piped == std::string(200000, 'f'));
  auto missing = core::read_file(dir / "missing");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot open: No such file or directory");
  auto folder = core::read_file(dir);
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message == "read error: Is a directory");
  fs::remove_all(dir);
}

TEST_CASE("core::SpillFile: gives back every byte appended and leaves nothing behind", "[core][atomic]") {
  const fs::path dir = fresh_dir("residency-test-spill");
  auto spill = core::SpillFile::open(dir);
  REQUIRE(spill);
  CHECK(entry_count(dir) == 0);  // anonymous from the start: a crash leaves no file
  std::string expected;
  for (int i = 0; i < 40000; ++i) {  // about 2.5 MB: more than one buffer's worth goes to the file
    std::string piece = fmt::format("{{\"id\": \"target-{}\"}},\n", i);
    spill->append(piece);
    expected += piece;
  }
  CHECK(spill->size() == expected.size());
  std::ostringstream out;
  REQUIRE(spill->copy_to(out));
  CHECK(out.str() == expected);
  CHECK(entry_count(dir) == 0);
  fs::remove_all(dir);
}

TEST_CASE("core::SpillFile: a folder that cannot hold it is an io error", "[core][atomic]") {
  auto spill = core::SpillFile::open("/nonexistent-dir-residency");
  REQUIRE_FALSE(spill);
  CHECK(spill.error().code == core::ErrorCode::io);
  CHECK(spill.error().message.find("cannot create a scratch file") != std::string::npos);
}
