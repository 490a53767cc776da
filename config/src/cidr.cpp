#include "config/config.hpp"

#include <arpa/inet.h>
#include <cstring>

namespace rkgate::config {

namespace {

/// The 16 bytes of an IPv6 address or the 4 of an IPv4 one; false when
/// `text` is neither (brackets around IPv6 are allowed).
bool parse_address(std::string text, bool& v6, std::uint8_t (&bytes)[16]) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::memset(bytes, 0, sizeof bytes);
  in_addr v4{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    v6 = false;
    std::memcpy(bytes, &v4, 4);
    return true;
  }
  in6_addr addr6{};
  if (::inet_pton(AF_INET6, text.c_str(), &addr6) == 1) {
    v6 = true;
    std::memcpy(bytes, &addr6, 16);
    return true;
  }
  return false;
}

bool is_v4_mapped(const std::uint8_t (&bytes)[16]) {
  static const std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(bytes, prefix, 12) == 0;
}

} // namespace

std::optional<cidr> parse_cidr(const std::string& text) {
  cidr out;
  out.text = text;
  const auto slash = text.find('/');
  if (!parse_address(text.substr(0, slash), out.v6, out.bytes))
    return std::nullopt;
  const int max_prefix = out.v6 ? 128 : 32;
  if (slash == std::string::npos) {
    out.prefix = max_prefix; // a single address
    return out;
  }
  const std::string digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3
      || digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  out.prefix = std::stoi(digits);
  if (out.prefix > max_prefix)
    return std::nullopt;
  return out;
}

bool cidr::contains(const std::string& address) const {
  bool addr_v6 = false;
  std::uint8_t addr[16];
  if (!parse_address(address, addr_v6, addr))
    return false;
  if (addr_v6 && !v6 && is_v4_mapped(addr)) {
    // ::ffff:a.b.c.d, as a dual-stack listener reports IPv4 peers
    std::memmove(addr, addr + 12, 4);
    addr_v6 = false;
  }
  if (addr_v6 != v6)
    return false;
  const int full_bytes = prefix / 8;
  if (std::memcmp(addr, bytes, static_cast<std::size_t>(full_bytes)) != 0)
    return false;
  const int rest_bits = prefix % 8;
  if (rest_bits == 0)
    return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest_bits));
  return (addr[full_bytes] & mask) == (bytes[full_bytes] & mask);
}

} // namespace rkgate::config
