#include "common/guid.hpp"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace rkgate {

namespace {

/// Random bytes drawn from OpenSSL in blocks: one RAND_bytes call costs about
/// as much for 512 bytes as for 16, and a cold one (once per order on an
/// actor thread) showed up at about 1 % of the gateway's CPU in a profile.
/// Per thread, so nothing is shared.
class random_pool {
public:
  void take(unsigned char* out, std::size_t n) {
    if (used_ + n > sizeof bytes_) {
      if (RAND_bytes(bytes_, sizeof bytes_) != 1)
        throw std::runtime_error("no randomness for a GUID");
      used_ = 0;
    }
    std::memcpy(out, bytes_ + used_, n);
    std::memset(bytes_ + used_, 0, n); // a GUID's bytes do not stay behind
    used_ += n;
  }

private:
  unsigned char bytes_[512];
  std::size_t used_ = sizeof bytes_;
};

/// r_keeper's spelling of `g`: upper case, in braces.
std::string spelled(const guid_bits& g) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
  std::size_t at = 1;
  for (int digit = 0; digit < 32; ++digit) {
    if (out[at] == '-')
      ++at;
    std::uint64_t half = digit < 16 ? g.hi : g.lo;
    out[at++] = hex[(half >> (4 * (15 - digit % 16))) & 0x0F];
  }
  return out;
}

} // namespace

std::string new_guid() {
  thread_local random_pool pool;
  unsigned char b[16];
  pool.take(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
  guid_bits g;
  for (int i = 0; i < 8; ++i) {
    g.hi = g.hi << 8 | b[i];
    g.lo = g.lo << 8 | b[8 + i];
  }
  return spelled(g);
}

std::optional<std::string> normalize_guid(std::string_view text) {
  if (auto g = guid_bits_of(text))
    return spelled(*g);
  return std::nullopt;
}

std::optional<guid_bits> guid_bits_of(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}')
    text = text.substr(1, 36);
  if (text.size() != 36)
    return std::nullopt;
  guid_bits g;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return std::nullopt;
      continue;
    }
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (v < 0)
      return std::nullopt;
    auto& half = digits < 16 ? g.hi : g.lo;
    half = half << 4 | static_cast<std::uint64_t>(v);
    ++digits;
  }
  return g;
}

} // namespace rkgate
