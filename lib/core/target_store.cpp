// The scratch-file store of judged targets, and their encoding (core/bytes.hpp): numbers as
// LEB128 varints, texts as length then bytes; interned texts, fact paths and provenance records
// as their pooled addresses (8 bytes, no copy of the text and no lookup to read it back).
#include "core/target_store.hpp"

#include "core/bytes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>

namespace core {

// Every field of these is written by encode_target and read by decode_target: a new field must
// be added to both (tests/unit/core/test_target_store.cpp sets every one). The sizes catch a
// field added here without it.
static_assert(sizeof(Target) == 376, "a field of core::Target changed: update encode_target and decode_target");
static_assert(sizeof(Fact) == 104, "a field of core::Fact changed: update encode_target and decode_target");
static_assert(sizeof(EvidenceStep) == 96, "a field of core::EvidenceStep changed: update the encoding");
static_assert(sizeof(CertificationStatus) == 320, "a field of core::CertificationStatus changed: update the encoding");
static_assert(sizeof(Placement) == 72, "a field of core::Placement changed: update the encoding");
static_assert(sizeof(TargetReport) == 520, "a field of core::TargetReport changed: update the encoding");

namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : m_out(out) {}
  void number(std::uint64_t n) { put_varint(m_out, n); }
  void text(std::string_view s) { put_text(m_out, s); }
  void texts(const std::vector<std::string>& items) {
    number(items.size());
    for (const auto& s : items) text(s);
  }
  void pointer(const void* p) {
    const auto bits = reinterpret_cast<std::uintptr_t>(p);
    static_assert(sizeof(bits) <= 8);
    char raw[sizeof(bits)];
    std::memcpy(raw, &bits, sizeof(bits));
    m_out.append(raw, sizeof(bits));
  }
  void interned(const Interned& s) { pointer(s.pooled()); }
  void location(const SourceLocation& loc) {
    text(loc.file);
    number(static_cast<std::uint32_t>(loc.line));
    number(static_cast<std::uint32_t>(loc.column));
  }

 private:
  std::string& m_out;
};

// Reads what Writer wrote; a read past the end clears ok() and returns empty values.
class Reader : public ByteReader {
 public:
  using ByteReader::ByteReader;
  bool failed() const { return !ok(); }
  std::uint64_t number() { return varint(); }
  std::vector<std::string> texts() {
    std::vector<std::string> out(count());
    for (auto& s : out) s = text();
    return out;
  }
  const void* pointer() {
    std::uintptr_t bits = 0;
    const std::string_view raw = take(sizeof(bits));
    if (raw.size() != sizeof(bits)) return nullptr;
    std::memcpy(&bits, raw.data(), sizeof(bits));
    return reinterpret_cast<const void*>(bits);
  }
  Interned interned() { return Interned::from_pooled(static_cast<const std::string*>(pointer())); }
  int integer() { return static_cast<int>(static_cast<std::uint32_t>(number())); }
  SourceLocation location() {
    SourceLocation loc;
    loc.file = text();
    loc.line = integer();
    loc.column = integer();
    return loc;
  }
};

void encode(const Target& t, Writer& w) {
  w.text(t.id);
  w.number(static_cast<std::uint64_t>(t.kind));
  w.text(t.value);
  w.text(t.host);
  w.number(t.tags.size());
  for (const auto& [key, value] : t.tags) {
    w.text(key);
    w.text(value);
  }
  w.number(t.https ? 1 : 0);
  w.text(t.provider);
  w.text(t.region);
  w.text(t.service);
  w.texts(t.tls_terminated_by);
  w.location(t.declared_at);
  w.number(t.credentials_dropped ? 1 : 0);
  w.number(t.declared_fields.size());
  for (const auto& [field, at] : t.declared_fields) {
    w.text(field);
    w.location(at);
  }
}

Target decode_target_part(Reader& r) {
  Target t;
  t.id = r.text();
  t.kind = static_cast<TargetKind>(r.number());
  t.value = r.text();
  t.host = r.text();
  for (std::size_t n = r.count(); n > 0; --n) {
    std::string key = r.text();
    t.tags.insert_or_assign(std::move(key), r.text());
  }
  t.https = r.number() != 0;
  t.provider = r.text();
  t.region = r.text();
  t.service = r.text();
  t.tls_terminated_by = r.texts();
  t.declared_at = r.location();
  t.credentials_dropped = r.number() != 0;
  for (std::size_t n = r.count(); n > 0; --n) {
    std::string field = r.text();
    t.declared_fields.insert_or_assign(std::move(field), r.location());
  }
  return t;
}

