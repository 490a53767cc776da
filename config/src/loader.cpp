// load_text/load_file: the YAML file (../shared/spec/config.md) into a gateway.
#include "config/config.hpp"
#include "yaml_reader.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace rkgate::config {

using namespace detail;

namespace {

bool positive(std::int64_t value) { return value > 0; }

void read_listen(const YAML::Node& node, const std::string& path, problem_list& problems,
                 server_section& out) {
  std::string text;
  if (!read(node, path, problems, text))
    return;
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':') {
      host = text.substr(1, close - 1);
      port = text.substr(close + 2);
    }
  } else if (auto colon = text.rfind(':'); colon != std::string::npos
                                           && text.find(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const bool port_ok = !port.empty() && port.size() <= 5
                       && port.find_first_not_of("0123456789") == std::string::npos
                       && std::stoul(port) <= 65535;
  if (host.empty() || !port_ok) {
    problems.add(path, node,
                 "expected host:port such as 0.0.0.0:11111 or [::1]:11111 (port 0 picks a free "
                 "one), got \"" + text + "\"");
    return;
  }
  out.listen_host = host;
  out.listen_port = static_cast<std::uint16_t>(std::stoul(port));
}

/// `auto` (0 in `out`) or a count from 1 to max_threads.
void read_threads(const YAML::Node& node, const std::string& path, problem_list& problems,
                  std::size_t& out) {
  if (!node.IsDefined())
    return;
  std::int64_t count = 0;
  if (node.IsScalar() && node.Scalar() == "auto")
    out = 0;
  else if (node.IsScalar() && YAML::convert<std::int64_t>::decode(node, count) && count >= 1
           && count <= static_cast<std::int64_t>(max_threads))
    out = static_cast<std::size_t>(count);
  else
    problems.add(path, node,
                 "expected auto or a thread count from 1 to " + std::to_string(max_threads));
}

void read_server(const YAML::Node& node, problem_list& problems, server_section& out) {
  mapping map(node, "server", problems);
  read_listen(map.optional("listen"), map.path_of("listen"), problems, out);
  read_threads(map.optional("threads"), map.path_of("threads"), problems, out.threads);
  // Keys of the design before the event loop: named, so an old config says why it stopped loading.
  for (const char* gone : {"actor_scheduler", "actor_threads"})
    if (const YAML::Node node = map.optional(gone); node.IsDefined())
      problems.add(map.path_of(gone), node,
                   "no longer used: the actors run on the event loop's threads, set by server.threads");
  if (read_duration(map.optional("request_timeout"), map.path_of("request_timeout"), problems,
                    out.request_timeout)
      && out.request_timeout.count() == 0)
    problems.add(map.path_of("request_timeout"), map.optional("request_timeout"),
                 "must be longer than 0");
  if (read_size(map.optional("max_body"), map.path_of("max_body"), problems, out.max_body)
      && out.max_body == 0)
    problems.add(map.path_of("max_body"), map.optional("max_body"), "must be at least 1 byte");
  std::vector<std::string> allow{"127.0.0.1/32", "::1/128"};
  const YAML::Node allow_node = map.optional("internal_allow");
  read(allow_node, map.path_of("internal_allow"), problems, allow);
  out.internal_allow.clear();
  for (std::size_t i = 0; i < allow.size(); ++i) {
    if (auto range = parse_cidr(allow[i]))
      out.internal_allow.push_back(*range);
    else
      problems.add(map.path_of("internal_allow") + "[" + std::to_string(i) + "]",
                   allow_node.IsDefined() ? line_of(allow_node[i]) : 0,
                   "expected an address range such as 10.0.0.0/8 or fd00::/8, got \"" + allow[i]
                       + "\"");
  }
  map.finish();
}

void read_storage(const YAML::Node& node, problem_list& problems, storage_section& out) {
  mapping map(node, "storage", problems);
  if (read(map.optional("path"), map.path_of("path"), problems, out.path) && out.path.empty())
    problems.add(map.path_of("path"), map.optional("path"), "must not be empty");
  map.finish();
}

void read_events(const YAML::Node& node, problem_list& problems, events_section& out) {
  mapping map(node, "events", problems);
  if (read_duration(map.optional("retention"), map.path_of("retention"), problems,
                    out.retention)
      && out.retention.count() == 0)
    problems.add(map.path_of("retention"), map.optional("retention"), "must be longer than 0");
  map.finish();
}

void read_orders(const YAML::Node& node, problem_list& problems, orders_section& out) {
  mapping map(node, "orders", problems);
  read_duration(map.optional("unload_after"), map.path_of("unload_after"), problems, out.unload_after);
  map.finish();
}

void read_console(const YAML::Node& node, problem_list& problems, console_section& out) {
  mapping map(node, "console", problems);
  read_duration(map.optional("unload_after"), map.path_of("unload_after"), problems, out.unload_after);
  map.finish();
}

void read_url(mapping& map, const std::string& key, bool required, problem_list& problems,
              std::string& out) {
  const YAML::Node node = required ? map.required(key) : map.optional(key);
  if (read(node, map.path_of(key), problems, out)
      && out.rfind("http://", 0) != 0 && out.rfind("https://", 0) != 0)
    problems.add(map.path_of(key), node, "expected an http:// or https:// URL, got \"" + out
                                             + "\"");
}

/// A required, non-empty plain name.
void read_name(mapping& map, const std::string& key, problem_list& problems, std::string& out) {
  const YAML::Node node = map.required(key);
  if (read(node, map.path_of(key), problems, out) && out.empty())
    problems.add(map.path_of(key), node, "must not be empty");
}

std::optional<rate_limit> to_rate_limit(const std::string& text) {
  static const std::regex form(R"(([0-9]+)\s*/\s*(s|m|h))");
  std::smatch match;
  if (!std::regex_match(text, match, form) || match[1].length() > 9)
    return std::nullopt;
  const double count = std::stod(match[1]);
  if (count <= 0)
    return std::nullopt;
  const double seconds = match[2] == "s" ? 1 : match[2] == "m" ? 60 : 3600;
  return rate_limit{count / seconds};
}

/// Where a restaurants list was written, to check the ids once all are known.
struct restaurant_refs {
  std::string path;
  YAML::Node node;
  std::vector<std::string> ids;
};

/// Where a token was written, to check tokens are unique.
struct token_ref {
  std::string path;
  int line;
};

void read_restaurant_list(mapping& map, problem_list& problems, std::vector<std::string>& out,
                          std::vector<restaurant_refs>& refs) {
  const YAML::Node node = map.required("restaurants");
  if (!read(node, map.path_of("restaurants"), problems, out))
    return;
  if (out.empty())
    problems.add(map.path_of("restaurants"), node, "must list at least one restaurant or all");
  refs.push_back({map.path_of("restaurants"), node, out});
}

source read_source(const YAML::Node& node, const std::string& path, problem_list& problems,
                   std::vector<restaurant_refs>& refs) {
  source out;
  mapping map(node, path, problems);
  read_name(map, "name", problems, out.name);
  read_secret(map, "token", true, problems, out.token);
  read_secret(map, "secret", true, problems, out.secret);
  read_restaurant_list(map, problems, out.restaurants, refs);
  read_url(map, "callback_url", false, problems, out.callback_url);
  std::string limit;
  const YAML::Node limit_node = map.optional("rate_limit");
  if (read(limit_node, map.path_of("rate_limit"), problems, limit)) {
    out.limit = to_rate_limit(limit);
    if (!out.limit)
      problems.add(map.path_of("rate_limit"), limit_node,
                   "expected requests per time such as 50/s, 600/m or 1000/h, got \"" + limit
                       + "\"");
  }
  map.finish();
  return out;
}

operator_account read_operator(const YAML::Node& node, const std::string& path,
                               problem_list& problems, std::vector<restaurant_refs>& refs) {
  operator_account out;
  mapping map(node, path, problems);
  read_name(map, "name", problems, out.name);
  read_secret(map, "token", true, problems, out.token);
  read_restaurant_list(map, problems, out.restaurants, refs);
  map.finish();
  return out;
}

void read_cash_server(const YAML::Node& node, const std::string& path, problem_list& problems,
                      cash_server_section& out) {
  mapping map(node, path, problems);
  read_url(map, "url", true, problems, out.url);
  read_name(map, "user", problems, out.user);
  read_secret(map, "password", true, problems, out.password);
  read(map.optional("verify_tls"), map.path_of("verify_tls"), problems, out.verify_tls);
  const YAML::Node tls = map.optional("min_tls");
  if (read(tls, map.path_of("min_tls"), problems, out.min_tls) && out.min_tls != "1.0"
      && out.min_tls != "1.1" && out.min_tls != "1.2" && out.min_tls != "1.3")
    problems.add(map.path_of("min_tls"), tls, "expected 1.0, 1.1, 1.2 or 1.3");
  if (read_duration(map.optional("timeout"), map.path_of("timeout"), problems, out.timeout)
      && out.timeout.count() == 0)
    problems.add(map.path_of("timeout"), map.optional("timeout"), "must be longer than 0");
  const YAML::Node depth = map.optional("writes_in_flight");
  if (read(depth, map.path_of("writes_in_flight"), problems, out.writes_in_flight)
      && (out.writes_in_flight < 1 || out.writes_in_flight > 4))
    problems.add(map.path_of("writes_in_flight"), depth, "expected 1 to 4");
  map.finish();
}

void read_license(const YAML::Node& node, const std::string& path, problem_list& problems,
                  license_section& out) {
  mapping map(node, path, problems);
  std::string mode = "lifetime";
  const YAML::Node mode_node = map.optional("mode");
  if (read(mode_node, map.path_of("mode"), problems, mode)) {
    if (mode == "lifetime")
      out.mode = license_section::mode_t::lifetime;
    else if (mode == "saas")
      out.mode = license_section::mode_t::saas;
    else
      problems.add(map.path_of("mode"), mode_node, "expected lifetime or saas, got \"" + mode
                                                       + "\"");
  }
  const YAML::Node saas_node = map.optional("saas");
  if (saas_node.IsDefined() && !saas_node.IsNull()) {
    mapping saas(saas_node, map.path_of("saas"), problems);
    saas_license value;
    read_name(saas, "anchor", problems, value.anchor);
    read_secret(saas, "license_token", true, problems, value.license_token);
    const YAML::Node guid = saas.required("instance_guid");
    static const std::regex guid_form(
        R"(\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})");
    if (read(guid, saas.path_of("instance_guid"), problems, value.instance_guid)
        && !std::regex_match(value.instance_guid, guid_form))
      problems.add(saas.path_of("instance_guid"), guid,
                   "expected a GUID in braces such as {0A1B2C3D-...}");
    saas.finish();
    out.saas = value;
  } else if (out.mode == license_section::mode_t::saas) {
    problems.add(map.path_of("saas"), saas_node.IsDefined() ? line_of(saas_node) : line_of(node),
                 "mode saas needs the saas block (anchor, license_token, instance_guid)");
  }
  map.finish();
}

void read_menu(const YAML::Node& node, const std::string& path, problem_list& problems,
               menu_section& out) {
  mapping map(node, path, problems);
  for (auto [key, value] : {std::pair{"refresh", &out.refresh},
                            std::pair{"availability_refresh", &out.availability_refresh}}) {
    if (read_duration(map.optional(key), map.path_of(key), problems, *value) && value->count() == 0)
      problems.add(map.path_of(key), map.optional(key), "must be longer than 0");
  }
  map.finish();
}

/// A positive r_keeper code; `required` reports a missing key.
void read_code(mapping& map, const std::string& key, bool required, problem_list& problems,
               std::int64_t& out) {
  const YAML::Node node = required ? map.required(key) : map.optional(key);
  if (read(node, map.path_of(key), problems, out) && !positive(out))
    problems.add(map.path_of(key), node, "must be a positive r_keeper code");
}

void read_optional_code(mapping& map, const std::string& key, problem_list& problems,
                        std::optional<std::int64_t>& out) {
  std::int64_t value = 0;
  const YAML::Node node = map.optional(key);
  if (!read(node, map.path_of(key), problems, value))
    return;
  if (positive(value))
    out = value;
  else
    problems.add(map.path_of(key), node, "must be a positive r_keeper code");
}

void read_references(const YAML::Node& node, const std::string& path, problem_list& problems,
                     references_section& out) {
  mapping map(node, path, problems);
  read_code(map, "station_id", true, problems, out.station_id);
  read_code(map, "waiter_code", true, problems, out.waiter_code);
  read_code(map, "table_code", true, problems, out.table_code);
  out.delivery_table_code = out.table_code;
  read_code(map, "delivery_table_code", false, problems, out.delivery_table_code);
  read_code(map, "order_category", true, problems, out.order_category);
  read_optional_code(map, "order_type", problems, out.order_type);
  read_code(map, "external_sales_classification", true, problems,
            out.external_sales_classification);
  read_code(map, "prepay_reason", false, problems, out.prepay_reason);
  read_code(map, "item_comment_modifier", false, problems, out.item_comment_modifier);
  read(map.optional("close_paid_order"), map.path_of("close_paid_order"), problems,
       out.close_paid_order);
  read_optional_code(map, "cashier_code", problems, out.cashier_code);
  read_optional_code(map, "void_reason", problems, out.void_reason);
  map.finish();
}

restaurant read_restaurant(const YAML::Node& node, const std::string& path,
                           problem_list& problems) {
  restaurant out;
  mapping map(node, path, problems);
  const YAML::Node id = map.required("id");
  static const std::regex id_form(R"([A-Za-z0-9][A-Za-z0-9._-]*)");
  if (read(id, map.path_of("id"), problems, out.id) && !std::regex_match(out.id, id_form))
    problems.add(map.path_of("id"), id,
                 "use letters, digits, '.', '_' and '-' (it appears in URLs), got \"" + out.id
                     + "\"");
  if (out.id == "all")
    problems.add(map.path_of("id"), id, "\"all\" is reserved for source restaurant lists");
  if (!read(map.optional("name"), map.path_of("name"), problems, out.name))
    out.name = out.id;
  std::string acceptance = "auto";
  const YAML::Node acceptance_node = map.optional("acceptance");
  if (read(acceptance_node, map.path_of("acceptance"), problems, acceptance)) {
    if (acceptance == "auto")
      out.acceptance = restaurant::acceptance_t::automatic;
    else if (acceptance == "manual")
      out.acceptance = restaurant::acceptance_t::manual;
    else
      problems.add(map.path_of("acceptance"), acceptance_node,
                   "expected auto or manual, got \"" + acceptance + "\"");
  }
  read(map.optional("table_orders_merge"), map.path_of("table_orders_merge"), problems,
       out.table_orders_merge);
  if (read_duration(map.optional("status_poll"), map.path_of("status_poll"), problems, out.status_poll)
      && out.status_poll < milliseconds(100))
    problems.add(map.path_of("status_poll"), map.optional("status_poll"), "must be at least 100ms");
  read_cash_server(map.required("cash_server"), map.path_of("cash_server"), problems,
                   out.cash_server);
  read_license(map.optional("license"), map.path_of("license"), problems, out.license);
  read_menu(map.optional("menu"), map.path_of("menu"), problems, out.menu);
  read_references(map.required("r_keeper_references"), map.path_of("r_keeper_references"),
                  problems, out.refs);
  map.finish();
  return out;
}

/// Checks that names/ids/tokens are unique and restaurant lists point at
/// configured restaurants.
void cross_check(const YAML::Node& root, const gateway& g,
                 const std::vector<restaurant_refs>& refs, problem_list& problems) {
  std::map<std::string, std::string> ids; // id -> path of first use
  for (std::size_t i = 0; i < g.restaurants.size(); ++i) {
    const std::string& id = g.restaurants[i].id;
    if (id.empty())
      continue;
    const std::string path = "restaurants[" + std::to_string(i) + "].id";
    if (auto [it, fresh] = ids.emplace(id, path); !fresh)
      problems.add(path, line_of(root["restaurants"][i]["id"]),
                   "duplicate restaurant id \"" + id + "\" (first at " + it->second + ")");
  }
  for (const auto& ref : refs) {
    const bool has_all = std::find(ref.ids.begin(), ref.ids.end(), "all") != ref.ids.end();
    if (has_all && ref.ids.size() > 1)
      problems.add(ref.path, ref.node, "\"all\" must be the only entry");
    for (const auto& id : ref.ids)
      if (id != "all" && ids.count(id) == 0)
        problems.add(ref.path, ref.node, "no restaurant with id \"" + id + "\"");
  }

  std::map<std::string, token_ref> tokens;
  auto check_token = [&](const std::string& token, const std::string& path, int line) {
    if (token.empty())
      return;
    if (auto [it, fresh] = tokens.emplace(token, token_ref{path, line}); !fresh)
      problems.add(path, line, "token already used at " + it->second.path
                                   + " (line " + std::to_string(it->second.line) + ")");
  };
  auto token_line = [](const YAML::Node& item) {
    if (item["token"].IsDefined())
      return line_of(item["token"]);
    return line_of(item["token_env"].IsDefined() ? item["token_env"] : item);
  };
  auto check_names = [&](const char* list, auto& items) {
    std::map<std::string, std::string> names;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = std::string(list) + "[" + std::to_string(i) + "]";
      const YAML::Node item = root[list][i];
      check_token(items[i].token, path + ".token", token_line(item));
      if (items[i].name.empty())
        continue;
      if (auto [it, fresh] = names.emplace(items[i].name, path); !fresh)
        problems.add(path + ".name", line_of(item["name"]),
                     "duplicate name \"" + items[i].name + "\" (first at " + it->second + ")");
    }
  };
  check_names("sources", g.sources);
  check_names("operators", g.operators);
}

