// Orders: applying sessions, pricing, change tracking and the order record.
#include "server_state.hpp"

#include "common/guid.hpp"

#include <algorithm>
#include <array>

namespace rkgate::rk7sim {
namespace {

/// CRC-32 (IEEE) of pugixml's output, computed as it is written.
struct crc32_writer : pugi::xml_writer {
  std::uint32_t c = 0xFFFFFFFFu;
  void write(const void* data, std::size_t size) override;
  std::uint32_t value() const { return c ^ 0xFFFFFFFFu; }
};

void crc32_writer::write(const void* data, std::size_t size) {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t v = i;
      for (int k = 0; k < 8; ++k)
        v = (v & 1) ? 0xEDB88320u ^ (v >> 1) : v >> 1;
      t[i] = v;
    }
    return t;
  }();
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i)
    c = table[(c ^ bytes[i]) & 0xFF] ^ (c >> 8);
}

kopecks share(kopecks base, int percent) { return (base * percent + 50) / 100; }

/// The signed amount of a discount line over `base` (negative: discount).
kopecks discount_amount(const discount& d, const discount_line& l, kopecks base) {
  switch (d.kind) {
  case discount_kind::percent:
    return -share(base, d.percent);
  case discount_kind::markup:
    return share(base, d.percent);
  case discount_kind::amount:
    return -std::min(l.requested.value_or(0), std::max<kopecks>(base, 0));
  case discount_kind::markup_amount:
    return l.requested.value_or(0);
  }
  return 0;
}

kopecks line_sum(kopecks price, milli quantity) { return (price * quantity + (quantity >= 0 ? 500 : -500)) / 1000; }

std::string key_of(const pugi::xml_node& n) {
  for (const char* a : {"id", "code", "guid"})
    if (n.attribute(a))
      return n.attribute(a).value();
  return "?";
}

long long role_id(const std::string& role) { return role == "Официант" ? 1 : role == "Менеджер" ? 2 : 3; }

void write_employee(pugi::xml_node parent, const char* name, const employee* e, bool with_role) {
  auto n = write_ref(parent, name, e);
  if (with_role) {
    auto r = n.append_child("Role");
    r.append_attribute("id") = e ? role_id(e->role) : 0;
    r.append_attribute("code") = e ? role_id(e->role) : 0;
    r.append_attribute("name") = e ? e->role.c_str() : "";
  }
}

/// The combo element (a MODIFIERS item of an mgtCombo group on one of the
/// combo scheme's lines) whose Dish is `dish`; nullptr when there is none.
const modifier* combo_element(const dataset& data, ident combo_scheme, ident dish) {
  for (const auto& det : data.modi_scheme_details) {
    if (det.scheme != combo_scheme)
      continue;
    const modi_group* g = by_id(data.modi_groups, det.group);
    if (!g || !g->combo)
      continue;
    for (ident e : g->modifiers)
      if (const modifier* el = by_id(data.modifiers, e); el && el->dish == dish)
        return el;
  }
  return nullptr;
}

} // namespace

std::string cash_server::impl::fresh_guid() const {
  std::uint64_t half[2] = {guid_rng(), guid_rng()};
  unsigned char b[16];
  for (int i = 0; i < 16; ++i)
    b[i] = static_cast<unsigned char>(half[i / 8] >> (8 * (i % 8)));
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
  static const char hex[] = "0123456789ABCDEF";
  std::string out = "{";
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0F];
  }
  out += '}';
  return out;
}

order* cash_server::impl::find_order(const std::string& guid) {
  auto g = normalize_guid(guid);
  if (!g)
    return nullptr;
  auto it = orders_by_guid.find(*g);
  return it != orders_by_guid.end() && !it->second->deleted ? it->second : nullptr;
}

