#pragma once
// Typed failures of an r_keeper call, from the socket up to the XML status.

#include "rk7/types.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rk7 {

enum class error_kind {
  network,       ///< connection refused, reset, DNS, TLS handshake
  timeout,       ///< connect or total timeout expired
  unauthorized,  ///< HTTP 401: wrong user or password
  http_status,   ///< any other non-200 HTTP status
  bad_reply,     ///< not XML, truncated, or not an RK7QueryResult
  rk7_status,    ///< Status other than Ok / No changes (see status, rk7_error_n)
};

struct error {
  error_kind kind = error_kind::network;
  std::string message;     ///< human text (ErrorText for rk7_status)
  int http_status = 0;     ///< for http_status / unauthorized
  std::string status;      ///< RK7QueryResult Status, e.g. "Query Executing Error"
  int rk7_error_n = 0;     ///< RK7ErrorN when the server sent one
  std::vector<line_error> lines; ///< per-line errors (SaveOrder, CalcOrder)

  /// True when the cash server could not be asked at all (nothing happened there).
  bool unreachable() const {
    return kind == error_kind::network || kind == error_kind::timeout;
  }
  /// True for the XML-SaaS seqNumber errors that call for a resync (§5.4).
  bool seq_out_of_step() const {
    return kind == error_kind::rk7_status && (rk7_error_n == 5305 || rk7_error_n == 5310);
  }
};

const char* to_string(error_kind kind);

/// A value or an error. Minimal on purpose: C++17 has no std::expected.
template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(rk7::error err) : v_(std::move(err)) {}

  explicit operator bool() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const rk7::error& error() const { return std::get<1>(v_); }

private:
  std::variant<T, rk7::error> v_;
};

} // namespace rk7
