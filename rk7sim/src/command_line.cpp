// rk7sim's command line.
#include "rk7sim/simulator.hpp"

#include <stdexcept>

namespace rkgate::rk7sim {
namespace {

int to_int(const std::string& flag, const std::string& v) {
  try {
    std::size_t used = 0;
    int x = std::stoi(v, &used);
    if (used != v.size() || x < 0)
      throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw std::invalid_argument(flag + ": not a non-negative integer: " + v);
  }
}

latency_spec to_latency(const std::string& flag, const std::string& v) {
  auto dash = v.find('-');
  latency_spec l;
  l.min_ms = to_int(flag, v.substr(0, dash));
  l.max_ms = dash == std::string::npos ? l.min_ms : to_int(flag, v.substr(dash + 1));
  if (l.max_ms < l.min_ms)
    throw std::invalid_argument(flag + ": max below min: " + v);
  return l;
}

fault_rule to_fault(const std::string& flag, const std::string& v, bool rate) {
  auto colon = v.find(':');
  fault_rule f;
  f.kind = v.substr(0, colon);
  if (f.kind != "http500" && f.kind != "drop" && f.kind != "hang" && f.kind != "shift_closing")
    throw std::invalid_argument(flag + ": unknown fault kind: " + f.kind);
  std::string n = colon == std::string::npos ? (rate ? "" : "1") : v.substr(colon + 1);
  if (rate) {
    try {
      f.rate = std::stod(n);
    } catch (const std::exception&) {
      throw std::invalid_argument(flag + ": bad rate: " + v);
    }
    if (f.rate < 0 || f.rate > 1)
      throw std::invalid_argument(flag + ": rate must be within 0..1: " + v);
  } else {
    f.count = to_int(flag, n);
  }
  return f;
}

/// `add=0.1,void=0,stoplist=0`: the named rates replace those in `base`.
cashier_settings to_cashier_rates(const std::string& flag, const std::string& v, cashier_settings base) {
  std::size_t at = 0;
  while (at < v.size()) {
    std::size_t end = v.find(',', at);
    if (end == std::string::npos)
      end = v.size();
    std::string item = v.substr(at, end - at);
    auto eq = item.find('=');
    std::string name = item.substr(0, eq);
    double* rate = name == "add" ? &base.add_rate
                   : name == "void" ? &base.void_rate
                   : name == "stoplist" ? &base.stoplist_rate
                                        : nullptr;
    if (!rate || eq == std::string::npos)
      throw std::invalid_argument(flag + " wants add=R,void=R,stoplist=R, got " + v);
    try {
      std::size_t used = 0;
      *rate = std::stod(item.substr(eq + 1), &used);
      if (used != item.size() - eq - 1)
        throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw std::invalid_argument(flag + ": bad rate: " + item);
    }
    at = end + 1;
  }
  try {
    validate(base);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(flag + ": " + e.what());
  }
  return base;
}

} // namespace

std::string usage() {
  return "usage: rk7sim --listen HOST:PORT --user U --password P [--tls] [--dishes N] [--restaurants N]\n"
         "              [--latency MS|MIN-MAX] [--latency-cmd CMD=MS|MIN-MAX]... [--dataset FILE]\n"
         "              [--save-dataset FILE] [--cashier auto|off] [--cashier-interval MS]\n"
         "              [--cashier-rates add=R,void=R,stoplist=R] [--serialize 1|0]\n"
         "              [--saas] [--license-token T] [--fault KIND[:N]]... [--fault-rate KIND:R]... [--hang-ms MS]\n"
         "fault kinds: http500, drop, hang, shift_closing. See docs/rk7sim.md.\n";
}

sim_options parse_command_line(int argc, char** argv) {
  sim_options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw std::invalid_argument(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--listen") {
      std::string v = value();
      auto colon = v.rfind(':');
      if (colon == std::string::npos)
        throw std::invalid_argument("--listen wants HOST:PORT, got " + v);
      o.host = v.substr(0, colon);
      int port = to_int(flag, v.substr(colon + 1));
      if (port > 65535)
        throw std::invalid_argument("--listen: port out of range: " + v);
      o.port = static_cast<std::uint16_t>(port);
    } else if (flag == "--user") {
      o.user = value();
    } else if (flag == "--password") {
      o.password = value();
    } else if (flag == "--tls") {
      o.tls = true;
    } else if (flag == "--dishes") {
      o.dishes = to_int(flag, value());
    } else if (flag == "--restaurants") {
      o.restaurants = to_int(flag, value());
      if (o.restaurants < 1)
        throw std::invalid_argument("--restaurants must be at least 1");
    } else if (flag == "--latency") {
      o.latency = to_latency(flag, value());
    } else if (flag == "--latency-cmd") {
      std::string v = value();
      auto eq = v.find('=');
      if (eq == std::string::npos)
        throw std::invalid_argument("--latency-cmd wants CMD=MS, got " + v);
      o.command_latency[v.substr(0, eq)] = to_latency(flag, v.substr(eq + 1));
    } else if (flag == "--dataset") {
      o.dataset_file = value();
    } else if (flag == "--save-dataset") {
      o.save_dataset = value();
    } else if (flag == "--cashier") {
      std::string v = value();
      if (v != "auto" && v != "off")
        throw std::invalid_argument("--cashier wants auto or off, got " + v);
      o.cashier_auto = v == "auto";
    } else if (flag == "--cashier-interval") {
      o.cashier.interval_ms = to_int(flag, value());
      validate(o.cashier);
    } else if (flag == "--cashier-rates") {
      o.cashier = to_cashier_rates(flag, value(), o.cashier);
    } else if (flag == "--serialize") {
      o.serialize = value() != "0";
    } else if (flag == "--saas") {
      o.saas = true;
    } else if (flag == "--license-token") {
      o.license_token = value();
    } else if (flag == "--fault") {
      o.faults.push_back(to_fault(flag, value(), false));
    } else if (flag == "--fault-rate") {
      o.faults.push_back(to_fault(flag, value(), true));
    } else if (flag == "--hang-ms") {
      o.hang_ms = to_int(flag, value());
    } else if (flag == "--help" || flag == "-h") {
      throw std::invalid_argument("");
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  return o;
}

} // namespace rkgate::rk7sim