order& cash_server::impl::need_order(const pugi::xml_node& e) {
  if (!e)
    bad_query("Error: child element \"Order\" not found");
  if (auto g = e.attribute("guid")) {
    if (order* o = find_order(g.value()))
      return *o;
    exec_error(0, std::string("Не найден заказ с GUID ") + g.value());
  }
  auto v = e.attribute("visit");
  auto i = e.attribute("orderIdent") ? e.attribute("orderIdent") : e.attribute("ident");
  if (!v || !i)
    bad_query("Attribute \"/RK7Query/RK7CMD/Order/@guid\" is not found");
  for (auto& o : orders)
    if (!o->deleted && o->visit == v.as_llong() && o->order_ident == i.as_int())
      return *o;
  exec_error(0, std::string("Не найден заказ ") + v.value() + "/" + i.value());
}

void cash_server::impl::apply_session(order& o, const pugi::xml_node& req, std::vector<line_error>& errors,
                                      std::map<ident, dish_rest>& rests) {
  const order_category* categ = by_id(data.order_categories, o.category);
  ident pt = categ ? categ->price_type : 0;
  session s;
  session* replaced = nullptr;
  if (auto u = req.attribute("uni")) {
    for (auto& x : o.sessions)
      if (x.uni == u.as_int())
        replaced = &x;
    if (!replaced)
      bad_query(std::string("Session uni=") + u.value() + " not found in the order");
    // Rewriting a package gives its dishes back to the rests first.
    for (const auto& d : replaced->dishes) {
      auto r = rests.find(d.id);
      if (r != rests.end() && r->second.quantity)
        *r->second.quantity += d.quantity;
    }
    s.uni = replaced->uni;
    s.line_guid = replaced->line_guid;
    s.session_id = replaced->session_id;
    s.start_service = replaced->start_service;
  } else {
    s.uni = o.next_uni++;
    s.line_guid = fresh_guid();
    s.session_id = next_session_id++;
    s.start_service = now_text();
  }
  s.station = o.station;
  if (auto st = req.child("Station"))
    s.station = need_ref(data.stations, st, "Cashes").id;
  s.author = o.waiter;
  for (const char* who : {"Author", "Creator"})
    if (auto a = req.child(who))
      s.author = need_ref(data.employees, a, "Employees").id;

  auto take = [&](const menu_item& m, milli qty, const pugi::xml_node& n) {
    auto r = rests.find(m.id);
    if (r == rests.end())
      return true;
    if (r->second.prohibited) {
      errors.push_back({err_dish_prohibited, "Блюдо \"" + m.name + "\" запрещено к продаже (стоп-лист)", n});
      return false;
    }
    if (r->second.quantity) {
      if (*r->second.quantity < qty) {
        errors.push_back({err_rest_exceeded,
                          "Недостаточно остатка блюда \"" + m.name + "\": осталось " +
                              std::to_string(std::max<milli>(0, *r->second.quantity)),
                          n});
        return false;
      }
      *r->second.quantity -= qty;
    }
    return true;
  };
  auto read_discount = [&](const pugi::xml_node& n, std::vector<discount_line>& into) {
    const discount* d = find_ref(data.discounts, n);
    if (!d) {
      errors.push_back({err_unknown_item, "Не найден элемент " + key_of(n) + " в коллекции Discounts", n});
      return;
    }
    discount_line l;
    l.id = d->id;
    if (auto a = n.attribute("amount"))
      l.requested = a.as_llong();
    if (d->manual_amount() && (!l.requested || *l.requested <= 0)) {
      errors.push_back({err_unknown_item, "Для скидки \"" + d->name + "\" нужно указать сумму (amount)", n});
      return;
    }
    l.uni = o.next_uni++;
    l.line_guid = fresh_guid();
    into.push_back(l);
  };

  for (auto n : req.children()) {
    std::string tag = n.name();
    if (tag == "Dish" || tag == "Combo") {
      const menu_item* m = find_ref(data.menu_items, n);
      if (!m || !m->active) {
        errors.push_back({err_unknown_item, "Не найден элемент " + key_of(n) + " в коллекции MenuItems", n});
        continue;
      }
      auto q = n.attribute("quantity");
      if (!q)
        bad_query("Attribute \"/RK7Query/RK7CMD/Session/" + tag + "/@quantity\" is not found");
      dish_line d;
      d.id = m->id;
      d.combo = tag == "Combo";
      d.quantity = q.as_llong();
      d.seat = n.attribute("seat").as_int(0);
      if (d.quantity <= 0) {
        errors.push_back({err_unknown_item, "Количество блюда \"" + m->name + "\" должно быть больше нуля", n});
        continue;
      }
      if (d.combo != (m->combo_scheme != 0)) {
        errors.push_back({err_bad_combo,
                          d.combo ? "\"" + m->name + "\" не является комбо-блюдом"
                                  : "Комбо-блюдо \"" + m->name + "\" передаётся элементом Combo",
                          n});
        continue;
      }
      if (auto p = n.attribute("price")) {
        d.price = p.as_llong();
      } else if (auto p2 = price_in(*m, pt)) {
        d.price = *p2;
      } else {
        errors.push_back({err_no_price, "У блюда \"" + m->name + "\" нет цены в этом типе цен", n});
        continue;
      }
      bool ok = true;
      std::map<ident, int> per_group;
      for (auto c : n.children()) {
        std::string ctag = c.name();
        if (ctag == "Modi" && !d.combo) {
          const modifier* md = find_ref(data.modifiers, c);
          ident group = 0;
          if (md)
            for (const auto& det : data.modi_scheme_details)
              if (det.scheme == m->modi_scheme)
                for (const auto& g : data.modi_groups)
                  if (g.id == det.group && std::count(g.modifiers.begin(), g.modifiers.end(), md->id))
                    group = g.id;
          if (!md || group == 0) {
            errors.push_back({err_bad_modifier,
                              "Модификатор " + key_of(c) + " не входит в схему модификаторов блюда \"" + m->name + "\"",
                              c});
            ok = false;
            continue;
          }
          modi_line ml;
          ml.id = md->id;
          ml.count = c.attribute("count").as_llong(1);
          ml.price = c.attribute("price") ? c.attribute("price").as_llong() : price_in(*md, pt).value_or(0);
          if (md->open)
            ml.open_name = c.attribute("openName").value();
          ml.uni = o.next_uni++;
          ml.line_guid = fresh_guid();
          per_group[group] += static_cast<int>(ml.count);
          d.modis.push_back(ml);
        } else if (ctag == "Discount") {
          read_discount(c, d.discounts);
        } else if (ctag == "Component" && d.combo) {
          // Component names the dish (MENUITEMS); it must be the Dish of an
          // element of one of the combo scheme's mgtCombo groups.
          const menu_item* cm = find_ref(data.menu_items, c);
          const modifier* el = cm ? combo_element(data, m->combo_scheme, cm->id) : nullptr;
          if (!el) {
            errors.push_back({err_bad_combo, "Компонент " + key_of(c) + " не входит в комбо \"" + m->name + "\"", c});
            ok = false;
            continue;
          }
          component_line cl;
          cl.id = cm->id;
          cl.element = el->id;
          cl.count = c.attribute("count").as_llong(1);
          cl.price = price_in(*el, pt).value_or(0);
          cl.uni = o.next_uni++;
          cl.line_guid = fresh_guid();
          d.components.push_back(cl);
        }
      }
      if (!ok)
        continue;
      if (d.combo) {
        // Each line of the combo scheme within its limits; a missing choice
        // takes the line's default element (DefaultModifier) when it has one.
        for (const auto& det : data.modi_scheme_details) {
          if (det.scheme != m->combo_scheme)
            continue;
          const modi_group* g = by_id(data.modi_groups, det.group);
          std::string gname = g ? g->name : std::to_string(det.group);
          std::int64_t chosen = 0;
          for (const auto& cl : d.components)
            if (g && std::count(g->modifiers.begin(), g->modifiers.end(), cl.element))
              chosen += cl.count;
          const modifier* def = by_id(data.modifiers, det.default_modifier);
          if (chosen < det.down_limit && def && def->dish != 0) {
            d.components.push_back({def->dish, def->id, det.down_limit - chosen, price_in(*def, pt).value_or(0),
                                    o.next_uni++, fresh_guid()});
            chosen = det.down_limit;
          }
          if ((det.use_up_limit && chosen > det.up_limit) || chosen < det.down_limit) {
            errors.push_back({err_bad_combo,
                              "Группа комбо \"" + gname + "\": нужно от " + std::to_string(det.down_limit) + " до " +
                                  (det.use_up_limit ? std::to_string(det.up_limit) : std::string("∞")) +
                                  ", выбрано " + std::to_string(chosen),
                              n});
            ok = false;
          }
        }
      } else {
        for (const auto& det : data.modi_scheme_details) {
          if (det.scheme != m->modi_scheme)
            continue;
          int got = per_group[det.group];
          const modi_group* g = by_id(data.modi_groups, det.group);
          std::string gname = g ? g->name : std::to_string(det.group);
          if ((det.use_up_limit && got > det.up_limit) || got < det.down_limit) {
            errors.push_back({err_bad_modifier,
                              "Группа модификаторов \"" + gname + "\": нужно от " + std::to_string(det.down_limit) +
                                  " до " + (det.use_up_limit ? std::to_string(det.up_limit) : std::string("∞")) +
                                  ", выбрано " + std::to_string(got),
                              n});
            ok = false;
          }
        }
      }
      if (!ok || !take(*m, d.quantity, n))
        continue;
      d.uni = o.next_uni++;
      d.line_guid = fresh_guid();
      s.dishes.push_back(std::move(d));
    } else if (tag == "Discount") {
      read_discount(n, s.discounts);
    } else if (tag == "Prepay") {
      const currency* c = find_ref(data.currencies, n);
      if (!c) {
        errors.push_back({err_unknown_item, "Не найден элемент " + key_of(n) + " в коллекции Currencies", n});
        continue;
      }
      auto a = n.attribute("amount");
      if (!a)
        bad_query("Attribute \"/RK7Query/RK7CMD/Session/Prepay/@amount\" is not found");
      const deposit_reason* reason = find_ref(data.deposit_reasons, n.child("Reason"));
      if (!reason) {
        errors.push_back({err_prepay_reason, "Не указана или не найдена причина внесения предоплаты (Reason)", n});
        continue;
      }
      prepay_line p;
      p.currency = c->id;
      p.amount = a.as_llong();
      p.promised = n.attribute("promised").as_bool(false);
      p.reason = reason->id;
      p.uni = o.next_uni++;
      p.line_guid = fresh_guid();
      s.prepays.push_back(p);
    }
  }
  if (!errors.empty())
    return;
  if (replaced)
    *replaced = std::move(s);
  else
    o.sessions.push_back(std::move(s));
}

