#include "rk7sim/auto_cashier.hpp"

#include <stdexcept>

namespace rkgate::rk7sim {

void validate(const cashier_settings& s) {
  if (s.interval_ms <= 0)
    throw std::invalid_argument("cashier interval_ms must be > 0");
  for (double rate : {s.add_rate, s.void_rate, s.stoplist_rate})
    if (!(rate >= 0.0 && rate <= 1.0))
      throw std::invalid_argument("cashier rates must be between 0 and 1");
}

bool auto_cashier::happens(double rate) {
  // Rates 0 and 1 draw nothing, so they stay deterministic whatever the seed.
  if (rate <= 0.0)
    return false;
  if (rate >= 1.0)
    return true;
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < rate;
}

ident auto_cashier::random_dish() {
  auto dishes = server_.dish_idents();
  if (dishes.empty())
    return 0;
  return dishes[std::uniform_int_distribution<std::size_t>(0, dishes.size() - 1)(rng_)];
}

std::vector<cashier_action> auto_cashier::round(const cashier_settings& settings) {
  ++rounds_;
  std::vector<cashier_action> done;
  for (const auto& o : server_.open_orders()) {
    auto previous = seen_.find(o.guid);
    // Staff wait until the order has stayed as it is for a whole round, so a
    // client still saving it is not overtaken.
    if (!o.has_dishes || previous == seen_.end() || previous->second != o.version)
      continue;
    cashier_action a{o.guid, "", 0, 0, 0};
    control_result r;
    if (!o.billed && happens(settings.add_rate)) {
      a.action = "add";
      a.dish = random_dish();
      r = server_.add_dish(o.guid, a.dish, 1000);
    } else if (!o.billed) {
      a.action = "bill";
      r = server_.print_bill(o.guid);
    } else if (happens(settings.void_rate)) {
      a.action = "void";
      r = server_.void_order(o.guid);
    } else {
      a.action = "pay";
      r = server_.pay(o.guid);
    }
    if (!r.ok)
      continue;
    a.version = server_.order_version(o.guid);
    a.list_version = server_.list_version();
    done.push_back(std::move(a));
  }
  if (happens(settings.stoplist_rate)) {
    ident dish = random_dish();
    bool on = !server_.stop_listed(dish);
    if (dish && server_.set_stop_list(dish, on).ok)
      done.push_back({"", on ? "stoplist_on" : "stoplist_off", dish, 0, server_.list_version()});
  }
  seen_.clear();
  for (const auto& o : server_.open_orders())
    seen_[o.guid] = o.version;
  return done;
}

} // namespace rkgate::rk7sim
