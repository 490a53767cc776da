#include "notify/delivery.hpp"

namespace rkgate::notify {

std::chrono::milliseconds retry_policy::delay_after(int failures) const {
  auto delay = first_delay;
  for (int i = 1; i < failures && delay < max_delay; ++i)
    delay *= 2;
  return delay < max_delay ? delay : max_delay;
}

bool retry_policy::gives_up(const delivery& d, time_point now) const {
  const time_point first = d.first_attempt_at.value_or(now);
  return now - first >= give_up_after;
}

} // namespace rkgate::notify
