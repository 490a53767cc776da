#include "restaurant_slot.hpp"

namespace rkgate::rk7sim {

restaurant_slot::restaurant_slot(asio::io_context& io, std::unique_ptr<cash_server> server,
                                 const sim_options& options, std::chrono::steady_clock::time_point epoch,
                                 unsigned seed)
    : latency(options.latency), command_latency(options.command_latency), serialize(options.serialize),
      hang_ms(options.hang_ms), faults(options.faults), io_(io), server_(std::move(server)), epoch_(epoch),
      rng_(seed) {
  if (options.cashier_auto)
    set_cashier(true, options.cashier_interval_ms);
}

long long restaurant_slot::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

void restaurant_slot::submit(std::string body, reply_fn reply) {
  job j{std::move(body), std::move(reply)};
  // A real cash server works through XML requests one at a time: the next
  // waits its turn (other restaurants have their own queue).
  if (serialize && in_service_ > 0) {
    queue_.push_back(std::move(j));
    return;
  }
  start(std::move(j));
}

std::string restaurant_slot::next_fault() {
  for (auto& f : faults)
    if (f.count > 0) {
      --f.count;
      return f.kind;
    }
  std::uniform_real_distribution<double> dice(0.0, 1.0);
  for (const auto& f : faults)
    if (f.rate > 0 && dice(rng_) < f.rate)
      return f.kind;
  return "";
}

int restaurant_slot::delay_for(const std::string& command) {
  auto it = command_latency.find(command);
  const latency_spec& l = it != command_latency.end() ? it->second : latency;
  if (l.max_ms <= l.min_ms)
    return l.min_ms;
  return std::uniform_int_distribution<int>(l.min_ms, l.max_ms)(rng_);
}

void restaurant_slot::start(job j) {
  ++in_service_;
  long long start_ms = now_ms();
  std::string fault = next_fault();
  int delay = fault == "hang" ? hang_ms : delay_for(cash_server::command_of(j.body));
  // Latency is a timer, never a sleep: the io thread keeps serving others.
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(delay));
  timer->async_wait([this, timer, j = std::move(j), fault, start_ms](const asio::error_code&) {
    finish(j, fault, start_ms);
  });
}

void restaurant_slot::finish(const job& j, const std::string& fault, long long start_ms) {
  http_reply r;
  if (fault == "http500") {
    r.status = 500;
    r.body = "Internal Server Error";
  } else if (fault == "drop") {
    r.drop = true;
  } else if (fault == "shift_closing") {
    r.body = server_->shift_closing_reply(j.body);
  } else {
    r.body = server_->handle(j.body); // also after a hang: the late request still runs
  }
  std::string command = cash_server::command_of(j.body);
  log_.push_back({command.empty() ? "(none)" : command, start_ms, now_ms(), fault});
  if (log_.size() > 1000)
    log_.pop_front();
  j.reply(std::move(r));
  --in_service_;
  if (!queue_.empty() && (in_service_ == 0 || !serialize)) {
    job next = std::move(queue_.front());
    queue_.pop_front();
    start(std::move(next));
  }
}

void restaurant_slot::set_cashier(bool on, int interval_ms) {
  cashier_on_ = on;
  cashier_interval_ms_ = std::max(1, interval_ms);
  if (cashier_timer_)
    cashier_timer_->cancel();
  cashier_timer_.reset();
  if (on)
    cashier_tick();
}

void restaurant_slot::cashier_tick() {
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(cashier_interval_ms_));
  cashier_timer_ = timer;
  timer->async_wait([this, timer](const asio::error_code& ec) {
    if (ec || !cashier_on_ || cashier_timer_ != timer)
      return;
    // A cashier at random: add a dish, print the bill, pay, now and then void
    // an order or flip a dish on the stop list.
    auto open = server_->open_orders();
    int roll = std::uniform_int_distribution<int>(0, 99)(rng_);
    if (!open.empty()) {
      const std::string& guid = open[std::uniform_int_distribution<std::size_t>(0, open.size() - 1)(rng_)];
      if (roll < 35)
        server_->add_dish(guid, 1000001 + std::uniform_int_distribution<int>(0, 39)(rng_), 1000);
      else if (roll < 60)
        server_->print_bill(guid);
      else if (roll < 90)
        server_->pay(guid);
      else if (roll < 95)
        server_->void_order(guid);
    }
    if (roll >= 95) {
      ident dish = 1000001 + std::uniform_int_distribution<int>(0, 39)(rng_);
      server_->set_stop_list(dish, roll == 99);
    }
    cashier_tick();
  });
}

} // namespace rkgate::rk7sim
