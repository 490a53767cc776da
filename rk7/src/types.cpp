#include "rk7/error.hpp"
#include "rk7/types.hpp"

#include "xml_read.hpp"

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

} // namespace rk7
