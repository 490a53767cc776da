#include "minimal_config.hpp"
#include "problems_of.hpp"

#include <config/config.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace rkgate::config;
using std::chrono::milliseconds;

namespace {

const std::string good_file = RKGATE_FIXTURES_DIR "/config/good.yaml";

/// Sets environment variables for one test and removes them afterwards.
struct env_vars {
  explicit env_vars(std::vector<std::pair<std::string, std::string>> vars) : vars_(vars) {
    for (const auto& [name, value] : vars_)
      ::setenv(name.c_str(), value.c_str(), 1);
  }
  env_vars(const env_vars&) = delete;
  env_vars& operator=(const env_vars&) = delete;
  ~env_vars() {
    for (const auto& var : vars_)
      ::unsetenv(var.first.c_str());
  }
  std::vector<std::pair<std::string, std::string>> vars_;
};

env_vars good_env() {
  return env_vars({{"RKGATE_TEST_AGG_TOKEN", "agg-token"},
                   {"RKGATE_TEST_AGG_SECRET", "agg-secret"},
                   {"RKGATE_TEST_SPB_PASSWORD", "spb-pass"}});
}

/// A minimal valid file; tests append or replace parts of it.
const std::string restaurant_block = restaurant_with("");

gateway loaded(const std::string& yaml) {
  auto result = load_text(yaml);
  if (auto* problems = std::get_if<std::vector<problem>>(&result)) {
    for (const auto& p : *problems)
      UNSCOPED_INFO(p.to_string());
    FAIL("expected the configuration to load");
  }
  return std::get<gateway>(result);
}

/// True when some problem has this path, line and message part.
bool has(const std::vector<problem>& problems, const std::string& path, int line,
         const std::string& part) {
  for (const auto& p : problems)
    if (p.path == path && p.line == line && p.message.find(part) != std::string::npos)
      return true;
  return false;
}

std::string listing(const std::vector<problem>& problems) {
  std::string out;
  for (const auto& p : problems)
    out += p.to_string() + "\n";
  return out;
}

} // namespace

TEST_CASE("the spec's example file loads with every value", "[config][load]") {
  auto env = good_env();
  auto result = load_file(good_file);
  if (auto* problems = std::get_if<std::vector<problem>>(&result))
    FAIL(listing(*problems));
  const auto& g = std::get<gateway>(result);

  CHECK(g.server.listen_host == "0.0.0.0");
  CHECK(g.server.listen_port == 11111);
  CHECK(g.server.request_timeout == milliseconds(10000));
  CHECK(g.server.max_body == 1024u * 1024);
  REQUIRE(g.server.internal_allow.size() == 3);
  CHECK(g.server.internal_allow[2].contains("10.9.8.7"));
  CHECK(g.storage.path == "./data");
  CHECK(g.events.retention == milliseconds(300000));

  REQUIRE(g.sources.size() == 2);
  CHECK(g.sources[0].name == "site");
  CHECK(g.sources[0].token == "28bb0d65-d1a3-447d-a3eb-e4961b0ffd35");
  CHECK(g.sources[0].secret == "change-me");
  CHECK(g.sources[0].callback_url == "https://shop.example/rk-callback");
  REQUIRE(g.sources[0].limit);
  CHECK(g.sources[0].limit->per_second == Approx(50));
  CHECK(g.sources[0].allows("msk-01"));
  CHECK_FALSE(g.sources[0].allows("spb-02"));
  CHECK(g.sources[1].token == "agg-token");
  CHECK(g.sources[1].secret == "agg-secret");
  CHECK(g.sources[1].allows("spb-02"));
  CHECK(g.sources[1].limit->per_second == Approx(10));
  CHECK(g.sources[1].callback_url.empty());

  REQUIRE(g.operators.size() == 1);
  CHECK(g.operators[0].token == "op-secret-1");
  CHECK(g.operators[0].allows("msk-01"));
  CHECK_FALSE(g.operators[0].allows("spb-02"));

  REQUIRE(g.restaurants.size() == 2);
  const restaurant* msk = g.find_restaurant("msk-01");
  REQUIRE(msk != nullptr);
  CHECK(msk->name == "Moscow, Pushkina 1");
  CHECK(msk->acceptance == restaurant::acceptance_t::automatic);
  CHECK_FALSE(msk->table_orders_merge);
  CHECK(msk->cash_server.url == "https://10.0.0.5:8086/rk7api/v0/xmlinterface.xml");
  CHECK(msk->cash_server.user == "http");
  CHECK(msk->cash_server.password == "http");
  CHECK_FALSE(msk->cash_server.verify_tls);
  CHECK(msk->cash_server.min_tls == "1.0");
  CHECK(msk->cash_server.timeout == milliseconds(30000));
  CHECK(msk->license.mode == license_section::mode_t::lifetime);
  CHECK(msk->menu.refresh == milliseconds(30000));
  CHECK(msk->menu.availability_refresh == milliseconds(3000));
  CHECK(msk->refs.station_id == 15004);
  CHECK(msk->refs.waiter_code == 5);
  CHECK(msk->refs.table_code == 100);
  CHECK(msk->refs.delivery_table_code == 101);
  CHECK(msk->refs.order_category == 1);
  CHECK(msk->refs.order_type == 3);
  CHECK(msk->refs.external_sales_classification == 1000012);
  CHECK(msk->refs.prepay_reason == 7);
  CHECK(msk->refs.item_comment_modifier == 1000900);
  CHECK(msk->refs.close_paid_order);
  CHECK_FALSE(msk->refs.cashier_code);

  const restaurant* spb = g.find_restaurant("spb-02");
  REQUIRE(spb != nullptr);
  CHECK(spb->name == "spb-02"); // defaults to the id
  CHECK(spb->acceptance == restaurant::acceptance_t::manual);
  CHECK(spb->table_orders_merge);
  CHECK(spb->cash_server.password == "spb-pass");
  CHECK(spb->cash_server.min_tls == "1.2");
  CHECK(spb->license.mode == license_section::mode_t::saas);
  REQUIRE(spb->license.saas);
  CHECK(spb->license.saas->license_token == "tok-123");
  CHECK(spb->license.saas->instance_guid == "{8A9B7F0E-2C51-4B0A-9F4E-1D2C3B4A5968}");
  CHECK(spb->refs.delivery_table_code == 200); // defaults to table_code
  CHECK(spb->refs.prepay_reason == 0);
  CHECK_FALSE(spb->refs.order_type);
  CHECK(spb->refs.cashier_code == 9);
  CHECK(spb->refs.void_reason == 4);
  CHECK(g.find_restaurant("nowhere") == nullptr);
}

