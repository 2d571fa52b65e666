// Names of the enums of facts.hpp and target.hpp, and Facts helpers.
#include "core/facts.hpp"
#include "core/target.hpp"

#include <fmt/format.h>

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

void Facts::set_known(std::string path, std::vector<std::string> values, Provenance provenance) {
  Fact f;
  f.values = std::move(values);
  if (!provenance.source.empty()) f.provenance.push_back(std::move(provenance));
  set(std::move(path), std::move(f));
}

void Facts::set_status(std::string path, FactStatus status, std::string detail, Provenance provenance) {
  Fact f;
  f.status = status;
  f.detail = std::move(detail);
  if (!provenance.source.empty()) f.provenance.push_back(std::move(provenance));
  set(std::move(path), std::move(f));
}

const Fact* Facts::find(std::string_view path) const {
  auto it = m_facts.find(path);
  return it == m_facts.end() ? nullptr : &it->second;
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
