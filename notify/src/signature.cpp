#include "notify/signature.hpp"

#include "common/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace rkgate::notify {

std::string hmac_sha256_hex(std::string_view secret, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // HMAC() with a null key pointer would misbehave for an empty secret.
  static const unsigned char empty = 0;
  const void* key = secret.empty() ? &empty : static_cast<const void*>(secret.data());
  if (!HMAC(EVP_sha256(), key, static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length))
    throw std::runtime_error("HMAC-SHA256 failed");
  return to_hex(digest, length);
}

std::string signature(std::string_view secret, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, body);
}

} // namespace rkgate::notify
