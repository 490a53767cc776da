#include "actors/tables.hpp"

namespace rkgate::actors {

std::string table_name(std::int64_t base_code, int slot) {
  auto base = std::to_string(base_code);
  return slot == 0 ? base : base + "." + std::to_string(slot);
}

std::string delivery_table_name(int slot) {
  return slot == 0 ? "Dlv" : "Dlv." + std::to_string(slot);
}

slot_numbers::slot_numbers(const std::map<int, std::string>& taken) {
  for (const auto& entry : taken) {
    for (int gap = fresh_; gap < entry.first; ++gap)
      released_.insert(gap);
    fresh_ = entry.first + 1;
  }
}

int slot_numbers::take() {
  if (released_.empty())
    return fresh_++;
  int slot = *released_.begin();
  released_.erase(released_.begin());
  return slot;
}

void slot_numbers::release(int slot) {
  if (slot != fresh_ - 1) {
    released_.insert(slot);
    return;
  }
  // The highest slot: shrink, and drop the free numbers now at the top.
  --fresh_;
  while (!released_.empty() && *released_.rbegin() == fresh_ - 1) {
    released_.erase(std::prev(released_.end()));
    --fresh_;
  }
}

} // namespace rkgate::actors
