// Loading the sources file: lib/yaml parses (bounded, with positions), then a Checker walks the
// tree, collecting every problem as "file:line:column: what; expected …" (with did-you-mean for
// keys and enumerations), so one run shows them all. The npm lock file is a plain text file of
// "name version integrity" lines; a package the sources file names but the lock does not pin is
// an error at the source's position.
#include "update/sources_file.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"
#include "geo/provenance.hpp"

#include "yaml/tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>

namespace update {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> k_top_keys = {"schema", "npm_lock", "databases", "sources", "reference_files"};
const std::vector<std::string> k_reference_keys = {"path", "sha256", "url", "gunzip"};
const std::vector<std::string> k_database_keys = {"file", "kind", "description"};
const std::vector<std::string> k_source_keys = {
    "id",     "name",     "kind",         "database",  "url",     "resolve",       "file",
    "format", "provider", "date_from",    "min_bytes", "licence", "documentation", "attribution",
    "npm",    "members",  "licence_files"};
const std::vector<std::string> k_kinds = {std::string(geo::k_kind_provider_feed), std::string(geo::k_kind_registry),
                                          std::string(geo::k_kind_geolocation), std::string(geo::k_kind_asn)};
const std::vector<std::string> k_date_from = {"feed", "file-name", "package-version"};

class Checker {
 public:
  Checker(std::string file, core::Diag& diag) : m_file(std::move(file)), m_diag(diag) {}

  core::SourceLocation at(const yaml::Node& n) const { return {m_file, n.line, n.column}; }
  void problem(const yaml::Node& n, const std::string& what) {
    m_diag.error("{}: {}", at(n).to_string(), what);
    ++m_errors;
  }
  int errors() const { return m_errors; }

  // Check that `map` is a map whose keys are in `allowed` (yaml::parse refuses duplicate keys).
  bool keys(const yaml::Node& map, const std::vector<std::string>& allowed, std::string_view what) {
    if (!map.is_map()) {
      problem(map, fmt::format("expected a map ({})", what));
      return false;
    }
    for (std::size_t i = 0; i < map.map_size(); ++i) {
      const std::string& key = map.key(i).scalar;
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      auto hint = core::closest(key, allowed);
      problem(map.key(i),
              fmt::format("unknown key '{}' in {}{}; expected one of: {}", key, what,
                          hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(allowed, ", ")));
    }
    return true;
  }
  // The scalar under `key`, or nullopt (a problem when `required`).
  std::optional<std::string> text(const yaml::Node& map, const char* key, bool required) {
    const yaml::Node* n = map.get(key);
    if (n == nullptr) {
      if (required) problem(map, fmt::format("missing key '{}'", key));
      return std::nullopt;
    }
    if (!n->is_scalar()) {
      problem(*n, fmt::format("'{}' must be a string", key));
      return std::nullopt;
    }
    return n->scalar;
  }
  // `value` must be one of `allowed`.
  bool one_of(const yaml::Node& n, const std::string& value, const std::vector<std::string>& allowed,
              const char* what) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return true;
    auto hint = core::closest(value, allowed);
    problem(n, fmt::format("unknown {} '{}'{}; expected one of: {}", what, value,
                           hint ? fmt::format(" (did you mean '{}'?)", *hint) : "", fmt::join(allowed, ", ")));
    return false;
  }

 private:
  std::string m_file;
  core::Diag& m_diag;
  int m_errors = 0;
};

struct LockEntry {
  std::string version, integrity;
};

core::Result<std::map<std::string, LockEntry>> load_lock(const fs::path& path) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  std::map<std::string, LockEntry> out;
  int line_number = 0;
  for (auto line : core::split(*text, '\n')) {
    ++line_number;
    line = core::trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> words;
    for (auto w : core::split(line, ' ')) {
      if (!w.empty()) words.push_back(w);
    }
    if (words.size() != 3 || !words[2].starts_with("sha512-")) {
      return core::fail(core::ErrorCode::config, "expected 'NAME VERSION sha512-…' (npm's integrity)",
                        fmt::format("{}:{}", path.string(), line_number));
    }
    out[std::string(words[0])] = {std::string(words[1]), std::string(words[2])};
  }
  return out;
}

void read_database(Checker& c, const yaml::Node& n, SourcesFile& out) {
  if (!c.keys(n, k_database_keys, "a database")) return;
  DatabaseSpec d;
  d.file = c.text(n, "file", true).value_or("");
  d.kind = c.text(n, "kind", true).value_or("");
  d.description = c.text(n, "description", true).value_or("");
  if (!d.kind.empty()) c.one_of(*n.get("kind"), d.kind, k_kinds, "kind");
  if (!d.file.empty() && !d.file.ends_with(".mmdb")) c.problem(*n.get("file"), "a database file must end in .mmdb");
  if (out.database(d.file) != nullptr) c.problem(*n.get("file"), fmt::format("database '{}' is listed twice", d.file));
  out.databases.push_back(std::move(d));
}

