#include "restaurant_slot.hpp"

namespace rkgate::rk7sim {

restaurant_slot::restaurant_slot(asio::io_context& io, std::unique_ptr<cash_server> server,
                                 const sim_options& options, std::chrono::steady_clock::time_point epoch,
                                 unsigned seed)
    : latency(options.latency), command_latency(options.command_latency), serialize(options.serialize),
      hang_ms(options.hang_ms), faults(options.faults), io_(io), server_(std::move(server)), epoch_(epoch),
      rng_(seed), cashier_(*server_, seed) {
  cashier_settings_ = options.cashier;
  if (options.cashier_auto)
    set_cashier(true, options.cashier);
}

namespace {

long long unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

long long restaurant_slot::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - epoch_).count();
}

void restaurant_slot::submit(std::string body, reply_fn reply) {
  job j{std::move(body), std::move(reply), {}};
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
  j.command = cash_server::command_of(j.body);
  int delay = fault == "hang" ? hang_ms : delay_for(j.command);
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
  if (fault.empty() || fault == "hang")
    mark_seen(j.command, j.body);
  log_.push_back({j.command.empty() ? "(none)" : j.command, start_ms, now_ms(), fault});
  if (log_.size() > service_log_size)
    log_.pop_front();
  j.reply(std::move(r));
  --in_service_;
  if (!queue_.empty() && (in_service_ == 0 || !serialize)) {
    job next = std::move(queue_.front());
    queue_.pop_front();
    start(std::move(next));
  }
}

void restaurant_slot::set_cashier(bool on, const cashier_settings& settings) {
  cashier_on_ = on;
  cashier_settings_ = settings;
  if (cashier_timer_)
    cashier_timer_->cancel();
  cashier_timer_.reset();
  if (on)
    cashier_tick();
}

void restaurant_slot::cashier_tick() {
  auto timer =
      std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(cashier_settings_.interval_ms));
  cashier_timer_ = timer;
  timer->async_wait([this, timer](const asio::error_code& ec) {
    if (ec || !cashier_on_ || cashier_timer_ != timer)
      return;
    cashier_round();
    cashier_tick();
  });
}

void restaurant_slot::cashier_round() {
  long long at = now_ms();
  long long at_unix = unix_ms();
  for (auto& a : cashier_.round(cashier_settings_)) {
    cashier_log_.push_back({std::move(a), at, at_unix});
    if (cashier_log_.size() > 20000) {
      cashier_log_.pop_front();
      if (first_unseen_ > 0)
        --first_unseen_;
    }
  }
}

namespace {

bool has_command(const std::string& names, const std::string& name) {
  std::size_t at = 0;
  while (at <= names.size()) {
    std::size_t end = names.find(',', at);
    if (end == std::string::npos)
      end = names.size();
    if (names.compare(at, end - at, name) == 0)
      return true;
    at = end + 1;
  }
  return false;
}

/// Whether a reply to this request shows the change: GetOrderList shows every
/// order change, GetOrder the change of the order it names; the menu and
/// rest commands show stop-list changes.
bool shows(const cashier_action& a, const std::string& command, const std::string& body) {
  if (a.guid.empty())
    return has_command(command, "GetOrderMenu") || has_command(command, "GetDishRests") ||
           has_command(command, "GetRefList") || has_command(command, "GetRefData");
  return has_command(command, "GetOrderList") || has_command(command, "GetOrderList2") ||
         (has_command(command, "GetOrder") && body.find(a.guid) != std::string::npos);
}

} // namespace

void restaurant_slot::mark_seen(const std::string& command, const std::string& body) {
  if (first_unseen_ >= cashier_log_.size())
    return;
  long long seen = now_ms();
  long long seen_unix = unix_ms();
  for (std::size_t i = first_unseen_; i < cashier_log_.size(); ++i) {
    cashier_entry& e = cashier_log_[i];
    if (e.seen_ms < 0 && shows(e.action, command, body)) {
      e.seen_ms = seen;
      e.seen_unix_ms = seen_unix;
    }
  }
  while (first_unseen_ < cashier_log_.size() && cashier_log_[first_unseen_].seen_ms >= 0)
    ++first_unseen_;
}

} // namespace rkgate::rk7sim
