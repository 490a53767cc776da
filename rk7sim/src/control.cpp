// The cashier's control operations and the JSON state dump.
#include "server_state.hpp"

#include "common/guid.hpp"

#include <nlohmann/json.hpp>

namespace rkgate::rk7sim {
namespace {

using json = nlohmann::json;

json discount_json(const discount_line& l) {
  json j = {{"id", l.id}, {"amount", l.amount}, {"uni", l.uni}, {"line_guid", l.line_guid}, {"automatic", l.automatic}};
  if (l.requested)
    j["requested"] = *l.requested;
  return j;
}

json order_json(const order& o) {
  json sessions = json::array();
  for (const auto& s : o.sessions) {
    json dishes = json::array();
    for (const auto& d : s.dishes) {
      json modis = json::array(), comps = json::array(), discs = json::array();
      for (const auto& m : d.modis)
        modis.push_back({{"id", m.id}, {"count", m.count}, {"price", m.price}, {"open_name", m.open_name}});
      for (const auto& c : d.components)
        comps.push_back({{"id", c.id}, {"count", c.count}});
      for (const auto& l : d.discounts)
        discs.push_back(discount_json(l));
      dishes.push_back({{"id", d.id}, {"combo", d.combo}, {"quantity", d.quantity}, {"price", d.price},
                        {"amount", d.amount}, {"uni", d.uni}, {"line_guid", d.line_guid}, {"modifiers", modis},
                        {"components", comps}, {"discounts", discs}});
    }
    json discs = json::array(), prepays = json::array();
    for (const auto& l : s.discounts)
      discs.push_back(discount_json(l));
    for (const auto& p : s.prepays)
      prepays.push_back({{"currency", p.currency}, {"amount", p.amount}, {"promised", p.promised},
                         {"reason", p.reason}, {"uni", p.uni}});
    sessions.push_back({{"uni", s.uni}, {"session_id", s.session_id}, {"line_guid", s.line_guid},
                        {"dishes", dishes}, {"discounts", discs}, {"prepays", prepays}});
  }
  json autos = json::array();
  for (const auto& l : o.auto_discounts)
    autos.push_back(discount_json(l));
  json checks = json::array();
  for (const auto& c : o.checks)
    checks.push_back({{"bill", c.bill}, {"amount", c.amount}, {"check_num", c.check_num}});
  return {{"guid", o.guid},
          {"visit", o.visit},
          {"order_ident", o.order_ident},
          {"name", o.name},
          {"version", o.version},
          {"crc32", o.crc32},
          {"table", o.table},
          {"category", o.category},
          {"type", o.type},
          {"guests", o.guests},
          {"bill", !o.bill_time.empty()},
          {"paid", o.paid},
          {"finished", o.finished},
          {"deleted", o.deleted},
          {"sums",
           {{"dishes", o.sums.dish_sum},
            {"discount", o.sums.discount_sum},
            {"order", o.sums.order_sum},
            {"prepay", o.sums.prepay_sum},
            {"promised", o.sums.promised_sum},
            {"paid", o.sums.paid_sum},
            {"unpaid", o.sums.unpaid_sum},
            {"pieces", o.sums.total_pieces}}},
          {"sessions", sessions},
          {"auto_discounts", autos},
          {"checks", checks}};
}

template <class F>
control_result guarded(std::mutex& mu, F&& f) {
  std::lock_guard<std::mutex> lock(mu);
  try {
    f();
    return {};
  } catch (const query_failure& e) {
    return {false, e.what()};
  }
}

const menu_item* dish_by_id_or_code(const dataset& d, ident key) {
  if (auto m = by_id(d.menu_items, key))
    return m;
  for (const auto& m : d.menu_items)
    if (m.code == key)
      return &m;
  return nullptr;
}

} // namespace

control_result cash_server::set_stop_list(ident dish, bool prohibited) {
  return guarded(impl_->mu, [&] {
    const menu_item* m = dish_by_id_or_code(impl_->data, dish);
    if (!m)
      exec_error(0, "no dish with ident or code " + std::to_string(dish));
    auto& r = impl_->data.rests[m->id];
    r.prohibited = prohibited;
    if (!r.prohibited && !r.quantity)
      impl_->data.rests.erase(m->id);
    impl_->bump_ref("MENUITEMS"); // clients see stop-list changes as a new menu version
  });
}

control_result cash_server::set_rest(ident dish, std::optional<milli> quantity) {
  return guarded(impl_->mu, [&] {
    const menu_item* m = dish_by_id_or_code(impl_->data, dish);
    if (!m)
      exec_error(0, "no dish with ident or code " + std::to_string(dish));
    if (quantity && *quantity < 0)
      exec_error(0, "a rest cannot be negative");
    auto& r = impl_->data.rests[m->id];
    r.quantity = quantity;
    if (!r.prohibited && !r.quantity)
      impl_->data.rests.erase(m->id);
    impl_->bump_ref("MENUITEMS");
  });
}

static order& control_order(cash_server::impl& s, const std::string& guid) {
  order* o = s.find_order(guid);
  if (!o)
    exec_error(0, "no open order " + guid);
  return *o;
}

control_result cash_server::print_bill(const std::string& guid) {
  return guarded(impl_->mu, [&] { impl_->do_print_bill(control_order(*impl_, guid)); });
}

control_result cash_server::pay(const std::string& guid) {
  return guarded(impl_->mu, [&] {
    order& o = control_order(*impl_, guid);
    if (impl_->data.currencies.empty())
      exec_error(0, "no currencies");
    pay_line cash;
    cash.currency = impl_->data.currencies.front().id;
    cash.amount = o.sums.unpaid_sum - o.sums.promised_sum;
    impl_->do_pay(o, {cash});
  });
}

control_result cash_server::void_order(const std::string& guid) {
  return guarded(impl_->mu, [&] { impl_->do_void(control_order(*impl_, guid)); });
}

control_result cash_server::add_dish(const std::string& guid, ident dish, milli quantity) {
  return guarded(impl_->mu, [&] {
    order& o = control_order(*impl_, guid);
    if (o.paid)
      exec_error(err_order_closed, "order is closed");
    pugi::xml_document doc;
    auto d = doc.append_child("Session").append_child("Dish");
    d.append_attribute("id") = static_cast<long long>(dish);
    d.append_attribute("quantity") = static_cast<long long>(quantity);
    order draft = o;
    auto rests = impl_->data.rests;
    std::vector<line_error> errors;
    impl_->apply_session(draft, doc.first_child(), errors, rests);
    if (!errors.empty())
      exec_error(errors.front().code, errors.front().text);
    o = std::move(draft);
    impl_->data.rests = std::move(rests);
    impl_->touch(o);
  });
}

void cash_server::set_saas(bool on) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->opt.saas = on;
}

