// Internal to lib/geo (mmdb_reader.cpp): the values one database entry gives a GeoRecord, and the
// cache of them by the entry's data-section offset that spares a lookup every MMDB_aget_value when
// an earlier lookup read the same entry.
#pragma once

#include "geo/mmdb_reader.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace geo::detail {

// What one entry sets in a GeoRecord (every member but `network` and `raw_json`), its strings as
// views into the memory-mapped file. It depends on the entry alone (its offset in the data
// section), never on the address looked up, so it can be kept and reused. Trivial on purpose: a
// cache slot is copied with memcpy and its storage is not written before it is used.
struct EntryValues {
  // The text members of GeoRecord, in this order.
  enum Text : unsigned { country, registered_country, as_org, provider, region, service, k_texts };

  std::array<const char*, k_texts> text_data;
  std::array<std::uint32_t, k_texts> text_size;
  std::uint32_t asn;
  std::uint32_t set;  // bit t: text t is set; k_has_asn, k_has_anycast, k_anycast: see below

  static constexpr std::uint32_t k_has_asn = 1u << k_texts, k_has_anycast = 2u << k_texts, k_anycast = 4u << k_texts;

  bool has(Text t) const { return (set >> t) & 1u; }
  std::string_view text(Text t) const { return {text_data[t], text_size[t]}; }
  void put(Text t, std::string_view s) {
    text_data[t] = s.data();
    text_size[t] = static_cast<std::uint32_t>(s.size());
    set |= 1u << t;
  }
  void put_asn(std::optional<std::uint32_t> v) {
    asn = v.value_or(0);
    set = v ? set | k_has_asn : set & ~k_has_asn;
  }
  void put_anycast(bool v) { set = (set & ~k_anycast) | k_has_anycast | (v ? k_anycast : 0u); }

  // Make `rec` hold these values. A string the record held from a previous answer keeps its
  // storage (assigned, not rebuilt: no allocation per lookup on a reused record); a member the
  // entry does not set is reset, so the record equals one filled from scratch.
  void copy_to(GeoRecord& rec) const {
    const auto copy = [this](std::optional<std::string>& field, Text t) {
      if (!has(t))
        field.reset();
      else if (field)
        field->assign(text(t));
      else
        field.emplace(text(t));
    };
    copy(rec.country, country);
    copy(rec.registered_country, registered_country);
    copy(rec.as_org, as_org);
    copy(rec.provider, provider);
    copy(rec.region, region);
    copy(rec.service, service);
    if (set & k_has_asn)
      rec.asn = asn;
    else
      rec.asn.reset();
    if (set & k_has_anycast)
      rec.is_anycast = (set & k_anycast) != 0;
    else
      rec.is_anycast.reset();
  }
};
static_assert(std::is_trivial_v<EntryValues>);
static_assert(sizeof(EntryValues) <= 80);  // the bound EntryCache states

// Decoded entries of one database by data-section offset (MMDB_lookup_result_s.entry.offset), as
// MaxMind's own readers do (the Java reader's NodeCache). Many networks share one entry (a country
// database of country codes has one per country), so a hit skips every MMDB_aget_value of the
// lookup; only the matched network is computed per lookup.
//
// Direct-mapped: an offset has one slot (a multiplicative hash of it), whose key (the whole offset,
// kept in 64 bits so that no offset equals an empty slot's key) is compared, so a hit is always the
// entry asked for; a new entry replaces the slot's previous one. Bounded: bit_ceil(node_count + 1)
// slots (a tree of n nodes has at most n + 1 records that are not pointers to nodes),
// at least 16 and at most k_max_slots = 8,192, allocated at the first lookup: at most 8,192 ×
// (8 + 80) bytes = 704 KiB per database, the values' pages touched only as slots fill.
// Only a successful read is stored: an entry whose read fails is read (and fails) again every time.
// Not thread-safe: one database, one thread (see Database in mmdb_reader.hpp).
class EntryCache {
 public:
  static constexpr std::size_t k_max_slots = 8192;
  static constexpr std::size_t k_min_slots = 16;

  // Size the cache for a tree of `node_count` nodes (nothing is allocated yet), or turn it off.
  void configure(CacheMode mode, std::uint32_t node_count) {
    m_keys.reset();
    m_values.reset();
    m_slots = 0;
    if (mode == CacheMode::off) return;
    m_slots =
        std::clamp<std::size_t>(std::bit_ceil(static_cast<std::uint64_t>(node_count) + 1), k_min_slots, k_max_slots);
    m_shift = 64 - std::countr_zero(m_slots);
  }

  // The values stored for the entry at `offset`, or null (counted as a hit or a miss).
  const EntryValues* find(std::uint32_t offset) {
    if (m_slots == 0) {
      ++m_misses;
      return nullptr;
    }
    if (!m_keys) allocate();
    const std::size_t i = slot(offset);
    if (m_keys[i] != offset) {
      ++m_misses;
      return nullptr;
    }
    ++m_hits;
    return &m_values[i];
  }

  // Keep `values` for the entry at `offset` (replacing what its slot held).
  void store(std::uint32_t offset, const EntryValues& values) {
    if (m_slots == 0) return;
    if (!m_keys) allocate();
    const std::size_t i = slot(offset);
    m_keys[i] = offset;
    m_values[i] = values;
  }

  CacheStats stats() const { return {m_hits, m_misses, m_slots}; }

 private:
  // No entry has this key: offsets are 32-bit.
  static constexpr std::uint64_t k_empty = std::numeric_limits<std::uint64_t>::max();

  std::size_t slot(std::uint32_t offset) const {
    return static_cast<std::size_t>((offset * 0x9E3779B97F4A7C15ull) >> m_shift);
  }
  void allocate() {
    m_keys = std::make_unique_for_overwrite<std::uint64_t[]>(m_slots);
    std::fill_n(m_keys.get(), m_slots, k_empty);
    m_values = std::make_unique_for_overwrite<EntryValues[]>(m_slots);
  }

  std::unique_ptr<std::uint64_t[]> m_keys;
  std::unique_ptr<EntryValues[]> m_values;
  std::size_t m_slots = 0;
  int m_shift = 64;
  std::uint64_t m_hits = 0;
  std::uint64_t m_misses = 0;
};

}  // namespace geo::detail