void read_format(Checker& c, const yaml::Node& n, SourceSpec& s) {
  auto format = c.text(n, "format", true);
  if (!format) return;
  if (*format == "mmdb") return;
  auto parsed = geo::parse_range_format(*format);
  if (!parsed) {
    c.problem(*n.get("format"), parsed.error().message + " or mmdb");
    return;
  }
  s.format = *parsed;
  if (geo::needs_provider(*parsed) && s.provider.empty()) {
    c.problem(n, fmt::format("format {} needs 'provider' (whose prefixes these are)", *format));
  }
}

void read_npm(Checker& c, const yaml::Node& n, SourceSpec& s, const std::map<std::string, LockEntry>* lock) {
  if (const yaml::Node* members = n.get("members");
      members != nullptr && members->is_seq() && !members->items.empty()) {
    for (const auto& m : members->items) s.members.push_back(m.scalar);
  } else {
    c.problem(n, "an npm source needs 'members' (the tarball files it reads), e.g. [package/asn-ipv4.csv]");
  }
  if (const yaml::Node* files = n.get("licence_files")) {
    if (!files->is_map()) c.problem(*files, "'licence_files' must map tarball members to file names");
    for (std::size_t i = 0; files->is_map() && i < files->map_size(); ++i) {
      s.licence_files[files->key(i).scalar] = files->value(i).scalar;
    }
  }
  if (lock == nullptr) {
    c.problem(n, "an npm source needs 'npm_lock' at the top of the file (the pinned versions)");
    return;
  }
  auto it = lock->find(s.npm_package);
  if (it == lock->end()) {
    c.problem(*n.get("npm"), fmt::format("npm package '{}' is not pinned in the lock file", s.npm_package));
    return;
  }
  s.version = it->second.version;
  s.integrity = it->second.integrity;
  s.url = npm_tarball_url(s.npm_package, s.version);
  s.file = npm_pack_name(s.npm_package, s.version);
  s.date_from = DateFrom::package_version;
}

void read_source(Checker& c, const yaml::Node& n, SourcesFile& out, const std::map<std::string, LockEntry>* lock) {
  if (!c.keys(n, k_source_keys, "a source")) return;
  SourceSpec s;
  s.declared_at = c.at(n);
  s.id = c.text(n, "id", true).value_or("");
  s.name = c.text(n, "name", true).value_or("");
  s.kind = c.text(n, "kind", true).value_or("");
  s.database = c.text(n, "database", true).value_or("");
  s.provider = c.text(n, "provider", false).value_or("");
  s.licence = c.text(n, "licence", true).value_or("");
  s.documentation = c.text(n, "documentation", true).value_or("");
  s.attribution = c.text(n, "attribution", false).value_or("");
  s.npm_package = c.text(n, "npm", false).value_or("");
  const bool id_ok = !s.id.empty() && std::all_of(s.id.begin(), s.id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
  if (n.get("id") != nullptr && !id_ok)
    c.problem(*n.get("id"), fmt::format("id '{}' must be lower-case letters, digits and '-'", s.id));
  if (!s.id.empty() && out.find(s.id) != nullptr)
    c.problem(*n.get("id"), fmt::format("source id '{}' is used twice", s.id));
  if (!s.kind.empty()) c.one_of(*n.get("kind"), s.kind, k_kinds, "kind");
  if (!s.database.empty() && out.database(s.database) == nullptr) {
    std::vector<std::string> files;
    for (const auto& d : out.databases) files.push_back(d.file);
    c.one_of(*n.get("database"), s.database, files, "database");
  }
  read_format(c, n, s);
  if (const yaml::Node* size = n.get("min_bytes")) {
    const std::string& t = size->scalar;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), s.min_bytes);
    if (!size->is_scalar() || t.empty() || ec != std::errc() || end != t.data() + t.size()) {
      c.problem(*size, "'min_bytes' must be a whole number of bytes");
    }
  }
  if (s.is_npm()) {
    for (const char* key : {"url", "file", "resolve", "date_from"}) {
      if (const yaml::Node* v = n.get(key)) {
        c.problem(*v, fmt::format("'{}' is derived for an npm source (from the lock file)", key));
      }
    }
    read_npm(c, n, s, lock);
  } else {
    s.url = c.text(n, "url", true).value_or("");
    s.file = c.text(n, "file", true).value_or("");
    s.resolve = c.text(n, "resolve", false).value_or("");
    if (!s.url.empty() && !s.url.starts_with("https://") && !s.url.starts_with("http://")) {
      c.problem(*n.get("url"), fmt::format("url '{}' must be http:// or https://", s.url));
    }
    if (std::count(s.file.begin(), s.file.end(), '*') > 1 || s.file.find('/') != std::string::npos) {
      c.problem(*n.get("file"), "'file' is one file name, with at most one '*'");
    }
    if (!s.resolve.empty()) {
      try {
        std::regex check(s.resolve);
      } catch (const std::regex_error& e) {
        c.problem(*n.get("resolve"), fmt::format("'resolve' is not a valid regular expression: {}", e.what()));
      }
    }
    if (auto from = c.text(n, "date_from", false);
        from && c.one_of(*n.get("date_from"), *from, k_date_from, "date_from")) {
      s.date_from = *from == "file-name" ? DateFrom::file_name
                    : *from == "feed"    ? DateFrom::feed
                                         : DateFrom::package_version;
    }
  }
  out.sources.push_back(std::move(s));
}

