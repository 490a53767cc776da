#pragma once
// Internal: a self-signed certificate generated at start (as cash servers use).

#include <string>

namespace rkgate::rk7sim {

struct pem_pair {
  std::string certificate;
  std::string private_key;
};

/// A fresh RSA-2048 key and a self-signed X.509 certificate for `common_name`,
/// valid for a year; throws std::runtime_error on OpenSSL failure.
pem_pair make_self_signed(const std::string& common_name);

} // namespace rkgate::rk7sim
