#include <common/digest.hpp>

#include <catch2/catch.hpp>

using namespace rkgate;

TEST_CASE("sha256_hex gives the standard SHA-256 digests in lower-case hex", "[common][digest]") {
  // FIPS 180-2, appendix B.1, and the digest of the empty message.
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("to_hex spells each byte as two lower-case digits", "[common][digest]") {
  const unsigned char bytes[] = {0x00, 0x0f, 0xa0, 0xff};
  CHECK(to_hex(bytes, sizeof bytes) == "000fa0ff");
}