gateway read_gateway(const YAML::Node& root, problem_list& problems) {
  gateway out;
  mapping map(root, "", problems);
  read_server(map.optional("server"), problems, out.server);
  read_storage(map.optional("storage"), problems, out.storage);
  read_events(map.optional("events"), problems, out.events);
  read_orders(map.optional("orders"), problems, out.orders);
  read_console(map.optional("console"), problems, out.console);
  std::vector<restaurant_refs> refs;
  for_each_item(map.optional("sources"), "sources", problems,
                [&](const YAML::Node& item, const std::string& path) {
                  out.sources.push_back(read_source(item, path, problems, refs));
                });
  for_each_item(map.optional("operators"), "operators", problems,
                [&](const YAML::Node& item, const std::string& path) {
                  out.operators.push_back(read_operator(item, path, problems, refs));
                });
  const YAML::Node restaurants = map.required("restaurants");
  if (restaurants.IsDefined() && restaurants.IsSequence() && restaurants.size() == 0)
    problems.add("restaurants", restaurants, "configure at least one restaurant");
  for_each_item(restaurants, "restaurants", problems,
                [&](const YAML::Node& item, const std::string& path) {
                  out.restaurants.push_back(read_restaurant(item, path, problems));
                });
  map.finish();
  cross_check(root, out, refs, problems);
  return out;
}

} // namespace

std::optional<rate_limit> parse_rate_limit(const std::string& text) {
  return to_rate_limit(text);
}

load_result load_text(const std::string& yaml) {
  problem_list problems;
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    problems.add("", e.mark.is_null() ? 0 : e.mark.line + 1, "YAML syntax: " + e.msg);
    return problems.take();
  }
  if (!root.IsDefined() || root.IsNull()) {
    problems.add("", 0, "the configuration is empty");
    return problems.take();
  }
  gateway result = read_gateway(root, problems);
  if (problems.empty())
    return result;
  auto list = problems.take();
  std::stable_sort(list.begin(), list.end(),
                   [](const problem& a, const problem& b) { return a.line < b.line; });
  return list;
}

load_result load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return std::vector<problem>{problem{"", 0, "cannot read " + path + ": " + std::strerror(err)}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_text(text.str());
}

} // namespace rkgate::config