std::vector<open_order_view> cash_server::open_orders() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<open_order_view> out;
  for (const auto& o : impl_->orders)
    if (!o->deleted && !o->paid)
      out.push_back({o->guid, o->version, o->sums.total_pieces > 0, !o->bill_time.empty()});
  return out;
}

std::int64_t cash_server::order_version(const std::string& guid) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto g = normalize_guid(guid);
  if (!g)
    return 0;
  auto it = impl_->orders_by_guid.find(*g);
  return it == impl_->orders_by_guid.end() ? 0 : it->second->version;
}

std::int64_t cash_server::list_version() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->list_version;
}

std::vector<ident> cash_server::dish_idents() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<ident> out;
  for (const auto& m : impl_->data.menu_items)
    if (!m.combo_scheme)
      out.push_back(m.id);
  return out;
}

bool cash_server::stop_listed(ident dish) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->data.rests.find(dish);
  return it != impl_->data.rests.end() && it->second.prohibited;
}

std::string cash_server::state_json() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  json orders = json::array();
  for (const auto& o : impl_->orders)
    orders.push_back(order_json(*o));
  json rests = json::array();
  for (const auto& [id, r] : impl_->data.rests) {
    json j = {{"dish", id}, {"prohibited", r.prohibited}};
    j["quantity"] = r.quantity ? json(*r.quantity) : json(nullptr);
    rests.push_back(j);
  }
  json j = {{"restaurant",
             {{"name", impl_->data.restaurant.name},
              {"rest_code", impl_->data.restaurant.rest_code},
              {"net_name", impl_->data.restaurant.net_name}}},
            {"saas", impl_->opt.saas},
            {"list_version", impl_->list_version},
            {"ref_versions", impl_->ref_versions},
            {"requests", impl_->counts},
            {"rests", rests},
            {"orders", orders}};
  return j.dump();
}

std::string cash_server::dataset_json() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return dataset_to_json(impl_->data);
}

} // namespace rkgate::rk7sim
