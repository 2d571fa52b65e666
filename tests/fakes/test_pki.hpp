// tests/fakes: a test certificate authority made with the openssl command line at test time, so
// HTTPS tests run against real certificates whose issuer organisation and country, names and
// validity dates they choose (an expired one included) without any file in the repository.
#pragma once

#include "core/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace fakes {

struct CertSpec {
  std::string common_name{};
  std::vector<std::string> dns_names{};  // subjectAltName DNS entries
  std::vector<std::string> ips{};        // subjectAltName IP entries
  long long not_before = 0;              // seconds since the epoch; 0: a day ago
  long long not_after = 0;               // 0: a year from now
  int key_bits = 2048;                   // RSA
};

struct CertFiles {
  std::filesystem::path cert;  // PEM
  std::filesystem::path key;   // PEM, unencrypted
};

class TestCa {
 public:
  // Create an RSA-2048 CA under `dir` whose subject is C=`country`, O=`organisation`, CN=`name`.
  static core::Result<TestCa> create(const std::filesystem::path& dir, const std::string& organisation,
                                     const std::string& country, const std::string& name);
  // Issue a server certificate `file_stem`.crt/.key signed by this CA.
  core::Result<CertFiles> issue(const std::string& file_stem, const CertSpec& spec) const;
  // The CA certificate (PEM), for --ca-file.
  const std::filesystem::path& cert() const { return m_cert; }

 private:
  std::filesystem::path m_dir;
  std::filesystem::path m_cert;
};

// Write the CA certificates of `cas` into one PEM bundle at `path`.
core::Result<void> write_bundle(const std::filesystem::path& path, const std::vector<const TestCa*>& cas);

}  // namespace fakes
