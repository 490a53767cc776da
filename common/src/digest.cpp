#include "common/digest.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace rkgate {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(hex[bytes[i] >> 4]);
    out.push_back(hex[bytes[i] & 0x0f]);
  }
  return out;
}

std::string sha256_hex(std::string_view text) {
  // Fetched once: OpenSSL 3's SHA256() looks the algorithm up in its provider
  // store (under a lock) on every call, which cost more than the hashing of
  // an order's body (about 1 % of the gateway's CPU per order in a profile).
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!sha256 || EVP_Digest(text.data(), text.size(), digest, &size, sha256, nullptr) != 1)
    throw std::runtime_error("SHA-256 unavailable");
  return to_hex(digest, size);
}

} // namespace rkgate