void cash_server::impl::recompute(order& o) const {
  totals t;
  for (auto& s : o.sessions) {
    for (auto& d : s.dishes) {
      d.amount = line_sum(d.price, d.quantity);
      for (const auto& m : d.modis)
        d.amount += line_sum(m.price * m.count, d.quantity);
      for (const auto& c : d.components) // combo surcharges
        d.amount += line_sum(c.price * c.count, d.quantity);
      t.dish_sum += d.amount;
      t.total_pieces += d.quantity;
      if (const menu_item* mi = by_id(data.menu_items, d.id))
        t.cook_mins = std::max(t.cook_mins, mi->cook_mins);
      for (auto& l : d.discounts) {
        if (const discount* dc = by_id(data.discounts, l.id))
          l.amount = discount_amount(*dc, l, d.amount);
        t.discount_sum += l.amount;
      }
    }
  }
  const kopecks base = t.dish_sum + t.discount_sum;
  for (auto& s : o.sessions)
    for (auto& l : s.discounts) {
      if (const discount* dc = by_id(data.discounts, l.id))
        l.amount = discount_amount(*dc, l, base);
      t.discount_sum += l.amount;
    }
  // Automatic discounts bound to the order category, kept with stable line GUIDs.
  std::vector<discount_line> autos;
  for (const auto& dc : data.discounts) {
    if (dc.auto_order_category == 0 || dc.auto_order_category != o.category || !dc.active || base <= 0)
      continue;
    discount_line l;
    for (const auto& old : o.auto_discounts)
      if (old.id == dc.id)
        l = old;
    if (l.line_guid.empty()) {
      l.id = dc.id;
      l.automatic = true;
      l.uni = o.next_uni++;
      l.line_guid = fresh_guid();
    }
    l.amount = discount_amount(dc, l, base);
    t.discount_sum += l.amount;
    autos.push_back(l);
  }
  o.auto_discounts = std::move(autos);
  t.order_sum = std::max<kopecks>(0, t.dish_sum + t.discount_sum);
  for (const auto& s : o.sessions)
    for (const auto& p : s.prepays)
      (p.promised ? t.promised_sum : t.prepay_sum) += p.amount;
  for (const auto& c : o.checks)
    if (!c.bill)
      for (const auto& p : c.pays)
        t.paid_sum += p.amount;
  t.unpaid_sum = t.order_sum - t.prepay_sum - t.paid_sum;
  o.sums = t;
}

