#pragma once
// Internal: one simulated restaurant behind the HTTP front: its cash_server,
// the one-request-at-a-time FIFO, latency, fault injection, the service log
// and the automatic cashier. Runs on the front's single io_context thread.

#include "rk7sim/auto_cashier.hpp"
#include "rk7sim/cash_server.hpp"
#include "rk7sim/simulator.hpp"

#include <asio.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>

namespace rkgate::rk7sim {

/// What the front sends back for one XML request.
struct http_reply {
  int status = 200;
  std::string body;
  bool drop = false; ///< close the connection mid-reply
};

/// One thing the automatic cashier did, and when: `at_ms`/`seen_ms` count
/// from the simulator's start (like the service log), the `_unix_ms` twins
/// are wall-clock time for tools outside the process. `seen` is the end of
/// the first GetOrderList (or GetOrder of this order) served after it: the
/// earliest moment a polling client could have learnt of the change.
struct cashier_entry {
  cashier_action action;
  long long at_ms = 0;
  long long at_unix_ms = 0;
  long long seen_ms = -1; ///< -1 until a client could see it
  long long seen_unix_ms = -1;
};

/// One entry of the service log: when a request held the cash server.
struct service_entry {
  std::string command;
  long long start_ms = 0; ///< since the simulator started
  long long end_ms = 0;
  std::string fault;
};

class restaurant_slot {
public:
  using reply_fn = std::function<void(http_reply)>;

  restaurant_slot(asio::io_context& io, std::unique_ptr<cash_server> server, const sim_options& options,
                  std::chrono::steady_clock::time_point epoch, unsigned seed);

  /// Queues an XML request; `reply` is called on the io thread when done.
  void submit(std::string body, reply_fn reply);

  cash_server& server() { return *server_; }

  // Knobs, changed through /sim/ at run time.
  latency_spec latency;
  std::map<std::string, latency_spec> command_latency;
  bool serialize = true;
  int hang_ms = 90000;
  std::vector<fault_rule> faults;

  /// Starts (with `settings`, already validated) or stops the automatic cashier.
  void set_cashier(bool on, const cashier_settings& settings);
  bool cashier_on() const { return cashier_on_; }
  const cashier_settings& cashier() const { return cashier_settings_; }
  std::uint64_t cashier_rounds() const { return cashier_.rounds(); }
  const std::deque<cashier_entry>& cashier_log() const { return cashier_log_; }

  const std::deque<service_entry>& service_log() const { return log_; }
  std::size_t queued() const { return queue_.size(); }
  std::size_t in_service() const { return in_service_; }

private:
  struct job {
    std::string body;
    reply_fn reply;
    std::string command; ///< command_of(body), read once when the job starts
  };
  void start(job j);
  void finish(const job& j, const std::string& fault, long long start_ms);
  std::string next_fault();
  int delay_for(const std::string& command);
  long long now_ms() const;
  void cashier_tick();
  void cashier_round();
  void mark_seen(const std::string& command, const std::string& body);

  asio::io_context& io_;
  std::unique_ptr<cash_server> server_;
  std::chrono::steady_clock::time_point epoch_;
  std::mt19937 rng_;
  std::deque<job> queue_;
  std::size_t in_service_ = 0;
  /// The last calls served: enough for a benchmark's whole measured window
  /// (the postorder scenario's ceiling is computed from it).
  static constexpr std::size_t service_log_size = 5000;
  std::deque<service_entry> log_;
  bool cashier_on_ = false;
  cashier_settings cashier_settings_;
  auto_cashier cashier_;
  std::shared_ptr<asio::steady_timer> cashier_timer_;
  std::deque<cashier_entry> cashier_log_;
  std::size_t first_unseen_ = 0; ///< index in cashier_log_ of the oldest entry not yet seen
};

} // namespace rkgate::rk7sim
