#include "rk7/error.hpp"
#include "rk7/types.hpp"

#include "xml_read.hpp"

#include <cstdlib>
#include <limits>
#include <strings.h>

namespace rk7 {

const char* to_string(error_kind kind) {
  switch (kind) {
    case error_kind::network: return "network";
    case error_kind::timeout: return "timeout";
    case error_kind::unauthorized: return "unauthorized";
    case error_kind::http_status: return "http_status";
    case error_kind::bad_reply: return "bad_reply";
    case error_kind::rk7_status: return "rk7_status";
  }
  return "unknown";
}

std::optional<std::string> ref_item::get(const std::string& name) const {
  for (const auto& [key, value] : attrs)
    if (strcasecmp(key.c_str(), name.c_str()) == 0)
      return value;
  return std::nullopt;
}

std::optional<std::int64_t> ref_item::get_int(const std::string& name) const {
  auto v = get(name);
  if (!v)
    return std::nullopt;
  return detail::parse_int(*v);
}

std::int64_t ref_item::ident() const {
  for (const char* name : {"Ident", "ItemIdent", "id"})
    if (auto v = get_int(name))
      return *v;
  return 0;
}

std::optional<kopecks> ref_item::price(std::int64_t price_type) const {
  auto text = get("PRICETYPES-" + std::to_string(price_type));
  if (!text)
    return std::nullopt;
  if (auto whole = detail::parse_int(*text)) {
    if (*whole == std::numeric_limits<std::int64_t>::max())
      return std::nullopt;
    return static_cast<kopecks>(*whole);
  }
  // "250.00" / "250,5": roubles with up to two decimals.
  std::string t = *text;
  auto sep = t.find_first_of(".,");
  if (sep == std::string::npos)
    return std::nullopt;
  std::string frac = t.substr(sep + 1);
  auto units = detail::parse_int(t.substr(0, sep));
  if (!units || frac.empty() || frac.size() > 2 || frac.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  if (frac.size() == 1)
    frac += '0';
  std::int64_t cents = std::strtoll(frac.c_str(), nullptr, 10);
  bool negative = !t.empty() && t.find('-') < sep;
  return static_cast<kopecks>(*units * 100 + (negative ? -cents : cents));
}

} // namespace rk7
