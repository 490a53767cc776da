// Durations ("500ms", "1h30m") and sizes ("1MiB") as written in the YAML file.
#include "config/config.hpp"

#include <cctype>
#include <limits>

namespace rkgate::config {

namespace {

/// Reads the decimal digits at `pos`; nullopt when there are none or they overflow.
std::optional<std::uint64_t> read_number(const std::string& text, std::size_t& pos) {
  const std::size_t start = pos;
  std::uint64_t value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[pos] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == start)
    return std::nullopt;
  return value;
}

/// a * b, nullopt on overflow.
std::optional<std::uint64_t> times(std::uint64_t a, std::uint64_t b) {
  if (b != 0 && a > std::numeric_limits<std::uint64_t>::max() / b)
    return std::nullopt;
  return a * b;
}

} // namespace

std::optional<milliseconds> parse_duration(const std::string& text) {
  // Larger units first in each group is not required ("30s500ms" is fine),
  // but every number needs a unit.
  std::size_t pos = 0;
  std::uint64_t total = 0;
  if (text.empty())
    return std::nullopt;
  while (pos < text.size()) {
    const auto number = read_number(text, pos);
    if (!number)
      return std::nullopt;
    std::uint64_t unit_ms = 0;
    if (text.compare(pos, 2, "ms") == 0) {
      unit_ms = 1;
      pos += 2;
    } else if (pos < text.size() && text[pos] == 's') {
      unit_ms = 1000;
      ++pos;
    } else if (pos < text.size() && text[pos] == 'm') {
      unit_ms = 60 * 1000;
      ++pos;
    } else if (pos < text.size() && text[pos] == 'h') {
      unit_ms = 60 * 60 * 1000;
      ++pos;
    } else if (pos < text.size() && text[pos] == 'd') {
      unit_ms = 24 * 60 * 60 * 1000;
      ++pos;
    } else {
      return std::nullopt;
    }
    const auto part = times(*number, unit_ms);
    if (!part || total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - *part)
      return std::nullopt;
    total += *part;
  }
  return milliseconds(static_cast<milliseconds::rep>(total));
}

std::optional<std::uint64_t> parse_size(const std::string& text) {
  std::size_t pos = 0;
  const auto number = read_number(text, pos);
  if (!number)
    return std::nullopt;
  const std::string unit = text.substr(pos);
  std::uint64_t factor = 0;
  if (unit.empty() || unit == "B")
    factor = 1;
  else if (unit == "KiB")
    factor = 1024;
  else if (unit == "MiB")
    factor = 1024 * 1024;
  else if (unit == "GiB")
    factor = 1024ull * 1024 * 1024;
  else if (unit == "KB" || unit == "kB")
    factor = 1000;
  else if (unit == "MB")
    factor = 1000 * 1000;
  else if (unit == "GB")
    factor = 1000ull * 1000 * 1000;
  else
    return std::nullopt;
  return times(*number, factor);
}

} // namespace rkgate::config