void cash_server::impl::touch(order& o, pugi::xml_node write_to) {
  recompute(o);
  ++o.version;
  pugi::xml_document scratch;
  pugi::xml_node record = write_order(write_to ? write_to : pugi::xml_node(scratch), o);
  // The checksum covers the content a client sees, not the version itself:
  // the record's text as a document of its own, without version and crc32.
  pugi::xml_attribute before = record.attribute("orderName"); // version and crc32 follow it
  record.remove_attribute("version");
  record.remove_attribute("crc32");
  crc32_writer crc;
  static const char declaration[] = "<?xml version=\"1.0\"?>"; // what xml_document::save writes first
  crc.write(declaration, sizeof declaration - 1);
  record.print(crc, "", pugi::format_raw);
  o.crc32 = static_cast<std::int32_t>(crc.value());
  pugi::xml_attribute version = record.insert_attribute_after("version", before);
  version = static_cast<long long>(o.version);
  record.insert_attribute_after("crc32", version) = o.crc32;
  ++list_version;
}

pugi::xml_node cash_server::impl::write_order(pugi::xml_node parent, const order& o, bool detailed) const {
  auto n = parent.append_child("Order");
  if (o.visit > 0) { // a virtual order (CalcOrder on a cart) has neither
    n.append_attribute("visit") = static_cast<long long>(o.visit);
    n.append_attribute("orderIdent") = o.order_ident;
  }
  n.append_attribute("guid") = o.guid.c_str();
  n.append_attribute("url") = "";
  n.append_attribute("orderName") = o.name.c_str();
  n.append_attribute("version") = static_cast<long long>(o.version);
  n.append_attribute("crc32") = o.crc32;
  n.append_attribute("openTime") = o.open_time.c_str();
  if (!o.persistent_comment.empty())
    n.append_attribute("persistentComment") = o.persistent_comment.c_str();
  if (!o.non_persistent_comment.empty())
    n.append_attribute("nonPersistentComment") = o.non_persistent_comment.c_str();
  n.append_attribute("cookMins") = o.sums.cook_mins;
  n.append_attribute("discountSum") = static_cast<long long>(o.sums.discount_sum);
  n.append_attribute("orderSum") = static_cast<long long>(o.sums.order_sum);
  n.append_attribute("unpaidSum") = static_cast<long long>(o.sums.unpaid_sum);
  n.append_attribute("prepaySum") = static_cast<long long>(o.sums.prepay_sum);
  n.append_attribute("promisedSum") = static_cast<long long>(o.sums.promised_sum);
  n.append_attribute("totalPieces") = static_cast<long long>(o.sums.total_pieces);
  n.append_attribute("paid") = o.paid ? "1" : "0";
  n.append_attribute("finished") = o.finished ? "1" : "0";
  if (o.deleted)
    n.append_attribute("deleted") = "1";

  write_employee(n, "Creator", by_id(data.employees, o.waiter), true);
  write_employee(n, "Waiter", by_id(data.employees, o.waiter), true);
  write_ref(n, "Station", by_id(data.stations, o.station));
  write_ref(n, "OrderCategory", by_id(data.order_categories, o.category));
  write_ref(n, "OrderType", by_id(data.order_types, o.type));
  write_ref(n, "Table", by_id(data.tables, o.table));
  if (o.guests > 0) {
    auto g = n.append_child("Guests");
    g.append_attribute("count") = o.guests;
    for (int i = 1; i <= o.guests; ++i)
      g.append_child("Guest").append_attribute("guestLabel") = i;
  }
  if (!o.ext_props.empty()) {
    auto ep = n.append_child("ExternalProps");
    for (const auto& [k, v] : o.ext_props) {
      auto p = ep.append_child("Prop");
      p.append_attribute("name") = k.c_str();
      p.append_attribute("value") = v.c_str();
    }
  }
  if (!detailed)
    return n;
  const order_category* categ = by_id(data.order_categories, o.category);
  const price_type* pt = categ ? by_id(data.price_types, categ->price_type) : nullptr;
  auto write_discount = [&](pugi::xml_node parent_node, const discount_line& l) {
    auto dn = write_ref(parent_node, "Discount", by_id(data.discounts, l.id));
    dn.append_attribute("uni") = l.uni;
    dn.append_attribute("line_guid") = l.line_guid.c_str();
    dn.append_attribute("state") = 1;
    dn.append_attribute("amount") = static_cast<long long>(l.amount);
    dn.append_attribute("discountSum") = static_cast<long long>(l.amount); // required by the 7.26 schema
    if (l.automatic)
      dn.append_attribute("charge_source") = "automatic";
  };
  for (std::size_t si = 0; si < o.sessions.size(); ++si) {
    const session& s = o.sessions[si];
    auto sn = n.append_child("Session");
    sn.append_attribute("uni") = s.uni;
    sn.append_attribute("line_guid") = s.line_guid.c_str();
    sn.append_attribute("sessionID") = static_cast<long long>(s.session_id);
    sn.append_attribute("isDraft") = "0";
    sn.append_attribute("startService") = s.start_service.c_str();
    sn.append_attribute("cookMins") = o.sums.cook_mins;
    write_ref(sn, "Station", by_id(data.stations, s.station));
    write_employee(sn, "Author", by_id(data.employees, s.author), false);
    for (const auto& d : s.dishes) {
      const menu_item* m = by_id(data.menu_items, d.id);
      auto dn = write_ref(sn, d.combo ? "Combo" : "Dish", m);
      dn.append_attribute("uni") = d.uni;
      dn.append_attribute("line_guid") = d.line_guid.c_str();
      dn.append_attribute("state") = o.paid ? 6 : 1;
      dn.append_attribute("quantity") = static_cast<long long>(d.quantity);
      dn.append_attribute("price") = static_cast<long long>(d.price);
      dn.append_attribute("amount") = static_cast<long long>(d.amount);
      if (d.seat)
        dn.append_attribute("seat") = d.seat;
      for (const auto& ml : d.modis) {
        auto mn = write_ref(dn, "Modi", by_id(data.modifiers, ml.id));
        mn.append_attribute("uni") = ml.uni;
        mn.append_attribute("line_guid") = ml.line_guid.c_str();
        mn.append_attribute("price") = static_cast<long long>(ml.price);
        mn.append_attribute("count") = static_cast<long long>(ml.count);
        if (!ml.open_name.empty())
          mn.append_attribute("openName") = ml.open_name.c_str();
      }
      for (const auto& l : d.discounts)
        write_discount(dn, l);
      for (const auto& cl : d.components) {
        auto cn = write_ref(dn, "Component", by_id(data.menu_items, cl.id));
        cn.append_attribute("uni") = cl.uni;
        cn.append_attribute("line_guid") = cl.line_guid.c_str();
        cn.append_attribute("price") = static_cast<long long>(cl.price);
        cn.append_attribute("count") = static_cast<long long>(cl.count);
      }
    }
    for (const auto& l : s.discounts)
      write_discount(sn, l);
    if (si == 0)
      for (const auto& l : o.auto_discounts)
        write_discount(sn, l);
    for (const auto& p : s.prepays) {
      auto pn = write_ref(sn, "Prepay", by_id(data.currencies, p.currency));
      pn.append_attribute("uni") = p.uni;
      pn.append_attribute("line_guid") = p.line_guid.c_str();
      pn.append_attribute("amount") = static_cast<long long>(p.amount);
      pn.append_attribute("promised") = p.promised ? "1" : "0";
      write_ref(pn, "Reason", by_id(data.deposit_reasons, p.reason));
    }
    if (si + 1 == o.sessions.size())
      for (const auto& c : o.checks) {
        if (c.amount <= 0)
          continue;
        auto cn = sn.append_child("PrintCheck");
        cn.append_attribute("uni") = c.uni;
        cn.append_attribute("line_guid") = c.line_guid.c_str();
        cn.append_attribute("CheckNum") = static_cast<long long>(c.check_num);
        cn.append_attribute("amount") = static_cast<long long>(c.amount);
        cn.append_attribute("bill") = c.bill ? "1" : "0";
        cn.append_attribute("printTime") = c.print_time.c_str();
        for (const auto& p : c.pays) {
          auto pn = write_ref(cn, "Pay", by_id(data.currencies, p.currency));
          pn.append_attribute("uni") = p.uni;
          pn.append_attribute("line_guid") = p.line_guid.c_str();
          pn.append_attribute("amount") = static_cast<long long>(p.amount);
        }
      }
    write_ref(sn, "PriceScale", pt);
    auto tg = sn.append_child("TradeGroup");
    tg.append_attribute("id") = 1;
    tg.append_attribute("code") = 1;
    tg.append_attribute("name") = "Основная торговая группа";
  }
  return n;
}