TEST_CASE("defaults apply when optional sections are left out", "[config][load]") {
  const auto g = loaded(restaurant_block);
  CHECK(g.server.listen_host == "0.0.0.0");
  CHECK(g.server.listen_port == 11111);
  CHECK(g.server.request_timeout == milliseconds(10000));
  CHECK(g.server.max_body == 1024u * 1024);
  REQUIRE(g.server.internal_allow.size() == 2);
  CHECK(g.server.internal_allow[0].contains("127.0.0.1"));
  CHECK(g.server.internal_allow[1].contains("::1"));
  CHECK(g.storage.path == "./data");
  CHECK(g.events.retention == milliseconds(300000));
  CHECK(g.sources.empty());
  CHECK(g.restaurants[0].name == "r1");
  CHECK(g.restaurants[0].cash_server.timeout == milliseconds(30000));
  CHECK(g.restaurants[0].menu.refresh == milliseconds(30000));
  CHECK(g.restaurants[0].license.mode == license_section::mode_t::lifetime);
}

TEST_CASE("listen accepts IPv6 in brackets and port 0", "[config][load]") {
  auto g = loaded("server:\n  listen: \"[::1]:8080\"\n" + restaurant_block);
  CHECK(g.server.listen_host == "::1");
  CHECK(g.server.listen_port == 8080);
  g = loaded("server:\n  listen: 127.0.0.1:0\n" + restaurant_block);
  CHECK(g.server.listen_port == 0);
}

TEST_CASE("bad listen values name the key and line", "[config][errors]") {
  for (const char* bad : {"11111", "host:", ":80", "1.2.3.4:70000", "::1:80", "[::1]80"}) {
    INFO(bad);
    const auto problems =
        problems_of("server:\n  listen: \"" + std::string(bad) + "\"\n" + restaurant_block);
    CHECK(has(problems, "server.listen", 2, "host:port"));
  }
}

TEST_CASE("unknown keys are errors at their line", "[config][errors]") {
  const auto problems = problems_of("server:\n  listen: 0.0.0.0:1\n  lisen: x\nbogus: 1\n"
                                    + restaurant_block + "    colour: red\n");
  CHECK(has(problems, "server.lisen", 3, "unknown key"));
  CHECK(has(problems, "bogus", 4, "unknown key"));
  CHECK(has(problems, "restaurants[0].colour", 17, "unknown key"));
  CHECK(problems.size() == 3); // all of them, not just the first
  // Sorted by line.
  CHECK(problems.front().line == 3);
  CHECK(problems.back().line == 17);
}