// A reference file the tests read from ../shared (fetched by scripts/fetch-reference-files.sh):
// only checked here, so that a typo fails `data update` and the tests alike.
void check_reference(Checker& c, const yaml::Node& n) {
  if (!c.keys(n, k_reference_keys, "a reference file")) return;
  c.text(n, "path", true);
  auto sha = c.text(n, "sha256", true);
  auto url = c.text(n, "url", true);
  if (sha && (sha->size() != 64 || !std::all_of(sha->begin(), sha->end(), [](char ch) {
                return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
              }))) {
    c.problem(*n.get("sha256"), "'sha256' must be 64 lower-case hex digits");
  }
  if (url && !url->starts_with("https://")) c.problem(*n.get("url"), "a reference file's url must be https://");
}

}  // namespace

const SourceSpec* SourcesFile::find(std::string_view id) const {
  for (const auto& s : sources) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const DatabaseSpec* SourcesFile::database(std::string_view file) const {
  for (const auto& d : databases) {
    if (d.file == file) return &d;
  }
  return nullptr;
}

std::string npm_tarball_url(std::string_view package, std::string_view version) {
  const auto slash = package.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? package : package.substr(slash + 1);
  return fmt::format("https://registry.npmjs.org/{}/-/{}-{}.tgz", package, base, version);
}

std::string npm_pack_name(std::string_view package, std::string_view version) {
  std::string name(package.starts_with('@') ? package.substr(1) : package);
  std::replace(name.begin(), name.end(), '/', '-');
  return fmt::format("{}-{}.tgz", name, version);
}

std::optional<core::Date> package_version_date(std::string_view version) {
  const auto dot = version.rfind('.');
  const std::string_view last = dot == std::string_view::npos ? version : version.substr(dot + 1);
  if (last.size() < 8 || !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  auto date = core::parse_date(fmt::format("{}-{}-{}", last.substr(0, 4), last.substr(4, 2), last.substr(6, 2)));
  if (!date) return std::nullopt;
  return *date;
}

core::Result<SourcesFile> load_sources(const fs::path& path, core::Diag& diag) {
  auto text = core::read_file(path);
  if (!text) return std::unexpected(text.error());
  auto parsed = yaml::parse(*text, path.string(), {.what = "sources file"});
  if (!parsed) {
    core::Error e = parsed.error();
    e.code = core::ErrorCode::config;
    return std::unexpected(e);
  }
  const yaml::Node& root = *parsed;
  Checker c(path.string(), diag);
  SourcesFile out;
  out.path = path;
  if (!c.keys(root, k_top_keys, "the sources file")) {
    return core::fail(core::ErrorCode::config, "the sources file must be a map", path.string());
  }
  if (auto schema = c.text(root, "schema", true); schema && *schema != k_sources_schema) {
    c.problem(*root.get("schema"), fmt::format("schema '{}'; expected {}", *schema, k_sources_schema));
  }
  std::optional<std::map<std::string, LockEntry>> lock;
  if (auto lock_name = c.text(root, "npm_lock", false)) {
    auto loaded = load_lock(path.parent_path() / *lock_name);
    if (!loaded)
      c.problem(*root.get("npm_lock"), loaded.error().to_string());
    else
      lock = std::move(*loaded);
  }
  for (const char* list : {"databases", "sources"}) {
    if (root.get(list) == nullptr || !root.get(list)->is_seq())
      c.problem(root, fmt::format("'{}' must be a list", list));
  }
  if (c.errors() == 0) {
    for (const auto& d : root.get("databases")->items) read_database(c, d, out);
    for (const auto& s : root.get("sources")->items) read_source(c, s, out, lock ? &*lock : nullptr);
    if (const yaml::Node* refs = root.get("reference_files")) {
      for (const auto& r : refs->items) check_reference(c, r);
    }
  }
  if (c.errors() > 0) {
    return core::fail(core::ErrorCode::config, fmt::format("{} problem(s) in the sources file", c.errors()),
                      path.string());
  }
  return out;
}

}  // namespace update
