// core::TargetStore: the targets of an audit kept in a scratch file instead of in memory, for
// the reports that are written once the audit has run (text, SARIF, HTML, … group findings across
// targets and print counts first, so they cannot be streamed like the JSON report). Each judged
// target is encoded as it comes (add(), fed by audit::AuditOptions::on_target) and forgotten;
// reports read one back when they need it (AuditResult::target, evidence_of, for_each_target).
// The encoding is this process's own: interned texts and provenance records are kept as their
// pooled addresses, which stay valid until exit, so the file is never read by another process.
#pragma once

#include "core/atomic_file.hpp"
#include "core/audit_result.hpp"
#include "core/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace core {

class TargetStore {
 public:
  // A store whose scratch file is anonymous, in `folder` (the report's, so not a /tmp in memory).
  static Result<std::shared_ptr<TargetStore>> open(const std::filesystem::path& folder);

  // Keep `target` (copied into the file: the caller may free it).
  void add(const TargetReport& target);
  std::size_t size() const { return m_index.size(); }
  // The target with this id, read back, or null when there is none or it cannot be read (then
  // status() says why). The last one read is kept, so a target's adjacent findings read it once.
  std::shared_ptr<const TargetReport> find(std::string_view id) const;
  // The evidence chain of the target with this id, read back alone (the first part of its
  // record), or null as find() is. The last one read is kept, as is the last whole target.
  std::shared_ptr<const Evidence> find_evidence(std::string_view id) const;
  // Every target in id order, read back one at a time; stops at the first that cannot be read.
  void for_each(const std::function<void(const TargetReport&)>& visit) const;
  // The first error of writing or reading the scratch file, or ok.
  Result<void> status() const;

 private:
  explicit TargetStore(SpillFile spill) : m_spill(std::move(spill)) {}
  struct Slot {
    std::string_view id;  // interned
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t evidence_size = 0;  // the first bytes: the evidence chain
  };
  // Sorted by id (targets come in id order from lib/audit; sorted here once when they did not).
  const std::vector<Slot>& index() const;
  // The slot of `id` in index(), or k_none.
  std::size_t locate(std::string_view id) const;
  // The target at m_index[at], read back (the last one read is kept); null on error.
  std::shared_ptr<const TargetReport> read(std::size_t at) const;
  // Read `size` bytes of the record at m_index[at] into m_bytes; false (and m_status) on error.
  bool read_bytes(std::size_t at, std::uint32_t size) const;
  static constexpr std::size_t k_none = static_cast<std::size_t>(-1);

  mutable std::mutex m_mutex;
  mutable SpillFile m_spill;
  mutable std::vector<Slot> m_index;
  mutable bool m_sorted = true;
  mutable std::string m_bytes;  // the last target read, encoded
  mutable std::size_t m_last_at = k_none;
  mutable std::shared_ptr<const TargetReport> m_last;
  mutable std::size_t m_last_evidence_at = k_none;
  mutable std::shared_ptr<const Evidence> m_last_evidence;
  mutable Result<void> m_status;
  std::string m_encoded;  // add()'s buffer, kept to reuse its room
};

// The encoding, exposed for its test: append `target` to `out`, and read one back from `bytes`
// (nullopt when they are not a whole encoded target). `bytes` must come from encode_target in this
// process: the pooled addresses they hold are used as they are.
void encode_target(const TargetReport& target, std::string& out);
std::optional<TargetReport> decode_target(std::string_view bytes);
// The evidence chain alone, from the first bytes of an encoded target (as many as TargetStore
// records for it); nullopt when they are not a whole chain.
std::optional<Evidence> decode_evidence(std::string_view bytes);

}  // namespace core
