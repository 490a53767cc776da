#include "actors/order_body.hpp"
#include "common/digest.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rkgate::actors {

const char* to_string(discount_type t) {
  switch (t) {
    case discount_type::ref:
      return "REF";
    case discount_type::sum:
      return "SUM";
    case discount_type::markup:
      return "MARKUPSUM";
  }
  return "REF";
}

namespace {

using nlohmann::json;

/// Thrown inside the parser; turned into a body_error at the top.
struct bad_field {
  std::string path;
  std::string message;
};

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80)
      ++n;
  return n;
}

std::int64_t get_int(const json& j, const std::string& path) {
  if (j.is_number_integer() || j.is_number_unsigned())
    return j.get<std::int64_t>();
  if (j.is_number_float()) {
    double v = j.get<double>();
    if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9e15)
      return static_cast<std::int64_t>(v);
  }
  throw bad_field{path, "must be an integer"};
}

std::string get_string(const json& j, const std::string& path) {
  if (!j.is_string())
    throw bad_field{path, "must be a string"};
  return j.get<std::string>();
}

kopecks get_money(const json& j, const std::string& path) {
  if (!j.is_number())
    throw bad_field{path, "must be a number"};
  auto v = kopecks_from_number(j.get<double>());
  if (!v)
    throw bad_field{path, "must be an amount with at most 2 decimals"};
  return *v;
}

milli get_quantity(const json& j, const std::string& path) {
  if (!j.is_number())
    throw bad_field{path, "must be a number"};
  auto v = milli_from_number(j.get<double>());
  if (!v)
    throw bad_field{path, "must be a quantity with at most 3 decimals"};
  if (*v <= 0)
    throw bad_field{path, "must be greater than 0"};
  return *v;
}

const json* field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return nullptr;
  return &*it;
}

item_ref get_ref(const json& obj, const std::string& path, const char* id_name = "id") {
  item_ref r;
  if (auto* v = field(obj, id_name))
    r.id = get_int(*v, path + "." + id_name);
  if (auto* v = field(obj, "code"))
    r.code = get_int(*v, path + ".code");
  if (!r.id && !r.code)
    throw bad_field{path, std::string("must name `") + id_name + "` or `code`"};
  return r;
}

const json& get_object(const json& j, const std::string& path) {
  if (!j.is_object())
    throw bad_field{path, "must be an object"};
  return j;
}

const json& get_array(const json& j, const std::string& path) {
  if (!j.is_array())
    throw bad_field{path, "must be an array"};
  return j;
}

cart_item parse_item(const json& j, const std::string& path) {
  get_object(j, path);
  cart_item item;
  item.ref = get_ref(j, path);
  auto* q = field(j, "quantity");
  if (!q)
    throw bad_field{path + ".quantity", "is required"};
  item.quantity = get_quantity(*q, path + ".quantity");
  if (auto* p = field(j, "price")) {
    item.price = get_money(*p, path + ".price");
    if (*item.price < 0)
      throw bad_field{path + ".price", "must not be negative"};
  }
  if (auto* mods = field(j, "modifiers")) {
    get_array(*mods, path + ".modifiers");
    for (std::size_t i = 0; i < mods->size(); ++i) {
      auto mpath = path + ".modifiers[" + std::to_string(i) + "]";
      const auto& m = get_object((*mods)[i], mpath);
      cart_modifier mod;
      mod.ref = get_ref(m, mpath);
      if (auto* mq = field(m, "quantity")) {
        auto n = get_int(*mq, mpath + ".quantity");
        if (n < 1 || n > 1000)
          throw bad_field{mpath + ".quantity", "must be an integer from 1 to 1000"};
        mod.count = static_cast<int>(n);
      }
      item.modifiers.push_back(mod);
    }
  }
  if (auto* c = field(j, "item_comment")) {
    item.comment = get_string(*c, path + ".item_comment");
    auto n = utf8_length(item.comment);
    if (n < 1 || n > 255)
      throw bad_field{path + ".item_comment", "must have 1 to 255 characters"};
  }
  if (auto* comps = field(j, "components")) {
    get_array(*comps, path + ".components");
    for (std::size_t i = 0; i < comps->size(); ++i) {
      auto cpath = path + ".components[" + std::to_string(i) + "]";
      const auto& c = get_object((*comps)[i], cpath);
      cart_component comp;
      auto* cid = field(c, "component_id");
      if (!cid)
        throw bad_field{cpath + ".component_id", "is required"};
      comp.component_id = get_int(*cid, cpath + ".component_id");
      comp.item = get_ref(c, cpath, "item_id");
      if (auto* cq = field(c, "quantity"))
        comp.quantity = get_quantity(*cq, cpath + ".quantity");
      item.components.push_back(comp);
    }
  }
  return item;
}

