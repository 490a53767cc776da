#include "actors/tables.hpp"

namespace rkgate::actors {

std::string table_name(std::int64_t base_code, int slot) {
  auto base = std::to_string(base_code);
  return slot == 0 ? base : base + "." + std::to_string(slot);
}

std::string delivery_table_name(int slot) {
  return slot == 0 ? "Dlv" : "Dlv." + std::to_string(slot);
}

int lowest_free_slot(const std::map<int, std::string>& taken) {
  int slot = 0;
  for (const auto& entry : taken) {
    if (entry.first != slot)
      break; // slots are never negative, so the first gap is the lowest
    ++slot;
  }
  return slot;
}

} // namespace rkgate::actors
