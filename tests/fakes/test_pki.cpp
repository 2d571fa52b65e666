// Runs `openssl req` for the CA and each key and request, and `openssl ca` to sign: `openssl ca`
// takes explicit start and end dates, which is how an already expired certificate is made
// without faking the clock. Each CA keeps its own index and serial files in its folder.
#include "fakes/test_pki.hpp"

#include "core/atomic_file.hpp"
#include "support/run_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace fakes {

namespace {

using test_support::shell_quote;

std::string openssl_time(long long epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

long long now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

core::Result<void> run(const std::string& command) {
  auto r = test_support::run(command);
  if (r.status != 0)
    return core::fail(core::ErrorCode::io, fmt::format("{} failed ({}): {}", command, r.status, r.output));
  return {};
}

std::string ca_config(const std::filesystem::path& dir) {
  return fmt::format(
      "[ca]\ndefault_ca = test_ca\n[test_ca]\ndir = {0}\ndatabase = {0}/index.txt\nnew_certs_dir = {0}/newcerts\n"
      "serial = {0}/serial\ncertificate = {0}/ca.crt\nprivate_key = {0}/ca.key\ndefault_md = sha256\n"
      "policy = anything\nunique_subject = no\ncopy_extensions = none\nemail_in_dn = no\n"
      "[anything]\ncommonName = supplied\n",
      dir.string());
}

}  // namespace

core::Result<TestCa> TestCa::create(const std::filesystem::path& dir, const std::string& organisation,
                                    const std::string& country, const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "newcerts", ec);
  if (ec) return core::fail(core::ErrorCode::io, "cannot create " + dir.string());
  TestCa ca;
  ca.m_dir = dir;
  ca.m_cert = dir / "ca.crt";
  if (auto ok = core::write_file_atomic(dir / "ca.cnf", ca_config(dir)); !ok) return std::unexpected(ok.error());
  if (auto ok = core::write_file_atomic(dir / "index.txt", ""); !ok) return std::unexpected(ok.error());
  if (auto ok = core::write_file_atomic(dir / "serial", "1000\n"); !ok) return std::unexpected(ok.error());
  const std::string subject = fmt::format("/C={}/O={}/CN={}", country, organisation, name);
  auto made = run(
      fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -keyout {} -out {} -days 3650 -subj {} "
                  "-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>&1",
                  shell_quote((dir / "ca.key").string()), shell_quote(ca.m_cert.string()), shell_quote(subject)));
  if (!made) return std::unexpected(made.error());
  return ca;
}

core::Result<CertFiles> TestCa::issue(const std::string& file_stem, const CertSpec& spec) const {
  CertFiles files{m_dir / (file_stem + ".crt"), m_dir / (file_stem + ".key")};
  const auto csr = m_dir / (file_stem + ".csr");
  const auto ext = m_dir / (file_stem + ".ext");
  std::string sans;
  for (const auto& d : spec.dns_names) sans += (sans.empty() ? "" : ",") + ("DNS:" + d);
  for (const auto& ip : spec.ips) sans += (sans.empty() ? "" : ",") + ("IP:" + ip);
  std::string extensions =
      "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n";
  if (!sans.empty()) extensions += "subjectAltName = " + sans + "\n";
  if (auto ok = core::write_file_atomic(ext, extensions); !ok) return std::unexpected(ok.error());
  auto req = run(fmt::format("openssl req -newkey rsa:{} -nodes -keyout {} -out {} -subj {} 2>&1", spec.key_bits,
                             shell_quote(files.key.string()), shell_quote(csr.string()),
                             shell_quote("/CN=" + spec.common_name)));
  if (!req) return std::unexpected(req.error());
  const long long start = spec.not_before != 0 ? spec.not_before : now() - 86400;
  const long long end = spec.not_after != 0 ? spec.not_after : now() + 365 * 86400;
  auto signed_ok = run(
      fmt::format("openssl ca -batch -notext -config {} -in {} -out {} -startdate {} -enddate {} -extfile {} 2>&1",
                  shell_quote((m_dir / "ca.cnf").string()), shell_quote(csr.string()), shell_quote(files.cert.string()),
                  openssl_time(start), openssl_time(end), shell_quote(ext.string())));
  if (!signed_ok) return std::unexpected(signed_ok.error());
  return files;
}

core::Result<void> write_bundle(const std::filesystem::path& path, const std::vector<const TestCa*>& cas) {
  std::string pem;
  for (const TestCa* ca : cas) {
    auto text = core::read_file(ca->cert());
    if (!text) return std::unexpected(text.error());
    pem += *text;
  }
  return core::write_file_atomic(path, pem);
}

}  // namespace fakes