cart parse(const json& body, bool need_external_id) {
  get_object(body, "");
  cart c;
  if (auto* v = field(body, "restaurant"))
    c.restaurant = get_string(*v, "restaurant");
  if (auto* v = field(body, "external_id")) {
    if (v->is_number_integer())
      c.external_id = std::to_string(v->get<std::int64_t>());
    else
      c.external_id = get_string(*v, "external_id");
  }
  if (need_external_id && c.external_id.empty())
    throw bad_field{"external_id", "is required"};
  if (c.external_id.size() > 200)
    throw bad_field{"external_id", "must have at most 200 characters"};
  if (auto* v = field(body, "order_category"))
    c.order_category = get_int(*v, "order_category");
  if (auto* v = field(body, "table_code"))
    c.table_code = get_int(*v, "table_code");
  if (auto* v = field(body, "guests")) {
    auto n = get_int(*v, "guests");
    if (n < 0 || n > 1000)
      throw bad_field{"guests", "must be from 0 to 1000"};
    c.guests = static_cast<int>(n);
  }
  auto* items = field(body, "items");
  if (!items)
    throw bad_field{"items", "is required"};
  get_array(*items, "items");
  if (items->empty())
    throw bad_field{"items", "must not be empty"};
  for (std::size_t i = 0; i < items->size(); ++i)
    c.items.push_back(parse_item((*items)[i], "items[" + std::to_string(i) + "]"));
  if (auto* ds = field(body, "discounts")) {
    get_array(*ds, "discounts");
    for (std::size_t i = 0; i < ds->size(); ++i) {
      auto path = "discounts[" + std::to_string(i) + "]";
      const auto& d = get_object((*ds)[i], path);
      cart_discount disc;
      auto* type = field(d, "type");
      auto t = type ? get_string(*type, path + ".type") : std::string("REF");
      if (t == "REF")
        disc.type = discount_type::ref;
      else if (t == "SUM")
        disc.type = discount_type::sum;
      else if (t == "MARKUPSUM")
        disc.type = discount_type::markup;
      else
        throw bad_field{path + ".type", "must be REF, SUM or MARKUPSUM"};
      auto* code = field(d, "code");
      if (!code)
        throw bad_field{path + ".code", "is required"};
      disc.code = get_int(*code, path + ".code");
      if (disc.type != discount_type::ref) {
        auto* sum = field(d, "sum");
        if (!sum)
          throw bad_field{path + ".sum", "is required for SUM and MARKUPSUM"};
        disc.sum = get_money(*sum, path + ".sum");
        if (*disc.sum <= 0)
          throw bad_field{path + ".sum", "must be greater than 0"};
      }
      c.discounts.push_back(disc);
    }
  }
  if (auto* ps = field(body, "payments")) {
    get_array(*ps, "payments");
    for (std::size_t i = 0; i < ps->size(); ++i) {
      auto path = "payments[" + std::to_string(i) + "]";
      const auto& p = get_object((*ps)[i], path);
      cart_payment pay;
      auto* cur = field(p, "currency_code");
      if (!cur)
        throw bad_field{path + ".currency_code", "is required"};
      pay.currency_code = get_int(*cur, path + ".currency_code");
      auto* sum = field(p, "sum");
      if (!sum)
        throw bad_field{path + ".sum", "is required"};
      pay.sum = get_money(*sum, path + ".sum");
      if (pay.sum <= 0)
        throw bad_field{path + ".sum", "must be greater than 0"};
      for (const auto& prev : c.payments)
        if (prev.currency_code == pay.currency_code)
          throw bad_field{path + ".currency_code", "repeats a currency (one payment per currency)"};
      c.payments.push_back(pay);
    }
  }
  if (auto* v = field(body, "comment"))
    c.comment = get_string(*v, "comment");
  if (auto* v = field(body, "short_external_info")) {
    c.short_external_info = get_string(*v, "short_external_info");
    if (utf8_length(c.short_external_info) > 30)
      throw bad_field{"short_external_info", "must have at most 30 characters"};
  }
  if (auto* v = field(body, "customer")) {
    get_object(*v, "customer");
    if (auto* n = field(*v, "name"))
      c.customer.name = get_string(*n, "customer.name");
    if (auto* n = field(*v, "phone"))
      c.customer.phone = get_string(*n, "customer.phone");
    if (auto* n = field(*v, "address"))
      c.customer.address = get_string(*n, "customer.address");
  }
  if (auto* v = field(body, "deliver_at")) {
    c.deliver_at = get_string(*v, "deliver_at");
    if (c.deliver_at.size() < 19 || c.deliver_at[4] != '-' || c.deliver_at[10] != 'T')
      throw bad_field{"deliver_at", "must be an ISO 8601 time with offset"};
  }
  if (auto* v = field(body, "accept")) {
    auto a = get_string(*v, "accept");
    if (a == "manual")
      c.manual_accept = true;
    else if (a != "auto")
      throw bad_field{"accept", "must be \"auto\" or \"manual\""};
  }
  if (auto* v = field(body, "callback_url")) {
    c.callback_url = get_string(*v, "callback_url");
    if (c.callback_url.rfind("http://", 0) != 0 && c.callback_url.rfind("https://", 0) != 0)
      throw bad_field{"callback_url", "must be an http(s) URL"};
  }
  return c;
}

} // namespace

std::variant<cart, body_error> parse_order_body(const nlohmann::json& body,
                                                bool need_external_id) {
  try {
    return parse(body, need_external_id);
  } catch (const bad_field& e) {
    body_error err;
    err.path = e.path;
    err.message = (e.path.empty() ? std::string("body") : e.path) + " " + e.message;
    return err;
  } catch (const nlohmann::json::exception& e) {
    body_error err;
    err.message = e.what();
    return err;
  }
}

stored_body store_body(nlohmann::json body) {
  if (body.is_object())
    body.erase("token");
  stored_body out;
  out.text = json_text(body);
  out.hash = sha256_hex(out.text);
  return out;
}

} // namespace rkgate::actors
