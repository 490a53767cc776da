// getmenu's pre-compressed body: the gzip a client gets decodes to the very
// bytes of the plain body, carries the same ETag, and 304s work for both.

#include "gateway_fixture.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

using namespace rkgate::test;

namespace {

/// Decodes a gzip stream with zlib itself (an oracle independent of the server's encoder).
std::string gunzip(const std::string& in) {
  z_stream z{};
  REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  std::string out;
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

const char* menu_path = "/api/v3/getmenu?restaurant=r1";

} // namespace

TEST_CASE("getmenu gzip decodes to the plain body, same ETag, Vary, 304 for both encodings",
          "[gateway][e2e][menu][gzip]") {
  sim s;
  gate g(s);
  auto plain = g.get(menu_path);
  REQUIRE(plain.status == 200);
  CHECK(plain.headers.count("content-encoding") == 0);
  CHECK(plain.headers["vary"] == "Accept-Encoding");

  auto zipped = g.get(menu_path, token_a, {{"Accept-Encoding", "gzip, deflate"}});
  REQUIRE(zipped.status == 200);
  CHECK(zipped.headers["content-encoding"] == "gzip");
  CHECK(zipped.headers["vary"] == "Accept-Encoding");
  CHECK(zipped.headers["content-type"] == plain.headers["content-type"]);
  CHECK(zipped.body.size() < plain.body.size() / 3);
  CHECK(gunzip(zipped.body) == plain.body);

  auto etag = plain.headers["etag"];
  REQUIRE(etag == "\"" + body_of(plain)["data"]["version"].get<std::string>() + "\"");
  CHECK(zipped.headers["etag"] == etag);
  for (const char* encoding : {"gzip", "identity"}) {
    auto again = g.get(menu_path, token_a, {{"If-None-Match", etag}, {"Accept-Encoding", encoding}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.headers["etag"] == etag);
    CHECK(again.headers.count("content-encoding") == 0);
  }
  CHECK(g.get(menu_path, token_a, {{"If-None-Match", "\"other\""}, {"Accept-Encoding", "gzip"}}).status == 200);
}

TEST_CASE("getmenu sends gzip only to clients that accept it", "[gateway][e2e][menu][gzip]") {
  sim s;
  gate g(s);
  auto encoding_for = [&](const std::string& accept) {
    auto r = g.get(menu_path, token_a, {{"Accept-Encoding", accept}});
    REQUIRE(r.status == 200);
    return r.headers.count("content-encoding") ? r.headers["content-encoding"] : std::string("none");
  };
  CHECK(encoding_for("GZIP") == "gzip");
  CHECK(encoding_for("*") == "gzip");
  CHECK(encoding_for("br, gzip;q=0.5") == "gzip");
  CHECK(encoding_for("gzip;q=0") == "none");
  CHECK(encoding_for("deflate, br") == "none");
  CHECK(encoding_for("identity") == "none");
  CHECK(encoding_for(";;not a list") == "none");
}
