// Names of the enums of facts.hpp and target.hpp, and Facts helpers.
#include "core/facts.hpp"
#include "core/target.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <unordered_set>

namespace core {

std::string_view to_string(FactStatus status) {
  switch (status) {
    case FactStatus::known:
      return "known";
    case FactStatus::unknown:
      return "unknown";
    case FactStatus::inconclusive:
      return "inconclusive";
    case FactStatus::indeterminate:
      return "indeterminate";
  }
  return "unknown";
}

namespace {

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct ProvenanceHash {
  std::size_t operator()(const Provenance& p) const {
    const std::hash<std::string_view> h;
    return h(p.source) ^ (h(p.detail) * 31) ^ (h(p.time) * 1009);
  }
};

// The pools are split in shards, each with its own lock, chosen by the hash: threads judging
// targets at once (audit --jobs) intern all the time, and one lock for all was 18 % of a
// two-thread replay spent waiting. Leaked on purpose: facts keep views into them until exit.
// Set nodes never move, so neither do the strings and records they hold.
template <typename Set>
struct Shard {
  std::mutex mutex;
  Set set;
};
constexpr std::size_t k_shards = 64;

template <typename Set>
Shard<Set>& shard_of(std::array<Shard<Set>, k_shards>& shards, std::size_t hash) {
  return shards[(hash >> 32 ^ hash) % k_shards];
}

using TextSet = std::unordered_set<std::string, TextHash, std::equal_to<>>;
using ProvenanceSet = std::unordered_set<Provenance, ProvenanceHash>;

}  // namespace

const std::string* intern_text(std::string_view text) {
  // Most calls pass the same literal paths again: a small per-thread cache keyed by the caller's
  // address, confirmed by comparing the text, skips the lock and the hash.
  struct Slot {
    const char* data = nullptr;
    const std::string* value = nullptr;
  };
  thread_local std::array<Slot, 64> cache{};
  Slot& slot = cache[(reinterpret_cast<std::uintptr_t>(text.data()) >> 4) % cache.size()];
  if (slot.value != nullptr && slot.data == text.data() && *slot.value == text) return slot.value;
  static auto* pools = new std::array<Shard<TextSet>, k_shards>();
  auto& pool = shard_of(*pools, TextHash{}(text));
  const std::lock_guard lock(pool.mutex);
  auto it = pool.set.find(text);
  if (it == pool.set.end()) it = pool.set.emplace(text).first;
  slot = {text.data(), &*it};
  return &*it;
}

std::string_view intern(std::string_view text) { return *intern_text(text); }

const Provenance* intern(const Provenance& provenance) {
  static auto* pools = new std::array<Shard<ProvenanceSet>, k_shards>();
  auto& pool = shard_of(*pools, ProvenanceHash{}(provenance));
  const std::lock_guard lock(pool.mutex);
  return &*pool.set.insert(provenance).first;
}

std::ostream& operator<<(std::ostream& out, const Interned& text) { return out << text.view(); }

std::vector<Facts::Entry>::const_iterator Facts::lower(std::string_view path) const {
  return std::lower_bound(m_facts.begin(), m_facts.end(), path,
                          [](const Entry& e, std::string_view p) { return e.first < p; });
}

void Facts::set(std::string_view path, Fact fact) {
  auto it = m_facts.begin() + (lower(path) - m_facts.cbegin());
  if (it != m_facts.end() && it->first == path) {
    it->second = std::move(fact);
  } else {
    if (m_facts.size() == m_facts.capacity()) {
      // Room for a host target's facts at once (17 to 19), then a few more at a time, not
      // doubling: 100,000 targets × a half-empty vector of 170-byte entries was 2.5 KB per target.
      const auto at = it - m_facts.begin();
      m_facts.reserve(m_facts.empty() ? 20 : m_facts.size() + 4);
      it = m_facts.begin() + at;
    }
    m_facts.emplace(it, intern(path), std::move(fact));
  }
}

void Facts::set_all(Facts&& other) {
  for (auto& [path, fact] : other.m_facts) set(path, std::move(fact));
  other.m_facts.clear();
}

void Facts::set_known(std::string_view path, std::vector<std::string> values, Provenance provenance) {
  Fact f;
  f.values = std::move(values);
  if (!provenance.source.empty()) f.provenance.push_back(intern(provenance));
  set(path, std::move(f));
}

void Facts::set_status(std::string_view path, FactStatus status, std::string detail, Provenance provenance) {
  Fact f;
  f.status = status;
  f.detail = std::move(detail);
  if (!provenance.source.empty()) f.provenance.push_back(intern(provenance));
  set(path, std::move(f));
}

const Fact* Facts::find(std::string_view path) const {
  auto it = lower(path);
  return it != m_facts.end() && it->first == path ? &it->second : nullptr;
}

std::string_view to_string(TargetKind kind) {
  switch (kind) {
    case TargetKind::host:
      return "host";
    case TargetKind::url:
      return "url";
    case TargetKind::ip:
      return "ip";
    case TargetKind::mail_domain:
      return "mail-domain";
    case TargetKind::cloud_resource:
      return "cloud-resource";
  }
  return "host";
}

std::optional<TargetKind> parse_target_kind(std::string_view text) {
  for (auto k :
       {TargetKind::host, TargetKind::url, TargetKind::ip, TargetKind::mail_domain, TargetKind::cloud_resource}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::string SourceLocation::to_string() const {
  if (file.empty()) return {};
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (auto s : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::unknown:
      return "unknown";
    case Verdict::waived:
      return "waived";
  }
  return "unknown";
}

int confidence_rank(std::string_view confidence) {
  if (confidence == "high") return 3;
  if (confidence == "medium") return 2;
  if (confidence == "low") return 1;
  return 0;
}

std::string_view lower_confidence(std::string_view a, std::string_view b) {
  if (confidence_rank(a) == 0) return b;
  if (confidence_rank(b) == 0) return a;
  return confidence_rank(a) <= confidence_rank(b) ? a : b;
}

}  // namespace core