// A missing key is reported at the first line of the mapping that lacks it.
TEST_CASE("missing required keys are named", "[config][errors]") {
  const auto problems = problems_of(R"(restaurants:
  - id: r1
    cash_server:
      url: https://x/
    r_keeper_references:
      station_id: 1
)");
  CHECK(has(problems, "restaurants[0].cash_server.user", 4, "required key is missing"));
  CHECK(has(problems, "restaurants[0].cash_server.password", 4, "password_env"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.waiter_code", 6, "missing"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.table_code", 6, "missing"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.order_category", 6, "missing"));
  CHECK(has(problems,
            "restaurants[0].r_keeper_references.external_sales_classification", 6, "missing"));

  CHECK(has(problems_of("server: {}\n"), "restaurants", 1, "required key is missing"));
  CHECK(has(problems_of("restaurants: []\n"), "restaurants", 1, "at least one"));
}

TEST_CASE("wrong types are errors at their line", "[config][errors]") {
  const auto problems = problems_of(R"(server:
  request_timeout: 10
  max_body: lots
  internal_allow: 127.0.0.1/32
events:
  retention: [5m]
restaurants:
  - id: r1
    acceptance: sometimes
    table_orders_merge: perhaps
    cash_server:
      url: ftp://x/
      user: http
      password: http
      verify_tls: maybe
      min_tls: "0.9"
      timeout: 0s
    license:
      mode: rent
    menu:
      refresh: soon
    r_keeper_references:
      station_id: one
      waiter_code: -2
      table_code: 3
      order_category: 4
      external_sales_classification: 5
      close_paid_order: 1x
)");
  CHECK(has(problems, "server.request_timeout", 2, "duration"));
  CHECK(has(problems, "server.max_body", 3, "size"));
  CHECK(has(problems, "server.internal_allow", 4, "list"));
  CHECK(has(problems, "events.retention", 6, "text value"));
  CHECK(has(problems, "restaurants[0].acceptance", 9, "auto or manual"));
  CHECK(has(problems, "restaurants[0].table_orders_merge", 10, "true or false"));
  CHECK(has(problems, "restaurants[0].cash_server.url", 12, "URL"));
  CHECK(has(problems, "restaurants[0].cash_server.verify_tls", 15, "true or false"));
  CHECK(has(problems, "restaurants[0].cash_server.min_tls", 16, "1.2"));
  CHECK(has(problems, "restaurants[0].cash_server.timeout", 17, "longer than 0"));
  CHECK(has(problems, "restaurants[0].license.mode", 19, "lifetime or saas"));
  CHECK(has(problems, "restaurants[0].menu.refresh", 21, "duration"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.station_id", 23, "integer"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.waiter_code", 24, "positive"));
  CHECK(has(problems, "restaurants[0].r_keeper_references.close_paid_order", 28,
            "true or false"));
  CHECK(problems.size() == 15);
}

TEST_CASE("bad CIDRs in internal_allow are named by index", "[config][errors]") {
  const auto problems =
      problems_of("server:\n  internal_allow:\n    - 10.0.0.0/8\n    - 10.0.0.0/40\n"
                  + restaurant_block);
  CHECK(has(problems, "server.internal_allow[1]", 4, "address range"));
  CHECK(problems.size() == 1);
}

TEST_CASE("secrets come from the environment", "[config][env]") {
  const std::string yaml = R"(sources:
  - name: s
    token_env: RKGATE_TEST_TOKEN
    secret_env: RKGATE_TEST_SECRET
    restaurants: [r1]
)" + restaurant_block;
  {
    env_vars env({{"RKGATE_TEST_TOKEN", "t-1"}, {"RKGATE_TEST_SECRET", "s-1"}});
    const auto g = loaded(yaml);
    CHECK(g.sources[0].token == "t-1");
    CHECK(g.sources[0].secret == "s-1");
  }
  ::unsetenv("RKGATE_TEST_TOKEN");
  ::unsetenv("RKGATE_TEST_SECRET");
  const auto problems = problems_of(yaml);
  CHECK(has(problems, "sources[0].token_env", 3, "RKGATE_TEST_TOKEN is not set"));
  CHECK(has(problems, "sources[0].secret_env", 4, "RKGATE_TEST_SECRET is not set"));
}

TEST_CASE("a secret given both directly and by _env is an error", "[config][env]") {
  env_vars env(std::vector<std::pair<std::string, std::string>>{{"RKGATE_TEST_TOKEN", "t-1"}});
  const auto problems = problems_of(R"(sources:
  - name: s
    token: direct
    token_env: RKGATE_TEST_TOKEN
    secret: x
    restaurants: [r1]
)" + restaurant_block);
  CHECK(has(problems, "sources[0].token_env", 4, "not both"));
}

TEST_CASE("restaurant ids are unique and referenced ids exist", "[config][errors]") {
  const std::string dup = restaurant_block + R"(  - id: r1
    cash_server: {url: "http://x/", user: u, password: p}
    r_keeper_references: {station_id: 1, waiter_code: 2, table_code: 3, order_category: 4, external_sales_classification: 5}
)";
  CHECK(has(problems_of(dup), "restaurants[1].id", 13, "duplicate restaurant id \"r1\""));

  const auto problems = problems_of(R"(sources:
  - name: s
    token: a
    secret: x
    restaurants: [r1, r9]
  - name: t
    token: b
    secret: x
    restaurants: [all, r1]
operators:
  - name: o
    token: c
    restaurants: [nowhere]
)" + restaurant_block);
  CHECK(has(problems, "sources[0].restaurants", 5, "no restaurant with id \"r9\""));
  CHECK(has(problems, "sources[1].restaurants", 9, "\"all\" must be the only entry"));
  CHECK(has(problems, "operators[0].restaurants", 13, "no restaurant with id \"nowhere\""));
  CHECK(problems.size() == 3);
}

