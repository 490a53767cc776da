#include "actors/order_record.hpp"

#include "actors/order_mapping.hpp"

#include "common/json_object.hpp"
#include "common/json_text.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace rkgate::actors {

using nlohmann::json;

const char* to_string(order_step s) {
  switch (s) {
    case order_step::creating:
      return "creating";
    case order_step::created:
      return "created";
    case order_step::saved:
      return "saved";
    case order_step::failed:
      return "failed";
    case order_step::waiting:
      return "waiting";
  }
  return "failed";
}

namespace {

order_step step_from(const std::string& s) {
  if (s == "creating")
    return order_step::creating;
  if (s == "created")
    return order_step::created;
  if (s == "saved")
    return order_step::saved;
  if (s == "waiting")
    return order_step::waiting;
  return order_step::failed;
}

json parse_or_null(const std::string& text) {
  if (text.empty())
    return nullptr;
  auto j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json(nullptr) : j;
}

/// The record is written by hand, not through a DOM: it is written twice for
/// every order, and its `body` and `priced` are long strings a DOM would copy.
class record_writer {
public:
  explicit record_writer(std::string& out) : out_(out) { out_ += '{'; }
  void text(const char* key, std::string_view value) {
    name(key);
    // Bytes that are not UTF-8 (a cash server's message, say) become U+FFFD.
    if (!append_json_string(value, out_))
      out_ += json_text(json(std::string(value)), true);
    out_ += ',';
  }
  void number(const char* key, std::int64_t value) {
    name(key);
    out_ += std::to_string(value);
    out_ += ',';
  }
  void flag(const char* key, bool value) {
    name(key);
    out_ += value ? "true," : "false,";
  }
  void close() { out_.back() = '}'; }

private:
  void name(const char* key) {
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  std::string& out_;
};

} // namespace

std::string to_json(const order_record& r) {
  std::string out;
  out.reserve(256 + r.body.size() * 5 / 4 + r.priced.size() * 5 / 4);
  record_writer w(out);
  // Keys in sorted order, as nlohmann's dump() of the same object gives them.
  w.text("body", r.body);
  w.text("body_hash", r.body_hash);
  w.text("created_at", r.created_at);
  w.text("external_id", r.external_id);
  w.text("guid", r.guid);
  w.flag("manual", r.manual);
  w.number("order_ident", r.order_ident);
  w.number("paid", r.paid);
  w.text("priced", r.priced);
  w.text("reply_code", r.reply_code);
  w.text("reply_message", r.reply_message);
  w.number("reply_status", r.reply_status);
  w.text("restaurant", r.restaurant);
  w.number("rk7_version", r.rk7_version);
  w.text("source", r.source);
  w.number("status", r.status);
  w.text("step", to_string(r.step));
  w.number("sum", r.sum);
  w.number("table_code", r.table_code);
  w.text("table_name", r.table_name);
  w.number("table_slot", r.table_slot);
  w.number("to_pay", r.to_pay);
  w.text("updated_at", r.updated_at);
  w.number("visit", r.visit);
  w.close();
  return out;
}

std::optional<order_record> order_record_from_json(std::string_view text) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    order_record r;
    r.guid = j.at("guid").get<std::string>();
    r.source = j.value("source", "");
    r.external_id = j.value("external_id", "");
    r.restaurant = j.value("restaurant", "");
    r.body_hash = j.value("body_hash", "");
    r.body = j.value("body", "");
    r.manual = j.value("manual", false);
    r.step = step_from(j.value("step", "failed"));
    r.status = j.value("status", 5);
    r.table_code = j.value("table_code", std::int64_t{0});
    r.table_name = j.value("table_name", "");
    r.table_slot = j.value("table_slot", -1);
    r.visit = j.value("visit", std::int64_t{0});
    r.order_ident = j.value("order_ident", std::int64_t{0});
    r.created_at = j.value("created_at", "");
    r.updated_at = j.value("updated_at", "");
    r.priced = j.value("priced", "");
    r.sum = j.value("sum", kopecks{0});
    r.paid = j.value("paid", kopecks{0});
    r.to_pay = j.value("to_pay", kopecks{0});
    r.rk7_version = j.value("rk7_version", std::int64_t{-1});
    r.reply_status = j.value("reply_status", 0);
    r.reply_code = j.value("reply_code", "");
    r.reply_message = j.value("reply_message", "");
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

json order_body_object(const order_record& r) {
  return parse_or_null(r.body);
}

std::string order_api_json(const order_record& r) {
  return json_text(order_api_object(r, order_body_object(r)));
}

json order_api_object(const order_record& r, const json& body, const json* priced_dom) {
  // Items and discounts are moved out of a parsed copy, copied from the caller's.
  json parsed = priced_dom ? json(nullptr) : parse_or_null(r.priced);
  const json& priced = priced_dom ? *priced_dom : parsed;
  auto list = [&](const char* key) {
    if (!priced.is_object() || !priced.contains(key))
      return json::array();
    return priced_dom ? priced[key] : std::move(parsed[key]);
  };
  // The body's member `key` when it has the given type, else `fallback`.
  auto member = [&](const char* key, json::value_t type, json fallback) {
    if (body.is_object())
      if (auto it = body.find(key); it != body.end() && it->type() == type)
        return *it;
    return fallback;
  };
  json payments = json::array();
  if (body.is_object() && body.contains("payments") && body["payments"].is_array())
    for (const auto& p : body["payments"])
      payments.push_back(json_object("currency_code", p.value("currency_code", json(nullptr)),
                                     "sum", p.value("sum", json(nullptr))));
  return json_object(
    "guid", r.guid,
    "external_id", r.external_id,
    "restaurant", r.restaurant,
    "status", r.status,
    "status_name", status_name(r.status),
    "table", r.table_slot >= 0 ? json_object("code", r.table_code, "name", r.table_name) : json(nullptr),
    "created_at", r.created_at,
    "updated_at", r.updated_at,
    "visit", r.visit ? json(r.visit) : json(nullptr),
    "order_ident", r.order_ident ? json(r.order_ident) : json(nullptr),
    "sum", to_number(r.sum),
    "paid", to_number(r.paid),
    "to_pay", to_number(r.to_pay),
    "items", list("items"),
    "discounts", list("discounts"),
    "payments", std::move(payments),
    "comment", member("comment", json::value_t::string, ""),
    "short_external_info", member("short_external_info", json::value_t::string, ""),
    "customer", member("customer", json::value_t::object, nullptr));
}

std::string postorder_data_json(const order_record& r, bool priced_valid) {
  // The priced order is already JSON text: it is spliced in, not parsed into
  // a DOM (keys in the order nlohmann's dump gives: sorted). Only text that
  // was not just made here is checked: answers are never invalid JSON.
  json head = {{"guid", r.guid}};
  json tail = {{"status", r.status},
               {"status_name", status_name(r.status)},
               {"table", r.table_slot >= 0 ? json{{"code", r.table_code}, {"name", r.table_name}} : json(nullptr)}};
  std::string out = json_text(head);
  out.back() = ',';
  out += "\"order\":";
  out += !r.priced.empty() && (priced_valid || json::accept(r.priced)) ? r.priced : "null";
  out += ',';
  out.append(json_text(tail), 1, std::string::npos);
  return out;
}

std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &local);
  std::string s = buf; // +0300 -> +03:00
  if (s.size() >= 5)
    s.insert(s.size() - 2, ":");
  return s;
}

} // namespace rkgate::actors
