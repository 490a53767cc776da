// The envelope: parsing RK7Query, the three command forms, RK7QueryResult,
// and the dispatch to command handlers.
#include "server_state.hpp"
#include "text_encoding.hpp"

#include <chrono>
#include <ctime>

namespace rkgate::rk7sim {

void bad_query(const std::string& text) { throw query_failure("Bad Query Parameters", 0, text); }
void exec_error(int code, const std::string& text) { throw query_failure("Query Executing Error", code, text); }

std::string now_text() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

namespace {

/// Collects pugixml's output straight into the reply string.
struct string_writer : pugi::xml_writer {
  std::string text;
  void write(const void* data, std::size_t size) override { text.append(static_cast<const char*>(data), size); }
};

constexpr const char* raw_mark = "rk7sim-raw";

/// Where `raw` text goes: a processing instruction in its place in the DOM,
/// replaced in the serialized text (`<` in values is escaped, so the mark
/// cannot occur elsewhere).
void mark_raw(pugi::xml_node parent) { parent.append_child(pugi::node_pi).set_name(raw_mark); }

/// The reply text, with each mark_raw() place filled from `raws` in order.
std::string to_text(pugi::xml_document& doc, const std::vector<std::string>& raws = {}) {
  auto decl = doc.prepend_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "utf-8";
  string_writer out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  if (raws.empty())
    return std::move(out.text);
  const std::string mark = std::string("<?") + raw_mark + "?>";
  std::size_t total = out.text.size();
  for (const auto& r : raws)
    total += r.size();
  std::string text;
  text.reserve(total);
  std::size_t from = 0;
  for (const auto& r : raws) {
    std::size_t at = out.text.find(mark, from);
    text.append(out.text, from, at - from);
    text += r;
    from = at + mark.size();
  }
  text.append(out.text, from, std::string::npos);
  return text;
}

/// A command writes its payload straight into the result element; when it
/// fails, what it appended is taken back so the reply carries the status only.
class payload_mark {
public:
  explicit payload_mark(pugi::xml_node n) : node_(n), last_attr_(n.last_attribute()), last_child_(n.last_child()) {}
  void undo() {
    while (node_.last_attribute() != last_attr_)
      node_.remove_attribute(node_.last_attribute());
    while (node_.last_child() != last_child_)
      node_.remove_child(node_.last_child());
  }

private:
  pugi::xml_node node_;
  pugi::xml_attribute last_attr_;
  pugi::xml_node last_child_;
};

/// Sets Status/ErrorText/RK7ErrorN on a result element created with placeholders.
void set_status(pugi::xml_node n, const outcome& o) {
  n.attribute("Status") = o.status.c_str();
  n.attribute("ErrorText") = o.text.c_str();
  if (o.error_n > 0)
    n.insert_attribute_after("RK7ErrorN", n.attribute("ErrorText")) = o.error_n;
}

} // namespace

cash_server::impl::impl(dataset d, cash_server_options o) : data(std::move(d)), opt(std::move(o)) {
  next_visit = opt.first_visit > 0 ? opt.first_visit : (data.restaurant.rest_code % 1000) * 1000000 + 543555;
  for (const char* r : {"MENUITEMS", "CATEGLIST", "CLASSIFICATORGROUPS", "MODIFIERS", "MODIGROUPS", "MODISCHEMES",
                        "MODISCHEMEDETAILS", "UNCHANGEABLEORDERTYPES", "CHANGEABLEORDERTYPES", "DISCOUNTS",
                        "CURRENCIES", "TABLES", "PRICETYPES", "CASHES", "EMPLOYEES", "ORDERVOIDS",
                        "DEPOSITCOLLECTREASONS"})
    ref_versions[r] = 1;
}

std::string cash_server::impl::handle(std::string_view body) {
  auto started = std::chrono::steady_clock::now();
  pugi::xml_document reply;
  auto root = reply.append_child("RK7QueryResult");
  root.append_attribute("ServerVersion") = opt.server_version.c_str();
  root.append_attribute("XmlVersion") = opt.xml_version;
  root.append_attribute("NetName") = data.restaurant.net_name.c_str();
  root.append_attribute("Status") = "Ok";
  auto cmd_attr = root.append_attribute("CMD");
  root.append_attribute("ErrorText") = "";
  root.append_attribute("DateTime") = "";
  root.append_attribute("WorkTime") = 0;
  root.append_attribute("Processed") = 0;
  std::vector<std::string> raws; // outcome::raw_children, in document order
  auto finish = [&]() {
    root.attribute("DateTime") = now_text().c_str();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    root.attribute("WorkTime") = static_cast<long long>(ms.count());
    return to_text(reply, raws);
  };
  auto keep_raw = [&](pugi::xml_node parent, outcome& result) {
    if (result.raw_children.empty())
      return;
    mark_raw(parent);
    raws.push_back(std::move(result.raw_children));
  };

  std::string text = to_utf8(body);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    ++counts["(empty)"];
    root.remove_attribute(cmd_attr);
    set_status(root, {"Query Parse Error", 0, "Empty input XML"});
    return finish();
  }
  pugi::xml_document q;
  auto parsed = q.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  auto query = q.child("RK7Query");
  if (!parsed || !query) {
    ++counts["(unparsable)"];
    root.remove_attribute(cmd_attr);
    set_status(root, {"Query Parse Error", 0,
                      parsed ? std::string("Root element RK7Query not found")
                             : std::string("XML parse error: ") + parsed.description()});
    return finish();
  }