// The evidence chain comes first, so the reports that need only a target's chain (text, JUnit,
// Markdown) read that part alone (decode_evidence).
void encode_evidence(const Evidence& evidence, Writer& w) {
  w.number(evidence.size());
  for (const auto& step : evidence) {
    w.interned(step.kind);
    w.text(step.subject);
    w.text(step.value);
    w.interned(step.method);
    w.interned(step.confidence);
    w.interned(step.source);
  }
}

Evidence decode_evidence_part(Reader& r) {
  Evidence evidence(r.count());
  for (auto& step : evidence) {
    step.kind = r.interned();
    step.subject = r.text();
    step.value = r.text();
    step.method = r.interned();
    step.confidence = r.interned();
    step.source = r.interned();
  }
  return evidence;
}

// encode_target, returning how many of the bytes it appended are the evidence chain.
std::size_t encode_parts(const TargetReport& t, std::string& out) {
  const std::size_t start = out.size();
  Writer w(out);
  encode_evidence(t.evidence, w);
  const std::size_t evidence_bytes = out.size() - start;
  encode(t.target, w);
  w.number(t.facts.all().size());
  for (const auto& [path, fact] : t.facts.all()) {
    w.pointer(path.data());  // interned (Facts::set): the pooled text's bytes
    w.number(path.size());
    w.texts(fact.values);
    w.number(static_cast<std::uint64_t>(fact.status));
    w.interned(fact.detail);
    w.number(fact.provenance.size());
    for (const auto* p : fact.provenance) w.pointer(p);
    w.texts(fact.possible);
    w.interned(fact.confidence);
    w.number(fact.partial ? 1 : 0);
  }
  w.number(t.certifications.size());
  for (const auto& c : t.certifications) {
    for (const std::string* s :
         {&c.provider, &c.scheme, &c.offer, &c.title, &c.reference, &c.state, &c.why, &c.from, &c.until, &c.source})
      w.text(*s);
  }
  w.number(static_cast<std::uint64_t>(t.placement.served));
  w.number(static_cast<std::uint64_t>(t.placement.control));
  w.text(t.placement.served_note);
  w.text(t.placement.control_note);
  return evidence_bytes;
}

}  // namespace

void encode_target(const TargetReport& t, std::string& out) { encode_parts(t, out); }

std::optional<Evidence> decode_evidence(std::string_view bytes) {
  Reader r(bytes);
  Evidence evidence = decode_evidence_part(r);
  if (r.failed() || !r.at_end()) return std::nullopt;
  return evidence;
}

std::optional<TargetReport> decode_target(std::string_view bytes) {
  Reader r(bytes);
  TargetReport t;
  t.evidence = decode_evidence_part(r);
  t.target = decode_target_part(r);
  for (std::size_t n = r.count(); n > 0 && !r.failed(); --n) {
    const auto* data = static_cast<const char*>(r.pointer());
    const std::size_t size = r.number();
    if (r.failed()) break;
    Fact fact;
    fact.values = r.texts();
    fact.status = static_cast<FactStatus>(r.number());
    fact.detail = r.interned();
    fact.provenance.resize(r.count());
    for (auto& p : fact.provenance) p = static_cast<const Provenance*>(r.pointer());
    fact.possible = r.texts();
    fact.confidence = r.interned();
    fact.partial = r.number() != 0;
    if (r.failed()) break;
    t.facts.set(std::string_view(data, size), std::move(fact));
  }
  t.facts.shrink_to_fit();
  t.certifications.resize(r.count());
  for (auto& c : t.certifications) {
    for (std::string* s :
         {&c.provider, &c.scheme, &c.offer, &c.title, &c.reference, &c.state, &c.why, &c.from, &c.until, &c.source})
      *s = r.text();
  }
  t.placement.served = static_cast<Placement::Served>(r.number());
  t.placement.control = static_cast<Placement::Control>(r.number());
  t.placement.served_note = r.text();
  t.placement.control_note = r.text();
  if (r.failed() || !r.at_end()) return std::nullopt;
  return t;
}

