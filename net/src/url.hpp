#pragma once
// The parts of an http(s) URL the engine needs to connect and to write a
// request line. No userinfo (credentials go in request::auth).

#include <optional>
#include <string>
#include <string_view>

namespace rkgate::net::detail {

struct url_parts {
  bool tls = false;
  std::string host;        ///< a name or an address; an IPv6 address without brackets
  std::string port;        ///< digits; the scheme's default when the URL names none
  std::string target;      ///< path and query, at least "/"; no fragment
  std::string host_header; ///< what the Host header says: host, and the port unless it is the default
};

/// nullopt unless `url` is an absolute http:// or https:// URL with a host
/// (scheme case-insensitive, port 1-65535).
std::optional<url_parts> parse_url(std::string_view url);

} // namespace rkgate::net::detail
