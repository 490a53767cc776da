#include "config/config.hpp"

#include <algorithm>

namespace rkgate::config {

namespace {

bool listed(const std::vector<std::string>& restaurants, const std::string& id) {
  return std::find(restaurants.begin(), restaurants.end(), "all") != restaurants.end()
         || std::find(restaurants.begin(), restaurants.end(), id) != restaurants.end();
}

} // namespace

bool source::allows(const std::string& restaurant_id) const {
  return listed(restaurants, restaurant_id);
}

bool operator_account::allows(const std::string& restaurant_id) const {
  return listed(restaurants, restaurant_id);
}

const restaurant* gateway::find_restaurant(const std::string& id) const {
  for (const auto& r : restaurants)
    if (r.id == id)
      return &r;
  return nullptr;
}

std::string problem::to_string() const {
  std::string out;
  if (line > 0)
    out += std::to_string(line) + ": ";
  if (!path.empty())
    out += path + ": ";
  return out + message;
}

} // namespace rkgate::config
