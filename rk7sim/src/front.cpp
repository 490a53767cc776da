// The HTTP(S) front: Basic auth, the XML endpoint per restaurant, the /sim/
// control API, READY on stdout. One io_context thread serves everything.
#include "restaurant_slot.hpp"
#include "self_signed.hpp"

#include "rk7sim/simulator.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <restinio/all.hpp>
#include <restinio/tls.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace rkgate::rk7sim {
namespace {

using json = nlohmann::json;
constexpr const char* xml_path = "/rk7api/v0/xmlinterface.xml";

std::string base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

json slot_json(restaurant_slot& s) {
  json j = json::parse(s.server().state_json());
  json log = json::array();
  for (const auto& e : s.service_log())
    log.push_back({{"command", e.command}, {"start_ms", e.start_ms}, {"end_ms", e.end_ms}, {"fault", e.fault}});
  json faults = json::array();
  for (const auto& f : s.faults)
    faults.push_back({{"kind", f.kind}, {"count", f.count}, {"rate", f.rate}});
  j["service_log"] = log;
  j["faults"] = faults;
  j["serialize"] = s.serialize;
  j["latency"] = {{"min_ms", s.latency.min_ms}, {"max_ms", s.latency.max_ms}};
  j["queued"] = s.queued();
  j["in_service"] = s.in_service();
  const cashier_settings& c = s.cashier();
  json actions = json::array();
  for (const auto& e : s.cashier_log())
    actions.push_back({{"guid", e.action.guid},
                       {"action", e.action.action},
                       {"dish", e.action.dish},
                       {"version", e.action.version},
                       {"list_version", e.action.list_version},
                       {"at_ms", e.at_ms},
                       {"at_unix_ms", e.at_unix_ms},
                       {"seen_ms", e.seen_ms >= 0 ? json(e.seen_ms) : json(nullptr)},
                       {"seen_unix_ms", e.seen_unix_ms >= 0 ? json(e.seen_unix_ms) : json(nullptr)}});
  j["cashier"] = {{"auto", s.cashier_on()},        {"interval_ms", c.interval_ms},
                  {"add_rate", c.add_rate},        {"void_rate", c.void_rate},
                  {"stoplist_rate", c.stoplist_rate}, {"rounds", s.cashier_rounds()},
                  {"actions", actions}};
  return j;
}

latency_spec latency_from(const json& j) {
  latency_spec l;
  if (j.contains("ms"))
    l.min_ms = l.max_ms = j.at("ms").get<int>();
  else {
    l.min_ms = j.at("min_ms").get<int>();
    l.max_ms = j.at("max_ms").get<int>();
  }
  if (l.min_ms < 0 || l.max_ms < l.min_ms)
    throw std::invalid_argument("latency bounds must satisfy 0 <= min_ms <= max_ms");
  return l;
}

class front {
public:
  front(asio::io_context& io, const sim_options& o, std::vector<std::unique_ptr<restaurant_slot>>& slots)
      : io_(io), opt_(o), slots_(slots), expected_auth_("Basic " + base64(o.user + ":" + o.password)) {}

  restinio::request_handling_status_t handle(const restinio::request_handle_t& req) {
    std::string path(req->header().path());
    std::size_t index = 1;
    if (path.size() > 2 && path[0] == '/' && path[1] == 'r' && std::isdigit(static_cast<unsigned char>(path[2]))) {
      auto slash = path.find('/', 1);
      std::string num = path.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
      index = std::stoul(num);
      path = slash == std::string::npos ? "/" : path.substr(slash);
    }
    if (index < 1 || index > slots_.size())
      return respond(req, restinio::status_not_found(), "text/plain", "no such restaurant\n");
    if (req->header().get_field_or(restinio::http_field::authorization, "") != expected_auth_) {
      req->create_response(restinio::status_unauthorized())
          .append_header(restinio::http_field::www_authenticate, "Basic realm=\"rk7sim\"")
          .append_header(restinio::http_field::content_type, "text/plain")
          .set_body("401 Unauthorized\n")
          .done();
      return restinio::request_accepted();
    }
    restaurant_slot& slot = *slots_[index - 1];
    if (path == xml_path) {
      std::string content_type(req->header().get_field_or(restinio::http_field::content_type, ""));
      // Like the real server, a form-encoded body is not seen at all.
      std::string body = content_type.find("x-www-form-urlencoded") != std::string::npos ? "" : req->body();
      slot.submit(std::move(body), [req](http_reply r) { send_xml(req, std::move(r)); });
      return restinio::request_accepted();
    }
    if (path.rfind("/sim/", 0) == 0)
      return control(req, slot, path.substr(5));
    return respond(req, restinio::status_not_found(), "text/plain", "not found\n");
  }

private:
  static void send_xml(const restinio::request_handle_t& req, http_reply r) {
    if (r.drop) {
      // Promise a body, send a fragment, close: the client sees a broken reply.
      req->create_response<restinio::user_controlled_output_t>()
          .append_header(restinio::http_field::content_type, "application/xml; charset=utf-8")
          .set_content_length(4096)
          .connection_close()
          .set_body("<?xml")
          .done();
      return;
    }
    req->create_response(restinio::http_status_line_t{restinio::http_status_code_t{static_cast<std::uint16_t>(r.status)},
                                                      r.status == 200 ? "OK" : "Internal Server Error"})
        .append_header(restinio::http_field::content_type,
                       r.status == 200 ? "application/xml; charset=utf-8" : "text/plain")
        .set_body(std::move(r.body))
        .done();
  }

