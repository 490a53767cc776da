#pragma once
// The rk7sim program: options from the command line and the HTTP(S) front
// that serves one or more simulated cash servers (RESTinio, single thread).

#include "rk7sim/auto_cashier.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rkgate::rk7sim {

/// A latency: uniform in [min_ms, max_ms] (equal bounds: fixed).
struct latency_spec {
  int min_ms = 0;
  int max_ms = 0;
};

/// Injected faults. `kind`: http500, drop (connection closed mid-reply, the
/// request not executed), hang (reply only after hang_ms), shift_closing
/// (the 2172 error reply).
struct fault_rule {
  std::string kind;
  int count = 0;     ///< the next `count` requests
  double rate = 0.0; ///< or this share of requests
};

struct sim_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0; ///< 0: a free port (printed in READY)
  std::string user = "http";
  std::string password = "http";
  bool tls = false;
  int restaurants = 1;
  int dishes = 0;            ///< >0: generated menu of this many extra dishes
  std::string dataset_file;  ///< load the dataset from this JSON file
  std::string save_dataset;  ///< write restaurant 1's dataset here and exit
  latency_spec latency;
  std::map<std::string, latency_spec> command_latency;
  bool serialize = true;     ///< one XML request at a time per cash server
  bool cashier_auto = false;
  cashier_settings cashier; ///< --cashier-interval, --cashier-rates
  bool saas = false;
  std::string license_token;
  int hang_ms = 90000;
  std::vector<fault_rule> faults;
};

/// Parses argv; throws std::invalid_argument with a message and usage text.
sim_options parse_command_line(int argc, char** argv);

/// The usage text.
std::string usage();

/// Runs the simulator until SIGINT/SIGTERM; prints `READY <port>` on stdout
/// once it accepts requests. Returns the process exit code.
int run_simulator(const sim_options& options);

} // namespace rkgate::rk7sim
