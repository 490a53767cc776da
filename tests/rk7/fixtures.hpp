#pragma once
// Reply fixtures of tests/fixtures/rk7 and a helper to read built requests.

#include <pugixml.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace rk7_test {

/// The text of tests/fixtures/rk7/<name>; throws when it is missing.
inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(RKGATE_FIXTURES_DIR) + "/rk7/" + name, std::ios::binary);
  if (!in)
    throw std::runtime_error("missing fixture " + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Parses a built request and returns its RK7CMD element (empty on failure).
inline pugi::xml_node command_of(pugi::xml_document& doc, const std::string& xml) {
  if (!doc.load_string(xml.c_str()))
    return {};
  return doc.child("RK7Query").child("RK7CMD");
}

} // namespace rk7_test
