// XML-SaaS: LicenseInfo checks and the per-instance seqNumber rule.
#include "server_state.hpp"

#include "common/guid.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace rkgate::rk7sim {
namespace {

// Product GUIDs of the XML-interface subscription (12 months, 1 month).
const char* const products[] = {"655cee55-7bcd-4826-b6e0-a8ccf2017ef3", "4458d8b1-0019-4025-8c7a-60a83ad64b66"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// anchor = "6:<ProductGUID>#<RestCode>/17"
bool anchor_ok(const std::string& anchor, std::int64_t rest_code) {
  for (const char* p : products) {
    std::string a = lower(anchor);
    for (const std::string& product : {std::string(p), "{" + std::string(p) + "}"})
      if (a == "6:" + product + "#" + std::to_string(rest_code) + "/17")
        return true;
  }
  return false;
}

std::string text_of(const pugi::xml_node& q) {
  std::ostringstream s;
  q.print(s, "", pugi::format_raw);
  return s.str();
}

} // namespace

/// Validates LicenseInfo (anchor and token) and returns the instance GUID.
static std::string licensed_instance(const pugi::xml_node& q, const cash_server_options& opt, std::int64_t rest_code) {
  auto li = q.child("LicenseInfo");
  if (!li || !anchor_ok(li.attribute("anchor").value(), rest_code))
    exec_error(0, "Bad license anchor");
  std::string token = li.attribute("licenseToken").value();
  if (token.empty() || (!opt.license_token.empty() && token != opt.license_token))
    exec_error(0, "Bad license token");
  auto inst = normalize_guid(li.child("LicenseInstance").attribute("guid").value());
  if (!inst)
    bad_query("Attribute \"/RK7Query/RK7CMD/LicenseInfo/LicenseInstance/@guid\" is not found");
  return *inst;
}

void cash_server::impl::check_license(const pugi::xml_node& q) {
  if (!opt.saas)
    return;
  std::string request_text = text_of(q);
  std::string inst = licensed_instance(q, opt, data.restaurant.rest_code);
  auto seq_attr = q.child("LicenseInfo").child("LicenseInstance").attribute("seqNumber");
  if (!seq_attr)
    bad_query("Attribute \"/RK7Query/RK7CMD/LicenseInfo/LicenseInstance/@seqNumber\" is not found");
  std::int64_t seq = seq_attr.as_llong(-1);
  seq_state& st = seqs[inst];
  if (seq == st.last && request_text == st.last_request && !st.last_reply.empty())
    throw cached_reply{st.last_reply}; // an identical retry gets the same answer
  if (seq <= st.last)
    exec_error(err_seq_increase, "SeqNumber должен быть увеличен.");
  if (seq > st.last + 2)
    exec_error(err_seq_set, "В инстансе неверно заполнен атрибут SeqNumber. Атрибут должен иметь значение из "
                            "множества [" + std::to_string(st.last + 1) + ", " + std::to_string(st.last + 2) + "].");
  st.last = seq;
  st.last_request = std::move(request_text);
  st.last_reply.clear();
}

void cash_server::impl::remember_reply(const pugi::xml_node& q, const std::string& reply) {
  if (!opt.saas)
    return;
  auto inst = normalize_guid(q.child("LicenseInfo").child("LicenseInstance").attribute("guid").value());
  if (!inst)
    return;
  auto it = seqs.find(*inst);
  if (it != seqs.end() && it->second.last_request == text_of(q))
    it->second.last_reply = reply;
}

void cash_server::impl::get_seq_number(const pugi::xml_node& q, pugi::xml_node out) {
  std::string inst = licensed_instance(q, opt, data.restaurant.rest_code);
  auto li = q.child("LicenseInfo");
  auto it = seqs.find(inst);
  auto n = out.append_child("LicenseInfo");
  n.append_attribute("anchor") = li.attribute("anchor").value();
  n.append_attribute("licenseToken") = li.attribute("licenseToken").value();
  auto i = n.append_child("LicenseInstance");
  i.append_attribute("guid") = inst.c_str();
  i.append_attribute("seqNumber") = static_cast<long long>(it == seqs.end() ? 0 : std::max<std::int64_t>(0, it->second.last));
}

} // namespace rkgate::rk7sim
