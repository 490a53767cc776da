#pragma once
// The automatic cashier (`--cashier auto`): staff at the tills taking every
// order through its life, one step per round. Pure and synchronous: the HTTP
// front calls round() from a timer every interval; tests call it directly.
//
// In each round, every open order that has dishes and has not changed since
// the end of the previous round (the cashier's own steps do not count, a
// client's SaveOrder does) takes one step: an order without a bill gets its bill
// printed (or, at add_rate, a waiter adds a dish instead); a billed order is
// paid in cash and closed (or, at void_rate, voided instead). Orders without
// dishes (a client between CreateOrder and SaveOrder) are left alone. At
// stoplist_rate a round also puts a random dish on the stop list or takes it
// off. So an order saved at t is billed in the first round after t + interval
// and paid one round (one interval) later.

#include "rk7sim/cash_server.hpp"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace rkgate::rk7sim {

/// How the automatic cashier behaves; every rate is a probability in [0, 1].
struct cashier_settings {
  int interval_ms = 2000;      ///< time between rounds (the front's timer)
  double add_rate = 0.1;       ///< an order due for its bill gets a dish added instead
  double void_rate = 0.05;     ///< a billed order due for payment is voided instead
  double stoplist_rate = 0.05; ///< per round: a random dish goes on or off the stop list
};

/// Throws std::invalid_argument unless interval_ms > 0 and every rate is in [0, 1].
void validate(const cashier_settings& settings);

/// One thing the cashier did.
struct cashier_action {
  std::string guid;              ///< the order; empty for stop-list changes
  std::string action;            ///< add, bill, pay, void, stoplist_on, stoplist_off
  ident dish = 0;                ///< add and stop-list changes: the dish
  std::int64_t version = 0;      ///< the order's version after the action (0 for stop-list changes)
  std::int64_t list_version = 0; ///< GetOrderList lastversion after the action
};

class auto_cashier {
public:
  auto_cashier(cash_server& server, unsigned seed) : server_(server), rng_(seed) {}

  /// Does one round with `settings`; returns what it did, in order.
  std::vector<cashier_action> round(const cashier_settings& settings);

  /// Rounds done so far.
  std::uint64_t rounds() const { return rounds_; }

private:
  bool happens(double rate);
  ident random_dish();

  cash_server& server_;
  std::mt19937 rng_;
  std::uint64_t rounds_ = 0;
  /// Versions of the open orders at the end of the previous round.
  std::map<std::string, std::int64_t> seen_;
};

} // namespace rkgate::rk7sim
