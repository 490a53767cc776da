#pragma once
// Hex digests used for ETags, body hashes and callback signatures.

#include <cstddef>
#include <string>
#include <string_view>

namespace rkgate {

/// Lower-case hex of `size` bytes.
std::string to_hex(const unsigned char* bytes, std::size_t size);

/// SHA-256 of `text` as lower-case hex (64 characters).
std::string sha256_hex(std::string_view text);

} // namespace rkgate
