// The crc32 of an order (docs/rk7sim.md): the CRC-32 of the order record,
// as a document of its own written by pugixml (format_raw), without its
// version and crc32 attributes; a signed int. Recomputed here from replies.
#include "sim_helpers.hpp"

#include <array>
#include <cstdint>

using namespace rk7sim_test;
using rkgate::rk7sim::cash_server;
using rkgate::rk7sim::demo_dataset;

namespace {

std::int32_t crc32_of(const std::string& text) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : text) {
    c ^= b;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return static_cast<std::int32_t>(c ^ 0xFFFFFFFFu);
}

/// The checksum the record in `reply` should carry.
std::int32_t expected_crc(const reply& r) {
  pugi::xml_document doc;
  pugi::xml_node record = doc.append_copy(r.root().child("Order"));
  record.remove_attribute("version");
  record.remove_attribute("crc32");
  std::ostringstream text;
  doc.save(text, "", pugi::format_raw);
  return crc32_of(text.str());
}

int crc_of(const reply& r) { return r.root().child("Order").attribute("crc32").as_int(); }

} // namespace

TEST_CASE("crc32 is the CRC-32 of the record without version and crc32", "[rk7sim]") {
  cash_server s(demo_dataset());
  reply created = run(s, "CreateOrder",
                      query("CreateOrder", "<Order persistentComment=\"a &amp; b\"><Table code=\"100\"/>"
                                           "<OrderCategory id=\"1\"/><Guests count=\"2\"/></Order>"));
  REQUIRE(created.status() == "Ok");
  CHECK(crc_of(created) == expected_crc(created));
  std::string guid = created.root().attribute("guid").value();

  reply saved = save(s, guid, "<Dish id=\"1000029\" quantity=\"2000\"/><Dish id=\"1000007\" quantity=\"1000\"/>");
  REQUIRE(saved.status() == "Ok");
  CHECK(crc_of(saved) == expected_crc(saved));
  reply read = get_order(s, guid);
  CHECK(crc_of(read) == crc_of(saved));
  CHECK(read.root().child("Order").attribute("version").as_int() ==
        saved.root().child("Order").attribute("version").as_int());

  // A change made on the till (no reply of ours) keeps the rule.
  REQUIRE(s.print_bill(guid).ok);
  reply billed = get_order(s, guid);
  CHECK(crc_of(billed) == expected_crc(billed));
  CHECK(crc_of(billed) != crc_of(saved));
}
