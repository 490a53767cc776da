#pragma once
// The common part of every reply: parse the document, find the payload node
// (the root for RK7CMD replies, the first CommandResult for RK7Command /
// RK7Command2 batches) and turn the Status into a value or an error.

#include "rk7/error.hpp"

#include <pugixml.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace rk7::detail {

struct envelope {
  pugi::xml_document doc;
  pugi::xml_node root;    ///< RK7QueryResult
  pugi::xml_node payload; ///< where the command's status and data live
  bool no_changes = false;
};

/// Fills `env`; returns bad_reply for a document that is not a readable
/// RK7QueryResult and rk7_status for any Status other than Ok / No changes.
std::optional<error> open_reply(std::string_view xml, envelope& env);

/// The per-line `<Error RK7ErrorN ErrorText><FaultyTag>` entries and the
/// `<Errors><Error RK7ErrorN>text</Error></Errors>` stack under `payload`.
std::vector<line_error> line_errors(pugi::xml_node payload);

/// An attribute of the payload, else of the root (batch replies may put
/// result attributes on either).
pugi::xml_attribute result_attr(const envelope& env, std::initializer_list<const char*> names);

} // namespace rk7::detail
