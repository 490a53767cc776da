#pragma once
// The problems the loader reports for a configuration text that must not load.

#include <config/config.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

inline std::vector<rkgate::config::problem> problems_of(const std::string& yaml) {
  auto result = rkgate::config::load_text(yaml);
  REQUIRE(std::holds_alternative<std::vector<rkgate::config::problem>>(result));
  return std::get<std::vector<rkgate::config::problem>>(result);
}