  static restinio::request_handling_status_t respond(const restinio::request_handle_t& req,
                                                     restinio::http_status_line_t status, const char* type,
                                                     std::string body) {
    req->create_response(std::move(status))
        .append_header(restinio::http_field::content_type, type)
        .set_body(std::move(body))
        .done();
    return restinio::request_accepted();
  }

  static restinio::request_handling_status_t reply_json(const restinio::request_handle_t& req, const json& j,
                                                        restinio::http_status_line_t status = restinio::status_ok()) {
    return respond(req, std::move(status), "application/json", j.dump() + "\n");
  }

  static restinio::request_handling_status_t result(const restinio::request_handle_t& req, const control_result& r) {
    if (r.ok)
      return reply_json(req, {{"ok", true}});
    return reply_json(req, {{"ok", false}, {"error", r.error}}, restinio::status_bad_request());
  }

  restinio::request_handling_status_t control(const restinio::request_handle_t& req, restaurant_slot& slot,
                                              const std::string& what) {
    bool get = req->header().method() == restinio::http_method_get();
    bool post = req->header().method() == restinio::http_method_post();
    bool del = req->header().method() == restinio::http_method_delete();
    try {
      json body = post && !req->body().empty() ? json::parse(req->body()) : json::object();
      cash_server& s = slot.server();
      if (get && what == "state")
        return reply_json(req, slot_json(slot));
      if (get && what == "dataset")
        return respond(req, restinio::status_ok(), "application/json", s.dataset_json());
      if (post && what == "stoplist")
        return result(req, s.set_stop_list(body.at("dish").get<ident>(), body.value("on", true)));
      if (post && what == "rest") {
        std::optional<milli> q;
        if (body.contains("quantity") && !body.at("quantity").is_null())
          q = body.at("quantity").get<milli>();
        return result(req, s.set_rest(body.at("dish").get<ident>(), q));
      }
      if (post && what.rfind("orders/", 0) == 0) {
        std::string rest = what.substr(7);
        auto slash = rest.find('/');
        if (slash == std::string::npos)
          throw std::invalid_argument("want /sim/orders/{guid}/{bill|pay|void|dishes}");
        std::string guid = rest.substr(0, slash), action = rest.substr(slash + 1);
        if (action == "bill")
          return result(req, s.print_bill(guid));
        if (action == "pay")
          return result(req, s.pay(guid));
        if (action == "void")
          return result(req, s.void_order(guid));
        if (action == "dishes")
          return result(req, s.add_dish(guid, body.at("dish").get<ident>(), body.value("quantity", milli{1000})));
        throw std::invalid_argument("unknown order action " + action);
      }
      if (post && what == "faults") {
        fault_rule f;
        f.kind = body.at("kind").get<std::string>();
        if (f.kind != "http500" && f.kind != "drop" && f.kind != "hang" && f.kind != "shift_closing")
          throw std::invalid_argument("unknown fault kind " + f.kind);
        f.count = body.value("count", 0);
        f.rate = body.value("rate", 0.0);
        if (f.count < 0 || f.rate < 0 || f.rate > 1 || (f.count == 0 && f.rate == 0))
          throw std::invalid_argument("a fault needs count > 0 or 0 < rate <= 1");
        if (body.contains("hang_ms"))
          slot.hang_ms = body.at("hang_ms").get<int>();
        slot.faults.push_back(f);
        return reply_json(req, {{"ok", true}});
      }
      if (del && what == "faults") {
        slot.faults.clear();
        return reply_json(req, {{"ok", true}});
      }
      if (post && what == "latency") {
        latency_spec l = latency_from(body);
        if (body.contains("command"))
          slot.command_latency[body.at("command").get<std::string>()] = l;
        else
          slot.latency = l;
        return reply_json(req, {{"ok", true}});
      }
      if (post && what == "serialize") {
        slot.serialize = body.at("on").get<bool>();
        return reply_json(req, {{"ok", true}});
      }
      if (post && what == "saas") {
        s.set_saas(body.at("on").get<bool>());
        return reply_json(req, {{"ok", true}});
      }
      if (post && what == "cashier") {
        std::string mode = body.at("mode").get<std::string>();
        if (mode != "auto" && mode != "off")
          throw std::invalid_argument("mode must be auto or off");
        cashier_settings c = slot.cashier();
        c.interval_ms = body.value("interval_ms", c.interval_ms);
        c.add_rate = body.value("add_rate", c.add_rate);
        c.void_rate = body.value("void_rate", c.void_rate);
        c.stoplist_rate = body.value("stoplist_rate", c.stoplist_rate);
        validate(c); // bad input changes nothing
        slot.set_cashier(mode == "auto", c);
        return reply_json(req, {{"ok", true}});
      }
      return reply_json(req, {{"ok", false}, {"error", "unknown control " + what}}, restinio::status_not_found());
    } catch (const std::exception& e) {
      return reply_json(req, {{"ok", false}, {"error", e.what()}}, restinio::status_bad_request());
    }
  }

