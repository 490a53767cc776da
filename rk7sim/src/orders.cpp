// CreateOrder, SaveOrder, CalcOrder/ValidateOrder, GetOrder, GetOrderList,
// PrintBill, PayOrder, VoidOrder.
#include "server_state.hpp"

#include "xml_text.hpp"

#include "common/guid.hpp"

#include <algorithm>

namespace rkgate::rk7sim {
namespace {

/// Which attributes of a listed order's references GetOrderList writes: its
/// needIdents, needCodes (default 1) and needNames (default 0), as
/// qryGetOrderList.xsd documents them.
struct ref_parts {
  bool idents, codes, names;

  explicit ref_parts(const pugi::xml_node& q)
      : idents(q.attribute("needIdents").as_bool(true)),
        codes(q.attribute("needCodes").as_bool(true)),
        names(q.attribute("needNames").as_bool(false)) {}
  bool any() const { return idents || codes || names; }
};

/// A listed order's reference as its ID, Code and Name attributes, those
/// asked for (0, 0 and "" when the order has none).
void ref_attrs(xml_text& x, const ref_parts& parts, const char* id, const char* code, const char* name,
               const ref_base* r) {
  if (parts.idents)
    x.attr(id, static_cast<long long>(r ? r->id : 0));
  if (parts.codes)
    x.attr(code, static_cast<long long>(r ? r->code : 0));
  if (parts.names)
    x.attr(name, r ? r->name.c_str() : "");
}

void write_errors(pugi::xml_node out, const std::vector<line_error>& errors) {
  for (const auto& e : errors) {
    auto n = out.append_child("Error");
    n.append_attribute("RK7ErrorN") = e.code;
    n.append_attribute("ErrorText") = e.text.c_str();
    // The 7.26 schema requires Component; "Rights" is the closest of its values
    // for a sale the restaurant's rules forbid.
    n.append_attribute("Component") = "Rights";
    n.append_child("FaultyTag").append_copy(e.faulty);
  }
}

outcome failed(const std::vector<line_error>& errors) {
  return {"Query Executing Error", errors.front().code, errors.front().text};
}

int guests_of(const pugi::xml_node& order_elem) {
  auto g = order_elem.child("Guests");
  if (!g)
    return 0;
  int listed = static_cast<int>(std::distance(g.children("Guest").begin(), g.children("Guest").end()));
  return std::max(g.attribute("count").as_int(0), listed);
}

} // namespace

void cash_server::impl::create_order(const pugi::xml_node& q, pugi::xml_node out) {
  auto e = q.child("Order");
  if (!e)
    bad_query("Error: child element \"Order\" not found");
  if (!e.child("Table"))
    bad_query("Error: child element \"Table\" not found");
  auto o = std::make_unique<order>();
  o->table = need_ref(data.tables, e.child("Table"), "Tables").id;
  o->station = e.child("Station") ? need_ref(data.stations, e.child("Station"), "Cashes").id : data.default_station;
  o->waiter = e.child("Waiter") ? need_ref(data.employees, e.child("Waiter"), "Employees").id : data.default_waiter;
  o->category = e.child("OrderCategory")
                    ? need_ref(data.order_categories, e.child("OrderCategory"), "UnchangeableOrderTypes").id
                    : data.default_order_category;
  o->type = e.child("OrderType") ? need_ref(data.order_types, e.child("OrderType"), "ChangeableOrderTypes").id
                                 : data.default_order_type;
  o->guests = guests_of(e);
  if (data.restaurant.guests_required && o->guests == 0)
    exec_error(err_guests_required, "Количество гостей не может быть равно нулю");
  if (auto g = e.attribute("guid")) {
    auto norm = normalize_guid(g.value());
    if (!norm)
      bad_query(std::string("Bad GUID attribute \"guid\" value: \"") + g.value() + "\"");
    if (orders_by_guid.count(*norm))
      exec_error(0, "Заказ с GUID " + *norm + " уже существует");
    o->guid = *norm;
  } else {
    o->guid = fresh_guid();
  }
  if (auto v = e.child("Visit")) {
    std::int64_t visit = v.attribute("visit").as_llong(0);
    if (auto vg = v.attribute("guid"))
      for (const auto& [id, guid] : visit_guids)
        if (guid == normalize_guid(vg.value()).value_or(""))
          visit = id;
    if (!visit_guids.count(visit))
      exec_error(0, "Не найден визит " + std::to_string(visit));
    o->visit = visit;
    o->visit_guid = &visit_guids[visit];
    o->order_ident = 256;
    for (const auto& x : orders)
      if (x->visit == visit) {
        o->visit_rank = x->visit_rank; // the same on every order of the visit
        o->order_ident = std::max(o->order_ident, x->order_ident + 1);
      }
  } else {
    o->visit = next_visit++;
    o->visit_rank = orders.size();
    o->visit_guid = &(visit_guids[o->visit] = fresh_guid());
  }
  const table* t = by_id(data.tables, o->table);
  o->name = std::to_string(t->code) + "/" + std::to_string(o->order_ident - 255);
  o->persistent_comment = e.attribute("persistentComment").value();
  o->non_persistent_comment = e.attribute("nonPersistentComment").value();
  for (auto p : e.child("ExternalProps").children("Prop"))
    o->ext_props.emplace_back(p.attribute("name").value(), p.attribute("value").value());
  o->open_time = now_text();
  o->version = 0;
  out.append_attribute("VisitID") = static_cast<long long>(o->visit);
  out.append_attribute("OrderID") = o->order_ident;
  out.append_attribute("guid") = o->guid.c_str();
  touch(*o, out);
  orders_by_guid[o->guid] = o.get();
  orders.push_back(std::move(o));
}

outcome cash_server::impl::save_order(const pugi::xml_node& q, pugi::xml_node out) {
  check_license(q);
  order& o = need_order(q.child("Order"));
  if (o.paid || o.finished)
    exec_error(err_order_closed, "Заказ " + o.guid + " закрыт, изменения запрещены");
  if (!q.child("Session"))
    bad_query("Error: child element \"Session\" not found");
  order draft = o;
  auto rests = data.rests;
  std::vector<line_error> errors;
  std::vector<int> touched;
  for (auto s : q.children("Session")) {
    std::size_t before = draft.sessions.size();
    apply_session(draft, s, errors, rests);
    if (errors.empty())
      touched.push_back(draft.sessions.size() > before ? draft.sessions.back().uni : s.attribute("uni").as_int());
  }
  if (!errors.empty()) {
    // All or nothing: a failing line leaves the order and the rests unchanged.
    write_errors(out, errors);
    write_order(out, o);
    return failed(errors);
  }
  o = std::move(draft);
  data.rests = std::move(rests);
  touch(o, out);
  for (int uni : touched)
    for (const auto& s : o.sessions)
      if (s.uni == uni) {
        auto sn = out.append_child("Session");
        sn.append_attribute("line_guid") = s.line_guid.c_str();
        sn.append_attribute("sessionID") = static_cast<long long>(s.session_id);
      }
  return {};
}

outcome cash_server::impl::calc_order(const pugi::xml_node& q, pugi::xml_node out, bool validate_only) {
  order draft;
  if (auto e = q.child("Order")) {
    draft = need_order(e);
  } else {
    // A cart without an order: a virtual order from the header elements.
    draft.guid = fresh_guid();
    draft.visit = 0;
    draft.table = q.child("Table") ? need_ref(data.tables, q.child("Table"), "Tables").id : data.default_table;
    draft.station = data.default_station;
    draft.waiter = q.child("Waiter") ? need_ref(data.employees, q.child("Waiter"), "Employees").id : data.default_waiter;
    draft.category = q.child("OrderCategory")
                         ? need_ref(data.order_categories, q.child("OrderCategory"), "UnchangeableOrderTypes").id
                         : data.default_order_category;
    draft.type = q.child("OrderType") ? need_ref(data.order_types, q.child("OrderType"), "ChangeableOrderTypes").id
                                      : data.default_order_type;
    draft.guests = guests_of(q);
    draft.open_time = now_text();
    draft.name = "";
  }
  if (!q.child("Session"))
    bad_query("Error: child element \"Session\" not found");
  auto rests = data.rests;
  auto saved_session_id = next_session_id;
  std::vector<line_error> errors;
  std::vector<std::int64_t> ids;
  for (auto s : q.children("Session")) {
    apply_session(draft, s, errors, rests);
    ids.push_back(next_session_id - 1);
  }
  next_session_id = saved_session_id; // pricing changes nothing
  recompute(draft);
  write_errors(out, errors);
  if (validate_only) {
    for (auto id : ids)
      out.append_child("Session").append_attribute("sessionID") = static_cast<long long>(id);
  } else {
    write_order(out, draft);
  }
  return errors.empty() ? outcome{} : failed(errors);
}

void cash_server::impl::get_order(const pugi::xml_node& q, pugi::xml_node out) {
  write_order(out, need_order(q.child("Order")));
}

namespace {

/// An order's element in a GetOrderList reply, written again only when the
/// order changed (every change bumps its version) or other parts are asked.
const std::string& listed_order(const order& o, const ref_parts& parts, const dataset& data) {
  unsigned key = (parts.idents ? 1u : 0u) | (parts.codes ? 2u : 0u) | (parts.names ? 4u : 0u);
  if (o.listed_version == o.version && o.listed_parts == key)
    return o.listed_text;
  o.listed_text.clear();
  xml_text x(o.listed_text);
  x.open("Order");
  x.attr("OrderID", o.order_ident);
  x.attr("Version", static_cast<long long>(o.version));
  x.attr("crc32", o.crc32);
  x.attr("guid", o.guid);
  x.attr("url", "");
  x.attr("OrderName", o.name);
  x.attr("OrderSum", static_cast<long long>(o.sums.order_sum));
  x.attr("ToPaySum", static_cast<long long>(o.sums.unpaid_sum));
  x.attr("PrepaySum", static_cast<long long>(o.sums.prepay_sum));
  x.attr("PromisedSum", static_cast<long long>(o.sums.promised_sum));
  x.attr("PriceListSum", static_cast<long long>(o.sums.dish_sum));
  x.attr("TotalPieces", static_cast<long long>(o.sums.total_pieces));
  x.attr("CreateTime", o.open_time);
  if (!o.finish_time.empty())
    x.attr("FinishTime", o.finish_time);
  x.attr("Finished", o.finished ? "1" : "0");
  x.attr("Bill", o.bill_time.empty() ? "0" : "1");
  if (!o.bill_time.empty())
    x.attr("BillTime", o.bill_time);
  if (parts.any()) {
    ref_attrs(x, parts, "TableID", "TableCode", "TableName", by_id(data.tables, o.table));
    ref_attrs(x, parts, "WaiterID", "WaiterCode", "WaiterName", by_id(data.employees, o.waiter));
    ref_attrs(x, parts, "OrderCategID", "OrderCategCode", "OrderCategName",
              by_id(data.order_categories, o.category));
    ref_attrs(x, parts, "OrderTypeID", "OrderTypeCode", "OrderTypeName", by_id(data.order_types, o.type));
  }
  x.end_empty();
  o.listed_version = o.version;
  o.listed_parts = key;
  return o.listed_text;
}

} // namespace

outcome cash_server::impl::get_order_list(const pugi::xml_node& q, pugi::xml_node out) {
  out.append_attribute("lastversion") = static_cast<long long>(list_version);
  if (auto lv = q.attribute("lastversion"); lv && lv.as_llong(-1) == list_version)
    return {"No changes", 0, ""};
  bool only_opened = q.attribute("onlyOpened").as_bool(false);
  const ref_parts parts(q);
  const table* table_filter = q.child("Table") ? &need_ref(data.tables, q.child("Table"), "Tables") : nullptr;
  const employee* waiter_filter =
      q.child("Waiter") ? &need_ref(data.employees, q.child("Waiter"), "Employees") : nullptr;
  // Visits in the order of their first order (deleted ones included), each
  // with its listed orders in creation order: one pass over the orders, each
  // carrying its visit's rank, then a stable sort by rank (none when visits
  // do not interleave, as when every order opens a visit of its own).
  std::vector<const order*> shown;
  shown.reserve(orders.size());
  for (const auto& o : orders) {
    if (o->deleted)
      continue;
    if (only_opened && o->finished)
      continue;
    if (table_filter && o->table != table_filter->id)
      continue;
    if (waiter_filter && o->waiter != waiter_filter->id)
      continue;
    shown.push_back(o.get());
  }
  auto by_visit = [](const order* a, const order* b) { return a->visit_rank < b->visit_rank; };
  if (!std::is_sorted(shown.begin(), shown.end(), by_visit))
    std::stable_sort(shown.begin(), shown.end(), by_visit);
  // The listed orders go out as text (xml_text): as a DOM they cost ~5x.
  outcome listed;
  std::string& text = listed.raw_children;
  xml_text x(text);
  x.reserve(orders.size() * 800); // an order's element: ~700 bytes with names, ~450 lean
  for (auto first = shown.begin(); first != shown.end();) {
    auto last = std::find_if(first, shown.end(), [&](const order* o) { return o->visit_rank != (*first)->visit_rank; });
    bool finished = std::all_of(first, last, [](const order* o) { return o->finished; });
    const order& head = **first;
    x.open("Visit");
    x.attr("VisitID", static_cast<long long>(head.visit));
    x.attr("guid", *head.visit_guid);
    x.attr("Finished", finished ? "1" : "0");
    x.attr("GuestsCount", head.guests);
    if (!head.persistent_comment.empty())
      x.attr("PersistentComment", head.persistent_comment);
    x.begin_children();
    x.open("Guests");
    x.attr("count", head.guests);
    x.end_empty();
    x.open("Orders");
    x.begin_children();
    for (; first != last; ++first)
      text += listed_order(**first, parts, data);
    x.close("Orders");
    x.close("Visit");
  }
  return listed;
}

void cash_server::impl::print_bill_cmd(const pugi::xml_node& q, pugi::xml_node) {
  do_print_bill(need_order(q.child("Order")));
}

void cash_server::impl::pay_order(const pugi::xml_node& q, pugi::xml_node out) {
  check_license(q);
  order& o = need_order(q.child("Order"));
  for (const char* required : {"Station", "Cashier"})
    if (!q.child(required))
      bad_query(std::string("Error: child element \"") + required + "\" not found");
  need_ref(data.stations, q.child("Station"), "Cashes");
  need_ref(data.employees, q.child("Cashier"), "Employees");
  std::vector<pay_line> pays;
  auto read = [&](const pugi::xml_node& p) {
    pay_line l;
    l.currency = need_ref(data.currencies, p, "Currencies").id;
    auto a = p.attribute("amount");
    if (!a)
      bad_query("Attribute \"/RK7Query/RK7CMD/Payment/@amount\" is not found");
    l.amount = a.as_llong();
    pays.push_back(l);
  };
  for (auto p : q.children("Payment"))
    read(p);
  for (auto c : q.children("PrintCheck"))
    for (auto p : c.children("Payment"))
      read(p);
  do_pay(o, pays);
  const print_check& c = o.checks.back();
  if (c.amount <= 0)
    return;
  auto pc = out.append_child("PrintCheck");
  pc.append_attribute("uni") = c.uni;
  pc.append_attribute("line_guid") = c.line_guid.c_str();
  pc.append_attribute("CheckNum") = static_cast<long long>(c.check_num);
  pc.append_attribute("amount") = static_cast<long long>(c.amount);
  pc.append_attribute("printTime") = c.print_time.c_str();
  for (const auto& p : c.pays) {
    auto pn = write_ref(pc, "Pay", by_id(data.currencies, p.currency));
    pn.append_attribute("uni") = p.uni;
    pn.append_attribute("line_guid") = p.line_guid.c_str();
    pn.append_attribute("amount") = static_cast<long long>(p.amount);
  }
}

void cash_server::impl::void_order_cmd(const pugi::xml_node& q, pugi::xml_node) {
  order& o = need_order(q.child("Order"));
  if (auto r = q.child("DeleteReason"))
    need_ref(data.order_voids, r, "OrderVoids");
  do_void(o);
}

} // namespace rkgate::rk7sim
