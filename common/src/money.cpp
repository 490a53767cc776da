#include "common/money.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rkgate {

namespace {

// Scales `value` by `factor` and accepts it only when the result is an
// integer up to floating-point noise (so 36.5 -> 3650, 0.1 + 0.2 -> 30).
std::optional<std::int64_t> scaled(double value, double factor) {
  if (!std::isfinite(value))
    return std::nullopt;
  double x = value * factor;
  double r = std::round(x);
  if (std::fabs(x - r) > 1e-6 * std::max(1.0, std::fabs(x)) || std::fabs(r) > 9e15)
    return std::nullopt;
  return static_cast<std::int64_t>(r);
}

} // namespace

std::optional<kopecks> parse_kopecks(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  bool negative = text.front() == '-';
  if (negative || text.front() == '+')
    text.remove_prefix(1);
  kopecks whole = 0, frac = 0;
  int frac_digits = 0;
  bool seen_digit = false, seen_dot = false;
  for (char c : text) {
    if (c == '.' || c == ',') {
      if (seen_dot)
        return std::nullopt;
      seen_dot = true;
    } else if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (seen_dot) {
        if (++frac_digits > 2)
          return std::nullopt;
        frac = frac * 10 + (c - '0');
      } else {
        if (whole > 90'000'000'000'000LL)
          return std::nullopt;
        whole = whole * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit)
    return std::nullopt;
  if (frac_digits == 1)
    frac *= 10;
  kopecks v = whole * 100 + frac;
  return negative ? -v : v;
}

std::optional<kopecks> kopecks_from_number(double value) {
  return scaled(value, 100.0);
}

std::optional<milli> milli_from_number(double value) {
  return scaled(value, 1000.0);
}

double to_number(kopecks value) {
  return static_cast<double>(value) / 100.0;
}

double portions(milli value) {
  return static_cast<double>(value) / 1000.0;
}

std::string format_kopecks(kopecks value) {
  char buf[32];
  unsigned long long a = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                   : static_cast<unsigned long long>(value);
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", value < 0 ? "-" : "", a / 100, a % 100);
  return buf;
}

} // namespace rkgate
