// The `waivers:` section of a manifest. A waiver names a requirement glob and a target glob, who
// owns it, why, on what legal basis, and when it expires. The expiry is required and may lie at
// most metadata.waiver_max_days after the audit date: a waiver is a dated exception, never a
// permanent one. Expired waivers load fine; lib/audit reports them when applying waivers.
#include "inventory/checker.hpp"

#include "core/date.hpp"

#include <fmt/format.h>

#include <map>

namespace inventory {

namespace {

const std::vector<std::string> k_waiver_keys = {"id",    "requirement", "target", "reason",
                                                "owner", "legal_basis", "expires"};

// Check the expiry date and the horizon; return false when unusable.
bool check_expiry(const YamlNode& item, core::WaiverInfo& w, const Metadata& metadata, const LoadOptions& options,
                  Checker& check) {
  const std::string what = fmt::format("waiver {}", w.id);
  auto text = check.required(item, "expires", what, "an expiry date YYYY-MM-DD");
  if (!text) return false;
  const YamlNode& node = *item.get("expires");
  auto date = core::parse_date(*text);
  if (!date) {
    check.error(node, fmt::format("{}: {}", what, date.error().message));
    return false;
  }
  w.expires = *date;
  const long ahead = w.expires.days_since(options.as_of);
  if (ahead > metadata.waiver_max_days) {
    check.error(node, fmt::format("waiver {} expires on {}, {} days after the audit date {}; expected at most "
                                  "waiver_max_days ({}) days ahead",
                                  w.id, w.expires.to_string(), ahead, options.as_of.to_string(),
                                  metadata.waiver_max_days));
    return false;
  }
  return true;
}

std::optional<core::WaiverInfo> check_waiver(const YamlNode& item, std::size_t index, const Metadata& metadata,
                                             const LoadOptions& options, Checker& check) {
  if (!item.is_map()) {
    check.error(item, fmt::format("waiver is {}; expected a map with requirement, target, reason, owner, expires",
                                  describe(item)));
    return std::nullopt;
  }
  check.check_keys(item, k_waiver_keys, "a waiver");
  core::WaiverInfo w;
  w.declared_at = check.where(item);
  w.id = fmt::format("W{}", index + 1);
  if (const YamlNode* id = item.get("id")) w.id = check.scalar(*id, "id", "a waiver id such as W1").value_or(w.id);
  const std::string what = fmt::format("waiver {}", w.id);
  auto requirement = check.required(item, "requirement", what, "a requirement id or glob such as FR-*");
  auto target = check.required(item, "target", what, "a target id or glob such as *.example.fr");
  auto reason = check.required(item, "reason", what, "why the exception is accepted");
  auto owner = check.required(item, "owner", what, "the person or team accountable for it");
  if (const YamlNode* basis = item.get("legal_basis")) {
    w.legal_basis = check.scalar(*basis, "legal_basis", "a legal basis such as 'SCC 2021/914'").value_or("");
  }
  const bool dated = check_expiry(item, w, metadata, options, check);
  if (!requirement || !target || !reason || !owner || !dated) return std::nullopt;
  w.requirement_glob = *requirement;
  w.target_glob = *target;
  w.reason = *reason;
  w.owner = *owner;
  return w;
}

}  // namespace

std::vector<core::WaiverInfo> check_waivers(const YamlNode& seq, const Metadata& metadata, const LoadOptions& options,
                                            Checker& check) {
  std::vector<core::WaiverInfo> out;
  if (seq.is_null()) return out;
  if (!seq.is_seq()) {
    check.error(seq, fmt::format("'waivers' is {}; expected a list of waivers", describe(seq)));
    return out;
  }
  std::map<std::string, core::SourceLocation> seen;
  for (std::size_t i = 0; i < seq.items.size(); ++i) {
    auto w = check_waiver(seq.items[i], i, metadata, options, check);
    if (!w) continue;
    auto [it, added] = seen.emplace(w->id, w->declared_at);
    if (!added) {
      check.error(seq.items[i], fmt::format("duplicate waiver id '{}' (first declared at {}); expected unique ids",
                                            w->id, it->second.to_string()));
      continue;
    }
    out.push_back(std::move(*w));
  }
  return out;
}

}  // namespace inventory
