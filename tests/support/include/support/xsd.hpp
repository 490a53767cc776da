#pragma once
// XSD checks against the vendor schemas in ../shared/rk7-xsd (libxml2, in process).

#include <string>

namespace rkgate::test {

/// The schema file to use for `name` (e.g. "qrySaveOrder.xsd"), following
/// ../shared/rk7-xsd/README.md: 7.26/<name> unless missing or listed in
/// 7.26/BROKEN.txt, else the 7.6 file; "" when neither exists.
std::string schema_path(const std::string& name);

/// Validates `xml` against the schema `name` (resolved as above); returns ""
/// when valid, else libxml2's messages. Compiled schemas are cached.
std::string xsd_errors(const std::string& name, const std::string& xml);

} // namespace rkgate::test