  if (auto single = query.child("RK7CMD")) {
    std::string cmd = single.attribute("CMD").value();
    cmd_attr = cmd.c_str();
    ++counts[cmd.empty() ? "(no CMD)" : cmd];
    payload_mark mark(root);
    outcome result;
    try {
      result = run(cmd, single, root);
      keep_raw(root, result);
    } catch (const query_failure& f) {
      mark.undo();
      result = {f.status, f.code, f.what()};
    } catch (const cached_reply& c) {
      return c.text;
    }
    root.attribute("Processed") = 1;
    set_status(root, result);
    std::string out = finish();
    if (cmd == "SaveOrder" || cmd == "PayOrder")
      remember_reply(single, out);
    return out;
  }

  // RK7Command / RK7Command2 batches: one CommandResult each, in request order.
  root.remove_attribute(cmd_attr);
  int processed = 0;
  for (auto c : query.children()) {
    std::string form = c.name();
    if (form != "RK7Command" && form != "RK7Command2")
      continue;
    std::string cmd = c.attribute("CMD").value();
    ++counts[cmd.empty() ? "(no CMD)" : cmd];
    auto cmd_started = std::chrono::steady_clock::now();
    auto res = root.append_child("CommandResult");
    res.append_attribute("CMD") = cmd.c_str();
    res.append_attribute("Status") = "Ok";
    res.append_attribute("ErrorText") = "";
    res.append_attribute("DateTime") = now_text().c_str();
    auto work = res.append_attribute("WorkTime");
    if (form == "RK7Command2")
      res.append_child("SourceCommand").append_copy(c);
    payload_mark mark(res);
    outcome result;
    try {
      result = run(cmd, c, res);
      keep_raw(res, result);
    } catch (const query_failure& f) {
      mark.undo();
      result = {f.status, f.code, f.what()};
    } catch (const cached_reply&) {
      mark.undo();
      result = {"Query Executing Error", err_seq_increase, "SeqNumber должен быть увеличен."};
    }
    set_status(res, result);
    work = static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - cmd_started)
                                      .count());
    ++processed;
  }
  if (processed == 0) {
    ++counts["(no command)"];
    set_status(root, {"Query Parse Error", 0, "Error: child element \"RK7CMD\" not found"});
  }
  root.attribute("Processed") = processed;
  return finish();
}

outcome cash_server::impl::run(const std::string& cmd, const pugi::xml_node& q, pugi::xml_node out) {
  if (cmd == "GetSystemInfo")
    get_system_info(q, out);
  else if (cmd == "GetRefList")
    get_ref_list(q, out);
  else if (cmd == "GetRefData")
    get_ref_data(q, out);
  else if (cmd == "GetOrderMenu")
    get_order_menu(q, out);
  else if (cmd == "GetDishRests")
    get_dish_rests(q, out);
  else if (cmd == "CreateOrder")
    create_order(q, out);
  else if (cmd == "SaveOrder")
    return save_order(q, out);
  else if (cmd == "CalcOrder")
    return calc_order(q, out, false);
  else if (cmd == "ValidateOrder")
    return calc_order(q, out, true);
  else if (cmd == "GetOrder")
    get_order(q, out);
  else if (cmd == "GetOrderList")
    return get_order_list(q, out);
  else if (cmd == "PrintBill")
    print_bill_cmd(q, out);
  else if (cmd == "PayOrder")
    pay_order(q, out);
  else if (cmd == "VoidOrder")
    void_order_cmd(q, out);
  else if (cmd == "GetXMLLicenseInstanceSeqNumber")
    get_seq_number(q, out);
  else
    bad_query("Unknown command " + cmd);
  return {};
}

// --- public facade ---

cash_server::cash_server(dataset data, cash_server_options options)
    : impl_(std::make_unique<impl>(std::move(data), std::move(options))) {}

cash_server::~cash_server() = default;

std::string cash_server::handle(std::string_view body) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->handle(body);
}

std::string cash_server::shift_closing_reply(std::string_view body) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::string cmd = command_of(body);
  ++impl_->counts[cmd.empty() ? "(unparsable)" : cmd];
  pugi::xml_document reply;
  auto root = reply.append_child("RK7QueryResult");
  root.append_attribute("ServerVersion") = impl_->opt.server_version.c_str();
  root.append_attribute("XmlVersion") = impl_->opt.xml_version;
  root.append_attribute("NetName") = impl_->data.restaurant.net_name.c_str();
  root.append_attribute("Status") = "Query Parse Error";
  if (!cmd.empty() && cmd.find(',') == std::string::npos)
    root.append_attribute("CMD") = cmd.c_str();
  root.append_attribute("ErrorText") = "UCSERR(2172): В данный момент закрывается общая смена";
  root.append_attribute("RK7ErrorN") = err_shift_closing;
  root.append_attribute("DateTime") = now_text().c_str();
  root.append_attribute("WorkTime") = 0;
  root.append_attribute("Processed") = 0;
  return to_text(reply);
}

std::string cash_server::command_of(std::string_view body) {
  std::string text = to_utf8(body);
  pugi::xml_document q;
  if (!q.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8))
    return "";
  std::string names;
  for (auto c : q.child("RK7Query").children()) {
    if (!names.empty())
      names += ',';
    names += c.attribute("CMD").value();
  }
  return names;
}

std::size_t cash_server::menu_size() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->data.menu_items.size();
}

} // namespace rkgate::rk7sim
