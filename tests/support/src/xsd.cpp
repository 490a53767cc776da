#include "support/xsd.hpp"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <sys/stat.h>

namespace rkgate::test {

namespace {

const std::string xsd_dir = RKGATE_XSD_DIR;

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/// Names listed in 7.26/BROKEN.txt (blank lines and `#` comments skipped).
std::set<std::string> broken_726() {
  std::set<std::string> names;
  std::ifstream in(xsd_dir + "/7.26/BROKEN.txt");
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
      line.pop_back();
    if (!line.empty() && line.front() != '#')
      names.insert(line);
  }
  return names;
}

/// Appends every libxml2 structured error to a std::string.
void collect_error(void* ctx, xmlErrorPtr err) {
  auto& out = *static_cast<std::string*>(ctx);
  if (err == nullptr || err->message == nullptr)
    return;
  if (err->line > 0)
    out += "line " + std::to_string(err->line) + ": ";
  out += err->message; // ends with '\n'
}

struct schema_deleter {
  void operator()(xmlSchema* s) const { xmlSchemaFree(s); }
};
using schema_ptr = std::unique_ptr<xmlSchema, schema_deleter>;

/// Compiles the schema at `path` once; throws with libxml2's messages when it
/// does not compile.
xmlSchema* compiled_schema(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, schema_ptr> cache;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = cache.find(path); it != cache.end())
    return it->second.get();
  std::string errors;
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
  if (parser == nullptr)
    throw std::runtime_error("cannot open schema " + path);
  xmlSchemaSetParserStructuredErrors(parser, collect_error, &errors);
  schema_ptr schema(xmlSchemaParse(parser));
  xmlSchemaFreeParserCtxt(parser);
  if (!schema)
    throw std::runtime_error("schema " + path + " does not compile: " + errors);
  return cache.emplace(path, std::move(schema)).first->second.get();
}

} // namespace

std::string schema_path(const std::string& name) {
  static const std::set<std::string> broken = broken_726();
  const std::string newer = xsd_dir + "/7.26/" + name;
  if (broken.count(name) == 0 && file_exists(newer))
    return newer;
  const std::string older = xsd_dir + "/" + name;
  if (file_exists(older))
    return older;
  return "";
}

std::string xsd_errors(const std::string& name, const std::string& xml) {
  const std::string path = schema_path(name);
  if (path.empty())
    throw std::runtime_error("no usable schema named " + name + " in " + xsd_dir);
  xmlSchema* schema = compiled_schema(path);

  std::string errors;
  xmlParserCtxtPtr parser = xmlNewParserCtxt();
  xmlSetStructuredErrorFunc(&errors, collect_error);
  xmlDocPtr doc = xmlCtxtReadMemory(parser, xml.data(), static_cast<int>(xml.size()),
                                    "document.xml", nullptr, XML_PARSE_NONET);
  xmlSetStructuredErrorFunc(nullptr, nullptr);
  xmlFreeParserCtxt(parser);
  if (doc == nullptr)
    return errors.empty() ? "document is not well-formed XML\n" : errors;

  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(validator, collect_error, &errors);
  const int rc = xmlSchemaValidateDoc(validator, doc);
  xmlSchemaFreeValidCtxt(validator);
  xmlFreeDoc(doc);
  if (rc != 0 && errors.empty())
    errors = "validation failed (libxml2 code " + std::to_string(rc) + ")\n";
  return errors;
}

} // namespace rkgate::test
