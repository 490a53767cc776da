#include "common/guid.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace rkgate {

std::string new_guid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1)
    throw std::runtime_error("no randomness for a GUID");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
  char out[39];
  std::snprintf(out, sizeof out,
                "{%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::optional<std::string> normalize_guid(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}')
    text = text.substr(1, 36);
  if (text.size() != 36)
    return std::nullopt;
  std::string out = "{";
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash_pos = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_pos ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  out += '}';
  return out;
}

} // namespace rkgate
