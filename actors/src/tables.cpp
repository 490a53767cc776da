#include "actors/tables.hpp"

namespace rkgate::actors {

std::string table_name(std::int64_t base_code, int slot) {
  auto base = std::to_string(base_code);
  return slot == 0 ? base : base + "." + std::to_string(slot);
}

std::string delivery_table_name(int slot) {
  return slot == 0 ? "Dlv" : "Dlv." + std::to_string(slot);
}

int lowest_free_slot(const std::set<int>& used) {
  int slot = 0;
  while (used.count(slot))
    ++slot;
  return slot;
}

} // namespace rkgate::actors
