#include "response_reader.hpp"

namespace rkgate::net::detail {

response_reader::response_reader() {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  http_parser_settings_init(&settings_);
  settings_.on_headers_complete = on_headers_complete;
  settings_.on_body = on_body;
  settings_.on_message_complete = on_message_complete;
}

int response_reader::on_headers_complete(http_parser* p) {
  auto* self = static_cast<response_reader*>(p->data);
  // Reserve for a declared length, within reason (a lying header must not allocate gigabytes).
  if (p->status_code >= 200 && p->content_length != ULLONG_MAX && p->content_length <= (64u << 20))
    self->body_.reserve(static_cast<std::size_t>(p->content_length));
  return 0;
}

int response_reader::on_body(http_parser* p, const char* at, std::size_t length) {
  auto* self = static_cast<response_reader*>(p->data);
  if (p->status_code >= 200)
    self->body_.append(at, length);
  return 0;
}

int response_reader::on_message_complete(http_parser* p) {
  auto* self = static_cast<response_reader*>(p->data);
  if (p->status_code < 200) // 100 Continue and the like: the real response follows
    return 0;
  self->status_ = static_cast<int>(p->status_code);
  self->keep_alive_ = http_should_keep_alive(p) != 0;
  self->complete_ = true;
  http_parser_pause(p, 1); // what follows is not ours
  return 0;
}

bool response_reader::feed(const char* data, std::size_t size) {
  if (size == 0)
    return true;
  started_ = true;
  if (complete_) { // more bytes after the response
    surplus_ = true;
    return true;
  }
  const std::size_t used = http_parser_execute(&parser_, &settings_, data, size);
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (complete_) {
    surplus_ = used < size;
    return true;
  }
  return err == HPE_OK && used == size;
}

bool response_reader::feed_close() {
  if (complete_)
    return true;
  if (!started_)
    return false;
  http_parser_execute(&parser_, &settings_, nullptr, 0);
  if (complete_)
    keep_alive_ = false;
  return complete_;
}

std::string response_reader::error() const {
  const auto err = HTTP_PARSER_ERRNO(&parser_);
  if (err == HPE_OK || err == HPE_PAUSED)
    return started_ ? "the reply was cut short" : "no reply";
  return std::string("not an HTTP reply (") + http_errno_description(err) + ")";
}

} // namespace rkgate::net::detail
