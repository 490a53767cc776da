#pragma once
// The signature of a push callback (api.md §4):
//   X-Rkgate-Signature: sha256=<lowercase hex HMAC-SHA256 of the exact body bytes>
// keyed with the source's secret. Receivers recompute it over the raw body.

#include <string>
#include <string_view>

namespace rkgate::notify {

/// The header that carries the signature.
inline constexpr const char* signature_header = "X-Rkgate-Signature";

/// Lowercase hex HMAC-SHA256 of `body` keyed with `secret` (64 characters).
std::string hmac_sha256_hex(std::string_view secret, std::string_view body);

/// The header value: "sha256=" followed by hmac_sha256_hex(secret, body).
std::string signature(std::string_view secret, std::string_view body);

} // namespace rkgate::notify
