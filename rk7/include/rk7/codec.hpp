#pragma once
// XML in and out: one builder and one parser per command. Builders write
// what the vendor's XSD says (`<RK7Query><RK7CMD CMD=...>`, UTF-8); parsers
// accept what real servers send: unknown attributes and elements are
// ignored, optional ones may be missing, RK7CMD and CommandResult forms
// both work, attribute names are matched case-insensitively.

#include "rk7/error.hpp"
#include "rk7/types.hpp"

#include <string>
#include <string_view>

namespace rk7 {

std::string build(const get_system_info&);
std::string build(const get_ref_list&);
std::string build(const get_ref_data&);
std::string build(const get_order_menu&);
std::string build(const get_dish_rests&);
std::string build(const create_order&);
std::string build(const save_order&);
std::string build(const calc_order&);
std::string build(const validate_order&);
std::string build(const get_order&);
std::string build(const get_order_list&);
std::string build(const print_bill&);
std::string build(const pay_order&);
std::string build(const void_order&);
std::string build(const get_license_seq&);

/// Maps each request type to its reply type and command name.
template <class Request> struct command_traits;
#define RK7_COMMAND(req, rep, cmd)                                              \
  template <> struct command_traits<req> {                                      \
    using reply = rep;                                                          \
    static constexpr const char* name = cmd;                                    \
  };
RK7_COMMAND(get_system_info, system_info, "GetSystemInfo")
RK7_COMMAND(get_ref_list, ref_list, "GetRefList")
RK7_COMMAND(get_ref_data, reference, "GetRefData")
RK7_COMMAND(get_order_menu, order_menu, "GetOrderMenu")
RK7_COMMAND(get_dish_rests, dish_rests, "GetDishRests")
RK7_COMMAND(create_order, created_order, "CreateOrder")
RK7_COMMAND(save_order, saved_order, "SaveOrder")
RK7_COMMAND(calc_order, calculated_order, "CalcOrder")
RK7_COMMAND(validate_order, validation, "ValidateOrder")
RK7_COMMAND(get_order, order, "GetOrder")
RK7_COMMAND(get_order_list, order_list, "GetOrderList")
RK7_COMMAND(print_bill, ack, "PrintBill")
RK7_COMMAND(pay_order, ack, "PayOrder")
RK7_COMMAND(void_order, ack, "VoidOrder")
RK7_COMMAND(get_license_seq, license_seq, "GetXMLLicenseInstanceSeqNumber")
#undef RK7_COMMAND

template <class Reply> result<Reply> parse(std::string_view xml);

// The replies parse() knows (explicit specializations, defined in src/parse.cpp).
template <> result<system_info> parse<system_info>(std::string_view xml);
template <> result<ref_list> parse<ref_list>(std::string_view xml);
template <> result<reference> parse<reference>(std::string_view xml);
template <> result<order_menu> parse<order_menu>(std::string_view xml);
template <> result<dish_rests> parse<dish_rests>(std::string_view xml);
template <> result<created_order> parse<created_order>(std::string_view xml);
template <> result<saved_order> parse<saved_order>(std::string_view xml);
template <> result<calculated_order> parse<calculated_order>(std::string_view xml);
template <> result<validation> parse<validation>(std::string_view xml);
template <> result<order> parse<order>(std::string_view xml);
template <> result<order_list> parse<order_list>(std::string_view xml);
template <> result<ack> parse<ack>(std::string_view xml);
template <> result<license_seq> parse<license_seq>(std::string_view xml);

/// Parses the reply to `Request`.
template <class Request>
result<typename command_traits<Request>::reply> parse_reply(std::string_view xml) {
  return parse<typename command_traits<Request>::reply>(xml);
}

} // namespace rk7
