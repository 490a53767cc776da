#include "envelope.hpp"

#include "xml_read.hpp"

#include <string>

namespace rk7::detail {
namespace {

error bad_reply(std::string message) {
  error e;
  e.kind = error_kind::bad_reply;
  e.message = std::move(message);
  return e;
}

line_error faulty_line(pugi::xml_node err) {
  line_error line;
  line.rk7_error_n = static_cast<int>(int_attr(err, {"RK7ErrorN"}));
  line.text = text_attr(err, {"ErrorText"});
  if (line.text.empty())
    line.text = err.child_value();
  pugi::xml_node tag = find_child(err, "FaultyTag").find_child(
      [](pugi::xml_node n) { return n.type() == pugi::node_element; });
  if (tag) {
    line.faulty_tag = tag.name();
    line.faulty_id = opt_int_attr(tag, {"id"});
    line.faulty_code = opt_int_attr(tag, {"code"});
  }
  return line;
}

} // namespace

std::vector<line_error> line_errors(pugi::xml_node payload) {
  std::vector<line_error> lines;
  for (pugi::xml_node child : payload.children()) {
    if (is_named(child, "Error")) {
      lines.push_back(faulty_line(child));
    } else if (is_named(child, "Errors")) {
      for (pugi::xml_node err : child.children())
        if (is_named(err, "Error"))
          lines.push_back(faulty_line(err));
    }
  }
  return lines;
}

pugi::xml_attribute result_attr(const envelope& env, std::initializer_list<const char*> names) {
  pugi::xml_attribute a = find_attr(env.payload, names);
  return a ? a : find_attr(env.root, names);
}

std::optional<error> open_reply(std::string_view xml, envelope& env) {
  if (xml.empty())
    return bad_reply("empty reply body");
  pugi::xml_parse_result parsed = env.doc.load_buffer(xml.data(), xml.size());
  if (!parsed)
    return bad_reply(std::string("reply is not well-formed XML: ") + parsed.description() +
                     " at offset " + std::to_string(parsed.offset));
  env.root = env.doc.document_element();
  if (!is_named(env.root, "RK7QueryResult"))
    return bad_reply(std::string("reply root is <") + env.root.name() +
                     ">, expected <RK7QueryResult>");

  // A batch reply: the first CommandResult carries the command's own status.
  pugi::xml_node batch = find_child(env.root, "CommandResult");
  env.payload = batch ? batch : env.root;

  // The root's status wins when it reports a failure of the whole query.
  std::string root_status = text_attr(env.root, {"Status"});
  bool root_ok = root_status.empty() || root_status == "Ok" || root_status == "No changes";
  pugi::xml_node status_node =
      (batch && find_attr(batch, {"Status"}) && root_ok) ? batch : env.root;
  std::string status = text_attr(status_node, {"Status"});
  if (status.empty())
    return bad_reply("reply has no Status attribute");
  if (status == "Ok")
    return std::nullopt;
  if (status == "No changes") {
    env.no_changes = true;
    return std::nullopt;
  }

  error e;
  e.kind = error_kind::rk7_status;
  e.status = status;
  e.rk7_error_n = static_cast<int>(int_attr(status_node, {"RK7ErrorN"}));
  e.message = text_attr(status_node, {"ErrorText"});
  e.lines = line_errors(env.payload);
  if (e.rk7_error_n == 0 && !e.lines.empty())
    e.rk7_error_n = e.lines.front().rk7_error_n;
  if (e.message.empty())
    e.message = e.lines.empty() ? status : e.lines.front().text;
  return e;
}

} // namespace rk7::detail
