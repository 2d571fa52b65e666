// Provenance records: encoded into a database's metadata as MmdbValue maps (strings only, empty
// fields left out, so the metadata stays small and stable), read back from the metadata's JSON
// rendering through checked accessors (the metadata of a downloaded database is untrusted), and
// SOURCES.json, written and parsed with nlohmann-json whose exceptions stop here.
#include "geo/provenance.hpp"

#include "core/json_text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace geo {

namespace {

using Json = nlohmann::ordered_json;

// The string fields of an InputRecord, in the order they are written.
constexpr std::pair<const char*, std::string InputRecord::*> k_input_fields[] = {
    {"id", &InputRecord::id},
    {"name", &InputRecord::name},
    {"kind", &InputRecord::kind},
    {"url", &InputRecord::url},
    {"published", &InputRecord::published},
    {"date", &InputRecord::date},
    {"date_basis", &InputRecord::date_basis},
    {"serial", &InputRecord::serial},
    {"sha256", &InputRecord::sha256},
    {"licence", &InputRecord::licence},
    {"attribution", &InputRecord::attribution},
};

constexpr std::pair<const char*, std::string SourceState::*> k_state_fields[] = {
    {"database", &SourceState::database},
    {"file", &SourceState::file},
    {"fetched_from", &SourceState::fetched_from},
    {"fetched_at", &SourceState::fetched_at},
    {"etag", &SourceState::etag},
    {"last_modified", &SourceState::last_modified},
};

std::string string_at(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t uint_at(const Json& object, const char* key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

InputRecord input_from_json(const Json& item) {
  InputRecord r;
  for (const auto& [key, member] : k_input_fields) r.*member = string_at(item, key);
  return r;
}

Json input_to_json(const InputRecord& r) {
  Json out = Json::object();
  for (const auto& [key, member] : k_input_fields) out[key] = r.*member;
  return out;
}

}  // namespace

bool is_source_kind(std::string_view kind) {
  return kind == k_kind_provider_feed || kind == k_kind_registry || kind == k_kind_geolocation || kind == k_kind_asn;
}

std::vector<MmdbValue::Entry> provenance_metadata(std::string_view kind, const std::vector<InputRecord>& inputs) {
  std::vector<MmdbValue> items;
  for (const auto& r : inputs) {
    std::vector<MmdbValue::Entry> entries;
    for (const auto& [key, member] : k_input_fields) {
      if (!(r.*member).empty()) entries.emplace_back(key, MmdbValue::string(r.*member));
    }
    items.push_back(MmdbValue::map(std::move(entries)));
  }
  return {{std::string(k_meta_kind), MmdbValue::string(std::string(kind))},
          {std::string(k_meta_inputs), MmdbValue::array(std::move(items))}};
}

Provenance provenance_from_metadata_json(std::string_view metadata_json) {
  Provenance out;
  Json meta = Json::parse(metadata_json, nullptr, false);
  if (!meta.is_object()) return out;
  out.kind = string_at(meta, std::string(k_meta_kind).c_str());
  auto it = meta.find(std::string(k_meta_inputs));
  if (it == meta.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_object()) out.inputs.push_back(input_from_json(item));
  }
  return out;
}

const SourceState* SourcesState::find(std::string_view id) const {
  for (const auto& s : sources) {
    if (s.input.id == id) return &s;
  }
  return nullptr;
}

std::string to_json(const SourcesState& state) {
  Json doc{{"schema", std::string(k_sources_state_schema)}, {"updated_at", state.updated_at}};
  doc["sources"] = Json::array();
  for (const auto& s : state.sources) {
    Json item = input_to_json(s.input);
    for (const auto& [key, member] : k_state_fields) item[key] = s.*member;
    item["bytes"] = s.bytes;
    item["prefixes"] = s.prefixes;
    doc["sources"].push_back(std::move(item));
  }
  doc["databases"] = Json::array();
  for (const auto& d : state.databases) {
    doc["databases"].push_back(Json{{"file", d.file},
                                    {"kind", d.kind},
                                    {"sha256", d.sha256},
                                    {"bytes", d.bytes},
                                    {"built", d.built},
                                    {"inputs", d.inputs}});
  }
  return doc.dump(2) + "\n";
}

core::Result<SourcesState> parse_sources_state(std::string_view text, const std::string& file) {
  auto parsed = core::parse_json_text(text, file, fmt::format("a {} file", k_sources_state_schema));
  if (!parsed) return std::unexpected(parsed.error());
  const Json& doc = *parsed;
  if (string_at(doc, "schema") != k_sources_state_schema) {
    return core::fail(
        core::ErrorCode::data,
        fmt::format("schema: expected \"{}\", got \"{}\"", k_sources_state_schema, string_at(doc, "schema")), file);
  }
  SourcesState state;
  state.updated_at = string_at(doc, "updated_at");
  if (doc.contains("sources") && doc["sources"].is_array()) {
    for (const auto& item : doc["sources"]) {
      SourceState s;
      s.input = input_from_json(item);
      for (const auto& [key, member] : k_state_fields) s.*member = string_at(item, key);
      s.bytes = uint_at(item, "bytes");
      s.prefixes = uint_at(item, "prefixes");
      if (s.input.id.empty()) return core::fail(core::ErrorCode::data, "sources[]: an entry has no id", file);
      state.sources.push_back(std::move(s));
    }
  }
  if (doc.contains("databases") && doc["databases"].is_array()) {
    for (const auto& item : doc["databases"]) {
      DatabaseState d{string_at(item, "file"), string_at(item, "kind"),  string_at(item, "sha256"),
                      uint_at(item, "bytes"),  string_at(item, "built"), {}};
      if (item.contains("inputs") && item["inputs"].is_array()) {
        for (const auto& id : item["inputs"]) {
          if (id.is_string()) d.inputs.push_back(id.get<std::string>());
        }
      }
      state.databases.push_back(std::move(d));
    }
  }
  return state;
}

}  // namespace geo
