#pragma once
// A minimal valid rkgate configuration for config tests.

#include <string>

/// One restaurant with only the required keys; `extra` (restaurant-level
/// lines, indented by four spaces) goes right after its id.
inline std::string restaurant_with(const std::string& extra) {
  return R"(restaurants:
  - id: r1
)" + extra + R"(    cash_server:
      url: https://127.0.0.1:8086/rk7api/v0/xmlinterface.xml
      user: http
      password: http
    r_keeper_references:
      station_id: 1
      waiter_code: 2
      table_code: 3
      order_category: 4
      external_sales_classification: 5
)";
}
