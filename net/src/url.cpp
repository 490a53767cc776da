#include "url.hpp"

#include <cctype>

namespace rkgate::net::detail {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
      return false;
  return true;
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5)
    return false;
  unsigned value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

bool valid_host(std::string_view host) {
  if (host.empty())
    return false;
  for (char c : host)
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '\\' || c == '"' || c == '<' || c == '>')
      return false;
  return true;
}

} // namespace

std::optional<url_parts> parse_url(std::string_view url) {
  url_parts out;
  if (starts_with_nocase(url, "https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (starts_with_nocase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const std::size_t authority_end = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = authority_end == std::string_view::npos ? std::string_view{} : url.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return std::nullopt;

  std::string_view host, port;
  bool bracketed = false;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    host = authority.substr(1, close - 1);
    bracketed = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return std::nullopt;
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos)
      port = authority.substr(colon + 1);
  }
  if (!valid_host(host))
    return std::nullopt;
  const std::string_view default_port = out.tls ? "443" : "80";
  if (port.empty())
    port = default_port;
  else if (!valid_port(port))
    return std::nullopt;

  out.host = std::string(host);
  out.port = std::string(port);
  out.host_header = bracketed ? "[" + out.host + "]" : out.host;
  if (port != default_port)
    out.host_header += ":" + out.port;
  rest = rest.substr(0, rest.find('#'));
  for (char c : rest)
    if (static_cast<unsigned char>(c) <= ' ') // would break the request line
      return std::nullopt;
  out.target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

} // namespace rkgate::net::detail
