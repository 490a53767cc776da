// rkgate: the order gateway. Command line, logging, wiring of storage, the
// actor system and the HTTP server, and graceful shutdown on SIGTERM/SIGINT.

#include "actors/gateway.hpp"
#include "actors/loop_scheduler.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "http/server.hpp"
#include "loop/event_loop.hpp"
#include "persistence/store.hpp"
#include "net/http_engine.hpp"
#include "rk7/transport.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstring>
#include <iostream>

namespace {

const char* usage =
  "usage: rkgate [--config FILE] [--log-level LEVEL] [--log-format text|json]\n"
  "       rkgate --check-config FILE\n"
  "       rkgate --version\n";

void print_problems(const std::string& file, const std::vector<rkgate::config::problem>& problems) {
  for (const auto& p : problems)
    std::cerr << file << ":" << p.to_string() << "\n";
}

/// Waits for SIGTERM or SIGINT (blocked in every thread, taken synchronously).
int wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

} // namespace

int main(int argc, char** argv) {
  std::string config_file = "./rkgate.yaml";
  std::string check_file;
  std::string level = "info";
  bool json_logs = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "rkgate: " << arg << " needs a value\n" << usage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--config")
      config_file = value();
    else if (arg == "--check-config")
      check_file = value();
    else if (arg == "--log-level")
      level = value();
    else if (arg == "--log-format") {
      auto f = value();
      if (f != "json" && f != "text") {
        std::cerr << "rkgate: --log-format must be text or json\n";
        return 2;
      }
      json_logs = f == "json";
    } else if (arg == "--version") {
      std::cout << "rkgate " << RKGATE_VERSION << "\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "rkgate: unknown argument " << arg << "\n" << usage;
      return 2;
    }
  }

  if (!check_file.empty()) {
    auto loaded = rkgate::config::load_file(check_file);
    if (auto* problems = std::get_if<std::vector<rkgate::config::problem>>(&loaded)) {
      print_problems(check_file, *problems);
      return 1;
    }
    std::cout << check_file << ": ok\n";
    return 0;
  }

  if (!rkgate::init_logging(level, json_logs)) {
    std::cerr << "rkgate: unknown log level " << level << "\n";
    return 2;
  }
  auto loaded = rkgate::config::load_file(config_file);
  if (auto* problems = std::get_if<std::vector<rkgate::config::problem>>(&loaded)) {
    print_problems(config_file, *problems);
    return 1;
  }
  const auto& cfg = std::get<rkgate::config::gateway>(loaded);

  // Signals are taken by wait_for_signal only; every thread started below inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  std::string error;
  std::shared_ptr<rkgate::persistence::store> db{rkgate::persistence::store::open(cfg.storage.path, &error)};
  if (!db) {
    spdlog::critical("cannot open storage {}: {}", cfg.storage.path, error);
    return 1;
  }
  // The HTTP server, the actors and outbound HTTP share one event loop.
  rkgate::loop::event_loop loop{rkgate::config::loop_threads(cfg.server)};
  // One outbound HTTP engine for r_keeper calls and push callbacks.
  auto engine = std::make_shared<rkgate::net::http_engine>(loop);
  auto net = std::make_shared<rk7::transport>(engine);

  caf::actor_system_config caf_cfg;
  caf_cfg.set("logger.file-verbosity", caf::atom("quiet"));
  caf_cfg.set("logger.console-verbosity", caf::atom("quiet"));
  caf_cfg.add_message_types<caf::id_block::rkgate_atoms>();
  rkgate::actors::run_actors_on(caf_cfg, loop);
  int code = 0;
  {
    caf::actor_system sys{caf_cfg};
    auto dir = rkgate::actors::start_gateway(sys, cfg, db, net, engine);
    std::unique_ptr<rkgate::http::api_server> server;
    try {
      server = std::make_unique<rkgate::http::api_server>(sys, dir, loop);
    } catch (const std::exception& e) {
      spdlog::critical("cannot listen on {}:{}: {}", cfg.server.listen_host, cfg.server.listen_port, e.what());
      code = 1;
    }
    if (server) {
      spdlog::info("rkgate {} serving {} restaurants on port {} ({} loop threads)", RKGATE_VERSION,
                   cfg.restaurants.size(), server->port(), loop.threads());
      std::cout << "READY " << server->port() << std::endl;
      int sig = wait_for_signal();
      spdlog::info("signal {}: stopping", sig);
      server->stop(cfg.server.request_timeout);
      server.reset();
    }
    // Stop every actor; the STORE finishes its queue before the database closes.
    for (const auto& [name, src] : dir->sources)
      caf::anon_send_exit(src, caf::exit_reason::user_shutdown);
    for (const auto& [id, r] : dir->restaurants) {
      caf::anon_send_exit(r->menu, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(r->cash, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(r->poller, caf::exit_reason::user_shutdown);
      caf::anon_send_exit(r->tables, caf::exit_reason::user_shutdown);
    }
    caf::anon_send_exit(dir->notifier, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(dir->events, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(dir->store, caf::exit_reason::user_shutdown);
    dir.reset();
  }
  net.reset();
  engine.reset();
  loop.stop();
  db.reset();
  spdlog::info("stopped");
  return code;
}
