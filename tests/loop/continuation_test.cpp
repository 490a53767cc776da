// rkgate::loop::continuation: asio finds the mark through the lookup it uses
// for every handler (argument-dependent, on the handler's type), so an
// operation that completes at once stays on the thread that started it.

#include "loop/continuation.hpp"

#include <asio/detail/handler_cont_helpers.hpp>
#include <catch2/catch.hpp>

#include <system_error>

TEST_CASE("a continuation is marked as one for asio, and still runs its function", "[loop]") {
  int calls = 0;
  std::size_t seen = 0;
  auto step = [&](std::error_code, std::size_t n) {
    ++calls;
    seen = n;
  };
  rkgate::loop::continuation marked{step};
  CHECK(asio_handler_cont_helpers::is_continuation(marked));
  CHECK_FALSE(asio_handler_cont_helpers::is_continuation(step)); // asio's default
  marked(std::error_code{}, 42);
  CHECK(calls == 1);
  CHECK(seen == 42);
}