  asio::io_context& io_;
  const sim_options& opt_;
  std::vector<std::unique_ptr<restaurant_slot>>& slots_;
  std::string expected_auth_;
};

template <class Traits, class Customize>
int serve(asio::io_context& io, const sim_options& o, front& f, Customize&& customize) {
  restinio::server_settings_t<Traits> settings;
  std::uint16_t bound = 0;
  settings.address(o.host)
      .port(o.port)
      .request_handler([&f](restinio::request_handle_t req) { return f.handle(req); })
      .acceptor_post_bind_hook([&bound](asio::ip::tcp::acceptor& a) { bound = a.local_endpoint().port(); })
      // Latency and hangs are ours to decide; keep RESTinio's own limits out of the way.
      .handle_request_timeout(std::chrono::hours(1))
      .read_next_http_message_timelimit(std::chrono::minutes(5))
      .write_http_response_timelimit(std::chrono::minutes(1))
      .max_pipelined_requests(1);
  customize(settings);
  restinio::http_server_t<Traits> server{restinio::external_io_context(io), std::move(settings)};
  server.open_sync();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) { io.stop(); });
  std::cout << "READY " << bound << std::endl;
  io.run();
  return 0;
}

} // namespace

int run_simulator(const sim_options& o) {
  std::vector<dataset> datasets;
  for (int i = 1; i <= o.restaurants; ++i) {
    dataset d = !o.dataset_file.empty() ? dataset_from_json(read_file(o.dataset_file))
                : o.dishes > 0          ? generated_dataset(o.dishes, i)
                                        : demo_dataset(i);
    if (!o.dataset_file.empty() && i > 1) {
      d.restaurant.rest_code += i - 1;
      d.restaurant.net_name += "-" + std::to_string(i);
    }
    datasets.push_back(std::move(d));
  }
  if (!o.save_dataset.empty()) {
    std::ofstream(o.save_dataset) << dataset_to_json(datasets.front()) << "\n";
    std::cerr << "rk7sim: dataset written to " << o.save_dataset << "\n";
    return 0;
  }
  asio::io_context io;
  auto epoch = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<restaurant_slot>> slots;
  for (int i = 0; i < o.restaurants; ++i) {
    cash_server_options co;
    co.saas = o.saas;
    co.license_token = o.license_token;
    slots.push_back(std::make_unique<restaurant_slot>(
        io, std::make_unique<cash_server>(std::move(datasets[static_cast<std::size_t>(i)]), co), o, epoch,
        static_cast<unsigned>(1000 + i)));
  }
  front f(io, o, slots);
  std::cerr << "rk7sim: " << o.restaurants << " restaurant(s), " << slots.front()->server().menu_size()
            << " menu items each, " << (o.tls ? "https" : "http") << "\n";
  if (!o.tls) {
    using traits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
    return serve<traits>(io, o, f, [](auto&) {});
  }
  pem_pair pem = make_self_signed(o.host);
  using traits = restinio::tls_traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t>;
  return serve<traits>(io, o, f, [&pem](auto& settings) {
    asio::ssl::context tls(asio::ssl::context::sslv23);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3);
    tls.use_certificate_chain(asio::buffer(pem.certificate));
    tls.use_private_key(asio::buffer(pem.private_key), asio::ssl::context::pem);
    settings.tls_context(std::move(tls));
  });
}

} // namespace rkgate::rk7sim
