#include <support/xsd.hpp>

#include <catch2/catch.hpp>

using namespace rkgate::test;

namespace {
const std::string xsd_dir = RKGATE_XSD_DIR;
}

TEST_CASE("schema_path prefers the 7.26 file", "[support][xsd]") {
  CHECK(schema_path("qrySaveOrder.xsd") == xsd_dir + "/7.26/qrySaveOrder.xsd");
  CHECK(schema_path("Delivery/qryDeliveryPostOrder.xsd")
        == xsd_dir + "/7.26/Delivery/qryDeliveryPostOrder.xsd");
}

TEST_CASE("schema_path falls back to 7.6 for files in BROKEN.txt", "[support][xsd]") {
  CHECK(schema_path("resGetOrder.xsd") == xsd_dir + "/resGetOrder.xsd");
}

TEST_CASE("schema_path falls back to 7.6 when 7.26 lacks the file", "[support][xsd]") {
  CHECK(schema_path("qryGetWaiterList.xsd") == xsd_dir + "/qryGetWaiterList.xsd");
}

TEST_CASE("schema_path is empty when no usable file exists", "[support][xsd]") {
  CHECK(schema_path("qryGetXMLLicenseInstanceSeqNumber.xsd").empty()); // broken, no 7.6
  CHECK(schema_path("qryNoSuchCommand.xsd").empty());
}

TEST_CASE("xsd_errors accepts a valid document", "[support][xsd]") {
  CHECK(xsd_errors("qryGetSystemInfo2.xsd",
                   R"(<RK7Query><RK7CMD CMD="GetSystemInfo2"/></RK7Query>)")
        == "");
}

TEST_CASE("xsd_errors reports schema violations", "[support][xsd]") {
  const auto errors = xsd_errors("qryGetSystemInfo2.xsd",
                                 R"(<RK7Query><RK7CMD CMD="GetOrder"/></RK7Query>)");
  CHECK_THAT(errors, Catch::Contains("CMD"));
  // A second run uses the cached schema and still reports.
  CHECK_THAT(xsd_errors("qryGetSystemInfo2.xsd", "<RK7Query><Other/></RK7Query>"),
             Catch::Contains("Other"));
}

TEST_CASE("xsd_errors reports malformed XML", "[support][xsd]") {
  CHECK_FALSE(xsd_errors("qryGetSystemInfo2.xsd", "<RK7Query><RK7CMD").empty());
}

TEST_CASE("xsd_errors throws for a command without a schema", "[support][xsd]") {
  CHECK_THROWS_WITH(xsd_errors("qryNoSuchCommand.xsd", "<RK7Query/>"),
                    Catch::Contains("no usable schema"));
}
