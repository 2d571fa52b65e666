// Obtaining a source: the official route (resolve page → URL → conditional fetch) or each mirror
// in turn (folder: read the file; URL: fetch it, a 404 meaning "not in this mirror"). Whatever
// the route, the outcome is a Fetched: got, not modified, absent from every mirror, or failed.
#include "update/obtain.hpp"

#include "core/atomic_file.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace update::detail {

namespace {

namespace fs = std::filesystem;

bool is_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

std::string with_slash(std::string s) {
  if (!s.empty() && s.back() != '/') s += '/';
  return s;
}

std::string last_segment(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

bool network_failure(const probe::FetchResult& r) {
  return r.status == probe::FetchStatus::timeout || r.status == probe::FetchStatus::unreachable ||
         r.status == probe::FetchStatus::tls_error || probe::is_transient(r);
}

Fetched from_result(probe::FetchResult r, const std::string& url, const std::string& file_name) {
  Fetched f;
  f.from = url;
  f.file_name = file_name;
  f.etag = std::move(r.etag);
  f.last_modified = std::move(r.last_modified);
  if (r.status == probe::FetchStatus::ok) {
    f.state = Fetched::State::got;
    f.bytes = std::move(r.body);
  } else if (r.status == probe::FetchStatus::not_modified) {
    f.state = Fetched::State::not_modified;
  } else {
    f.state = Fetched::State::failed;
    f.network = network_failure(r);
    f.detail = fmt::format("{}: {} after {} attempt(s)", url, r.detail, r.attempts);
  }
  return f;
}

probe::FetchOptions conditional(const ObtainContext& c, const std::string& url) {
  probe::FetchOptions o = c.fetch;
  if (url == c.installed_from) {
    o.etag = c.installed_etag;
    o.last_modified = c.installed_last_modified;
  }
  return o;
}

// The official route.
Fetched official(const SourceSpec& spec, const ObtainContext& c) {
  std::string url = spec.url;
  if (auto it = c.urls.find(spec.id); it != c.urls.end()) {
    url = it->second;
  } else if (!spec.resolve.empty()) {
    probe::FetchOptions page_options = c.fetch;
    page_options.progress = nullptr;
    auto page = probe::fetch(url, page_options);
    if (!page.ok()) return from_result(std::move(page), url, spec.file);
    std::vector<std::string> found;
    const std::regex pattern(spec.resolve);
    for (auto m = std::sregex_iterator(page.body.begin(), page.body.end(), pattern); m != std::sregex_iterator(); ++m) {
      found.push_back(m->str());
    }
    if (found.empty()) {
      Fetched f;
      f.detail = fmt::format("{}: no link matching '{}' on the page (give the file's URL with --url {}=URL)", url,
                             spec.resolve, spec.id);
      return f;
    }
    // The newest: file names carry the date (ServiceTags_Public_YYYYMMDD.json).
    url = *std::max_element(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
      return last_segment(a) < last_segment(b);
    });
  }
  const std::string name = spec.file.find('*') != std::string::npos ? last_segment(url) : spec.file;
  return from_result(probe::fetch(url, conditional(c, url)), url, name);
}

// One mirror folder: nullopt when it does not hold the file.
std::optional<Fetched> from_folder(const SourceSpec& spec, const fs::path& dir) {
  std::string name = spec.file;
  if (name.find('*') != std::string::npos) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
    name = newest_match(names, spec.file);
    if (name.empty()) return std::nullopt;
  }
  const fs::path path = dir / name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  auto bytes = core::read_file(path);
  Fetched f;
  f.from = path.string();
  f.file_name = name;
  if (!bytes) {
    f.detail = bytes.error().to_string();
    return f;
  }
  f.state = Fetched::State::got;
  f.bytes = std::move(*bytes);
  return f;
}

// One mirror URL: nullopt when it answers 404 (or its index lists no match).
std::optional<Fetched> from_mirror_url(const SourceSpec& spec, const std::string& base, const ObtainContext& c) {
  std::string name = spec.file;
  if (name.find('*') != std::string::npos) {
    probe::FetchOptions o = c.fetch;
    o.progress = nullptr;
    auto index = probe::fetch(base, o);
    if (index.status == probe::FetchStatus::http_error && index.http_status == 404) return std::nullopt;
    if (!index.ok()) return from_result(std::move(index), base, spec.file);
    name = newest_match(page_links(index.body), spec.file);
    if (name.empty()) return std::nullopt;
  }
  const std::string url = base + name;
  auto r = probe::fetch(url, conditional(c, url));
  if (r.status == probe::FetchStatus::http_error && (r.http_status == 404 || r.http_status == 410)) return std::nullopt;
  return from_result(std::move(r), url, name);
}

}  // namespace

std::vector<std::string> page_links(std::string_view html) {
  std::vector<std::string> out;
  static const std::regex href(R"(href\s*=\s*["']([^"']+)["'])", std::regex::icase);
  const std::string text(html);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), href); it != std::sregex_iterator(); ++it) {
    std::string link = (*it)[1].str();
    std::string decoded;
    for (std::size_t i = 0; i < link.size(); ++i) {
      if (link[i] == '%' && i + 2 < link.size() && std::isxdigit(static_cast<unsigned char>(link[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(link[i + 2]))) {
        decoded += static_cast<char>(std::stoi(link.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        decoded += link[i];
      }
    }
    out.push_back(last_segment(decoded));
  }
  return out;
}

std::string newest_match(const std::vector<std::string>& names, std::string_view pattern) {
  std::string best;
  for (const auto& n : names) {
    if (core::glob_match(pattern, n) && n > best) best = n;
  }
  return best;
}

Fetched obtain(const SourceSpec& spec, const ObtainContext& c) {
  if (c.mirrors.empty()) return official(spec, c);
  for (const auto& mirror : c.mirrors) {
    std::optional<Fetched> got =
        is_url(mirror) ? from_mirror_url(spec, with_slash(mirror), c) : from_folder(spec, fs::path(mirror));
    if (got) return std::move(*got);
  }
  Fetched absent;
  absent.state = Fetched::State::absent;
  absent.detail = fmt::format("no {} in {}", spec.file, fmt::join(c.mirrors, " or "));
  return absent;
}

}  // namespace update::detail