Result<std::shared_ptr<TargetStore>> TargetStore::open(const std::filesystem::path& folder) {
  auto spill = SpillFile::open(folder);
  if (!spill) return std::unexpected(spill.error());
  return std::shared_ptr<TargetStore>(new TargetStore(std::move(*spill)));
}

void TargetStore::add(const TargetReport& target) {
  const std::lock_guard lock(m_mutex);
  m_encoded.clear();
  const std::size_t evidence_bytes = encode_parts(target, m_encoded);
  if (m_encoded.size() > std::numeric_limits<std::uint32_t>::max()) {
    if (m_status) m_status = fail(ErrorCode::io, fmt::format("target '{}' is too large to keep", target.target.id));
    return;
  }
  const std::string_view id = intern(target.target.id);
  if (!m_index.empty() && id < m_index.back().id) m_sorted = false;
  m_index.push_back(
      {id, m_spill.size(), static_cast<std::uint32_t>(m_encoded.size()), static_cast<std::uint32_t>(evidence_bytes)});
  m_last_at = m_last_evidence_at = k_none;
  m_spill.append(m_encoded);
}

const std::vector<TargetStore::Slot>& TargetStore::index() const {
  if (!m_sorted) {
    std::stable_sort(m_index.begin(), m_index.end(), [](const Slot& a, const Slot& b) { return a.id < b.id; });
    m_sorted = true;
    m_last_at = m_last_evidence_at = k_none;
    m_last.reset();
    m_last_evidence.reset();
  }
  return m_index;
}

bool TargetStore::read_bytes(std::size_t at, std::uint32_t size) const {
  if (!m_status) return false;
  if (auto ok = m_spill.read_at(m_index[at].offset, size, m_bytes); !ok) {
    m_status = std::unexpected(ok.error());
    return false;
  }
  return true;
}

std::shared_ptr<const TargetReport> TargetStore::read(std::size_t at) const {
  if (m_last_at == at) return m_last;
  const Slot& slot = m_index[at];
  if (!read_bytes(at, slot.size)) return nullptr;
  auto decoded = decode_target(m_bytes);
  if (!decoded) {
    m_status = fail(ErrorCode::io, fmt::format("target '{}' could not be read back from its scratch file", slot.id));
    return nullptr;
  }
  m_last = std::make_shared<const TargetReport>(std::move(*decoded));
  m_last_at = at;
  return m_last;
}

std::size_t TargetStore::locate(std::string_view id) const {
  const auto& slots = index();
  auto it =
      std::lower_bound(slots.begin(), slots.end(), id, [](const Slot& s, std::string_view key) { return s.id < key; });
  return it == slots.end() || it->id != id ? k_none : static_cast<std::size_t>(it - slots.begin());
}

std::shared_ptr<const TargetReport> TargetStore::find(std::string_view id) const {
  const std::lock_guard lock(m_mutex);
  const std::size_t at = locate(id);
  return at == k_none ? nullptr : read(at);
}

std::shared_ptr<const Evidence> TargetStore::find_evidence(std::string_view id) const {
  const std::lock_guard lock(m_mutex);
  const std::size_t at = locate(id);
  if (at == k_none) return nullptr;
  if (m_last_at == at) return {m_last, &m_last->evidence};  // the whole target is at hand
  if (m_last_evidence_at == at) return m_last_evidence;
  if (!read_bytes(at, m_index[at].evidence_size)) return nullptr;
  auto decoded = decode_evidence(m_bytes);
  if (!decoded) {
    m_status = fail(ErrorCode::io,
                    fmt::format("the evidence of target '{}' could not be read back from its scratch file", id));
    return nullptr;
  }
  m_last_evidence = std::make_shared<const Evidence>(std::move(*decoded));
  m_last_evidence_at = at;
  return m_last_evidence;
}

void TargetStore::for_each(const std::function<void(const TargetReport&)>& visit) const {
  std::size_t count = 0;
  {
    const std::lock_guard lock(m_mutex);
    count = index().size();
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::shared_ptr<const TargetReport> t;
    {
      const std::lock_guard lock(m_mutex);
      t = read(i);
    }
    if (t == nullptr) return;
    visit(*t);
  }
}

Result<void> TargetStore::status() const {
  const std::lock_guard lock(m_mutex);
  return m_status;
}

}  // namespace core