void cash_server::impl::do_print_bill(order& o) {
  if (o.paid || o.finished)
    exec_error(err_order_closed, "Заказ уже закрыт");
  if (o.sums.order_sum <= 0)
    exec_error(0, "Нельзя напечатать пречек: в заказе нет блюд");
  print_check c;
  c.uni = o.next_uni++;
  c.line_guid = fresh_guid();
  c.bill = true;
  c.amount = o.sums.order_sum;
  c.check_num = next_check_num++;
  c.print_time = now_text();
  o.checks.push_back(c);
  o.bill_time = c.print_time;
  touch(o);
}

void cash_server::impl::do_pay(order& o, const std::vector<pay_line>& pays) {
  if (o.paid || o.finished)
    exec_error(err_order_closed, "Заказ уже закрыт");
  kopecks given = 0;
  for (const auto& p : pays)
    given += p.amount;
  // Promised prepayments are settled at closing, so they count towards the sum due.
  kopecks due = o.sums.unpaid_sum - o.sums.promised_sum;
  if (given != due)
    exec_error(err_not_enough_money, "Недостаточно денег для полной оплаты заказа (к оплате " + std::to_string(due) +
                                         ", передано " + std::to_string(given) + ")");
  print_check c;
  c.uni = o.next_uni++;
  c.line_guid = fresh_guid();
  c.amount = given;
  c.check_num = next_check_num++;
  c.print_time = now_text();
  for (auto p : pays) {
    p.uni = o.next_uni++;
    p.line_guid = fresh_guid();
    c.pays.push_back(p);
  }
  o.checks.push_back(c);
  o.paid = true;
  o.finished = true;
  o.finish_time = c.print_time;
  touch(o);
}

void cash_server::impl::do_void(order& o) {
  if (o.paid)
    exec_error(err_order_closed, "Заказ оплачен; удалить можно только чек (DeleteReceipt)");
  o.deleted = true;
  touch(o);
}

} // namespace rkgate::rk7sim