TEST_CASE("tokens are unique across sources and operators", "[config][errors]") {
  const auto problems = problems_of(R"(sources:
  - name: s
    token: same
    secret: x
    restaurants: [all]
  - name: s
    token: other
    secret: x
    restaurants: [all]
operators:
  - name: o
    token: same
    restaurants: [r1]
)" + restaurant_block);
  CHECK(has(problems, "operators[0].token", 12, "already used at sources[0].token (line 3)"));
  CHECK(has(problems, "sources[1].name", 6, "duplicate name"));
  CHECK(problems.size() == 2);
}

TEST_CASE("saas license mode needs the saas block", "[config][errors]") {
  std::string yaml = restaurant_block + "    license:\n      mode: saas\n";
  CHECK(has(problems_of(yaml), "restaurants[0].license.saas", 14, "needs the saas block"));

  yaml = restaurant_block
         + "    license:\n      mode: saas\n      saas:\n        anchor: a\n"
           "        instance_guid: not-a-guid\n";
  const auto problems = problems_of(yaml);
  CHECK(has(problems, "restaurants[0].license.saas.license_token", 16, "missing"));
  CHECK(has(problems, "restaurants[0].license.saas.instance_guid", 17, "GUID"));
}

TEST_CASE("rate limits must have a unit", "[config][errors]") {
  const auto problems = problems_of(R"(sources:
  - name: s
    token: a
    secret: x
    restaurants: [all]
    rate_limit: 50
)" + restaurant_block);
  CHECK(has(problems, "sources[0].rate_limit", 6, "50/s"));
}

TEST_CASE("YAML syntax errors give a line", "[config][errors]") {
  const auto problems = problems_of("server:\n  listen: [unclosed\nstorage: {}\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line > 0);
  CHECK_THAT(problems[0].message, Catch::StartsWith("YAML syntax"));
}

TEST_CASE("duplicate keys are errors", "[config][errors]") {
  const auto problems = problems_of("storage:\n  path: a\n  path: b\n" + restaurant_block);
  CHECK(has(problems, "storage.path", 3, "duplicate key"));
}

TEST_CASE("empty text and missing files are problems", "[config][errors]") {
  CHECK_THAT(problems_of("")[0].message, Catch::Contains("empty"));
  CHECK_THAT(problems_of("- a\n- b\n")[0].message, Catch::Contains("mapping"));
  auto result = load_file("/nonexistent/rkgate.yaml");
  REQUIRE(std::holds_alternative<std::vector<problem>>(result));
  CHECK_THAT(std::get<std::vector<problem>>(result)[0].message,
             Catch::Contains("cannot read /nonexistent/rkgate.yaml"));
}

TEST_CASE("problem::to_string puts line and path first", "[config]") {
  CHECK(problem{"server.listen", 2, "bad"}.to_string() == "2: server.listen: bad");
  CHECK(problem{"", 0, "empty"}.to_string() == "empty");
}

TEST_CASE("rkgate.example.yaml at the repository root loads", "[config][load]") {
  env_vars env({{"RKGATE_SITE_SECRET", "s"},
                {"RKGATE_HALL_TOKEN", "h"},
                {"RKGATE_MSK_RK7_PASSWORD", "p"}});
  auto result = load_file(RKGATE_FIXTURES_DIR "/../../rkgate.example.yaml");
  if (auto* problems = std::get_if<std::vector<problem>>(&result))
    FAIL(listing(*problems));
  const auto& g = std::get<gateway>(result);
  CHECK(g.sources.at(0).secret == "s");
  CHECK(g.operators.at(0).token == "h");
  CHECK(g.restaurants.at(0).cash_server.password == "p");
  CHECK(g.restaurants.at(0).refs.cashier_code == 5);
}

TEST_CASE("menu periods must be positive durations", "[config][errors]") {
  const auto problems = problems_of(restaurant_block + "    menu:\n      refresh: 1m\n"
                                                       "      availability_refresh: 0s\n");
  CHECK(has(problems, "restaurants[0].menu.availability_refresh", 15, "longer than 0"));
  CHECK(problems.size() == 1);
}
