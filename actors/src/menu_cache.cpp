#include "actors/spawn.hpp"
#include "actors/upkeep_slots.hpp"

#include "common/json_text.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <restinio/transforms/zlib.hpp>
#include <spdlog/spdlog.h>

namespace rkgate::actors {

struct menu_cache_state {
  config::restaurant cfg;
  cash_server_actor cash;
  std::shared_ptr<menu_board> board; ///< where ready menus are published (may be null)
  double phase = 0; ///< where in each refresh period this restaurant re-reads, [0, 1)
  /// Reference books shared by every order category, with the DataVersions they were read at.
  std::map<std::string, rk7::reference> refs;
  std::map<std::string, std::int64_t> ref_versions;
  /// Bumped whenever a reference book is (re)read.
  std::uint64_t refs_generation = 0;

  struct entry {
    menu_ptr current;
    bool loading = false;
    bool tick_scheduled = false;
    bool check_scheduled = false;
    /// What `current` was built from: the books' generation and a digest of
    /// prices, stop list and remains, so an unchanged re-read builds nothing.
    std::uint64_t built_generation = 0;
    std::size_t availability_digest = 0;
    std::vector<caf::typed_response_promise<menu_reply>> waiting;
  };
  std::map<std::int64_t, entry> menus; ///< by order category code
  static constexpr const char* name = "menu-cache";
};

namespace {

using self_ptr = menu_cache_actor::stateful_pointer<menu_cache_state>;

/// Timeout of one read while loading the menu.
caf::duration call_timeout(const menu_cache_state& st) {
  return caf::duration{st.cfg.cash_server.timeout + std::chrono::seconds(5)};
}

/// Until this restaurant's next re-read of a `period`.
caf::timespan next_slot(self_ptr self, caf::timespan period) {
  return until_slot(self->clock().now().time_since_epoch(), period, self->state.phase);
}

void finish_load(self_ptr self, std::int64_t category, menu_ptr m, api_reply failure) {
  auto& e = self->state.menus[category];
  e.loading = false;
  if (m) {
    e.current = m;
    if (self->state.board)
      self->state.board->publish(category, m);
  }
  auto waiting = std::move(e.waiting);
  e.waiting.clear();
  for (auto& rp : waiting)
    rp.deliver(menu_reply{e.current ? e.current : m, failure});
  if (!e.tick_scheduled) {
    e.tick_scheduled = true;
    self->delayed_send(self, next_slot(self, self->state.cfg.menu.refresh), atom::tick_v, category);
  }
  if (!e.check_scheduled) {
    e.check_scheduled = true;
    self->delayed_send(self, next_slot(self, self->state.cfg.menu.availability_refresh), atom::check_v, category);
  }
}

/// A digest of what GetOrderMenu and GetDishRests said.
std::size_t availability_digest(const rk7::order_menu& m, const rk7::dish_rests& r) {
  std::string text;
  text.reserve(32 * (m.dishes.size() + m.modifiers.size() + r.rests.size()));
  auto add = [&](std::int64_t v) {
    text += std::to_string(v);
    text += ',';
  };
  for (const auto* list : {&m.dishes, &m.modifiers}) {
    for (const auto& p : *list) {
      add(p.ident);
      add(p.price);
      add(p.quantity.value_or(-1));
    }
    text += ';';
  }
  for (const auto& rest : r.rests) {
    add(rest.id);
    add(rest.quantity);
    add(rest.prohibited);
  }
  return std::hash<std::string>{}(text);
}

/// Renders the getmenu response body and compresses it: once per menu
/// version, here on the MENU CACHE, never per request in an HTTP handler.
/// The published menu keeps only what getmenu sends: `json` goes into the
/// body, and the gzip gives back the spare room of zlib's output buffer
/// (256 kB reserved, whatever the result's size).
void render_bodies(menu& m) {
  m.body.reserve(m.json.size() + 24);
  m.body = R"({"result":true,"data":)";
  m.body += m.json;
  m.body += '}';
  std::string().swap(m.json);
  m.body_gzip = restinio::transforms::zlib::gzip_compress(m.body);
  m.body_gzip.shrink_to_fit();
}

void fail_load(self_ptr self, std::int64_t category, api_reply failure) {
  spdlog::warn("menu {} category {}: load failed: {}", self->state.cfg.id, category, failure.message);
  finish_load(self, category, nullptr, std::move(failure));
}

api_reply actor_failure(const caf::error& err) {
  return api_reply::failure(503, "cash_server_unavailable", "cash server did not answer: " + caf::to_string(err));
}

/// Second half of a load: prices, availability and rests, then build.
void load_prices(self_ptr self, std::int64_t category) {
  auto& st = self->state;
  auto src = std::make_shared<menu_sources>();
  src->classification = st.cfg.refs.external_sales_classification;
  src->order_category_code = category;
  rk7::get_order_menu req;
  req.station = rk7::ref::by_id(st.cfg.refs.station_id);
  req.order_category = rk7::ref::by_code(category);
  auto pending = std::make_shared<int>(2);
  auto failed = std::make_shared<bool>(false);
  auto done = [self, category, src, pending, failed]() {
    if (--*pending > 0 || *failed)
      return;
    auto& st = self->state;
    if (st.board)
      st.board->checked();
    auto& e = st.menus[category];
    auto digest = availability_digest(src->order_menu, src->rests);
    if (e.current && e.built_generation == st.refs_generation && e.availability_digest == digest)
      return finish_load(self, category, nullptr, api_reply{});
    src->refs = st.refs;
    auto built = std::make_shared<menu>(build_menu(*src));
    built->finish(now_iso8601(), e.current.get());
    render_bodies(*built);
    e.built_generation = st.refs_generation;
    e.availability_digest = digest;
    finish_load(self, category, built, api_reply{});
  };
  auto fail = [self, category, failed](api_reply r) {
    if (*failed)
      return;
    *failed = true;
    fail_load(self, category, std::move(r));
  };
  self->request(st.cash, call_timeout(st), atom::call_v, req)
    .then(
      [src, done, fail](rk7_result<rk7::order_menu>& r) {
        if (!r)
          return fail(cash_failure(r.error()));
        src->order_menu = std::move(*r);
        done();
      },
      [fail](caf::error& err) { fail(actor_failure(err)); });
  self->request(st.cash, call_timeout(st), atom::call_v, rk7::get_dish_rests{})
    .then(
      [src, done, fail](rk7_result<rk7::dish_rests>& r) {
        if (!r)
          return fail(cash_failure(r.error()));
        src->rests = std::move(*r);
        done();
      },
      [fail](caf::error& err) { fail(actor_failure(err)); });
}

/// A load: GetRefList, the reference books whose DataVersion changed, then prices.
void load(self_ptr self, std::int64_t category) {
  auto& st = self->state;
  auto& e = st.menus[category];
  if (e.loading)
    return;
  e.loading = true;
  self->request(st.cash, call_timeout(st), atom::call_v, rk7::get_ref_list{})
    .then(
      [self, category](rk7_result<rk7::ref_list>& list) {
        if (!list)
          return fail_load(self, category, cash_failure(list.error()));
        auto& st = self->state;
        std::map<std::string, std::int64_t> versions;
        for (const auto& r : list->references)
          versions[r.ref_name] = r.data_version;
        std::vector<std::string> stale;
        for (const auto& name : menu_ref_names()) {
          auto v = versions.find(name);
          auto have = st.ref_versions.find(name);
          bool known = v != versions.end() && have != st.ref_versions.end() && have->second == v->second
                       && v->second != 0;
          if (!known || !st.refs.count(name))
            stale.push_back(name);
        }
        if (stale.empty())
          return load_prices(self, category);
        auto pending = std::make_shared<std::size_t>(stale.size());
        auto failed = std::make_shared<bool>(false);
        for (const auto& name : stale) {
          rk7::get_ref_data req;
          req.ref_name = name;
          req.prop_mask = "*";
          req.only_active = true;
          // Real menus keep the guest-facing description in generated
          // properties (genDescription0419), sent only with WithMacroProp.
          req.with_macro_prop = name == "MENUITEMS";
          auto version = versions.count(name) ? versions[name] : 0;
          self->request(st.cash, call_timeout(st), atom::call_v, req)
            .then(
              [self, category, name, version, pending, failed](rk7_result<rk7::reference>& r) {
                if (*failed)
                  return;
                if (!r) {
                  *failed = true;
                  return fail_load(self, category, cash_failure(r.error()));
                }
                self->state.refs[name] = std::move(*r);
                self->state.ref_versions[name] = version;
                ++self->state.refs_generation;
                if (--*pending == 0)
                  load_prices(self, category);
              },
              [self, category, failed](caf::error& err) {
                if (*failed)
                  return;
                *failed = true;
                fail_load(self, category, actor_failure(err));
              });
        }
      },
      [self, category](caf::error& err) { fail_load(self, category, actor_failure(err)); });
}

menu_cache_actor::behavior_type menu_cache(menu_cache_actor::stateful_pointer<menu_cache_state> self,
                                           config::restaurant cfg, cash_server_actor cash,
                                           std::shared_ptr<menu_board> board, double phase) {
  self->state.cfg = std::move(cfg);
  self->state.phase = phase;
  self->state.cash = cash;
  self->state.board = std::move(board);
  // Warm the default category right away so the first getmenu rarely waits.
  load(self, self->state.cfg.refs.order_category);
  return {
    [self](atom::get, std::int64_t category) -> caf::result<menu_reply> {
      if (category == 0)
        category = self->state.cfg.refs.order_category;
      auto& e = self->state.menus[category];
      if (e.current)
        return menu_reply{e.current, api_reply{}};
      auto rp = self->make_response_promise<menu_reply>();
      e.waiting.push_back(rp);
      load(self, category);
      return rp;
    },
    [self](atom::tick, std::int64_t category) {
      self->state.menus[category].tick_scheduled = false;
      load(self, category);
    },
    [self](atom::check, std::int64_t category) {
      auto& e = self->state.menus[category];
      e.check_scheduled = false;
      if (e.loading)
        return; // the load under way re-reads availability too
      e.loading = true;
      load_prices(self, category);
    },
  };
}

} // namespace

menu_cache_actor spawn_menu_cache(caf::actor_system& sys, config::restaurant cfg, cash_server_actor cash,
                                  std::shared_ptr<menu_board> board, double phase) {
  return sys.spawn(menu_cache, std::move(cfg), cash, std::move(board), phase);
}

api_reply cash_failure(const rk7::error& e) {
  if (e.unreachable())
    return api_reply::failure(503, "cash_server_unavailable", "cash server unavailable: " + describe(e));
  nlohmann::json details = {{"rk7_error_n", e.rk7_error_n}, {"status", e.status}, {"text", e.message}};
  if (!e.lines.empty()) {
    details["lines"] = nlohmann::json::array();
    for (const auto& l : e.lines)
      details["lines"].push_back({{"rk7_error_n", l.rk7_error_n}, {"text", l.text}, {"tag", l.faulty_tag}});
  }
  return api_reply::failure(502, "cash_server_error", "cash server error: " + describe(e), json_text(details));
}

} // namespace rkgate::actors
