#pragma once
// Reads one HTTP/1.x response from the bytes of a connection, with the
// http_parser library (the one RESTinio parses requests with): Content-Length,
// chunked and close-delimited bodies; interim 1xx responses are skipped.

#include <http_parser.h>

#include <climits>
#include <cstddef>
#include <string>

namespace rkgate::net::detail {

class response_reader {
public:
  response_reader();
  response_reader(const response_reader&) = delete;
  response_reader& operator=(const response_reader&) = delete;

  /// Feeds what arrived; false when it is not a valid HTTP response.
  bool feed(const char* data, std::size_t size);
  /// The peer closed the connection: completes a body that runs to the
  /// close; false when the response was cut short.
  bool feed_close();

  bool complete() const { return complete_; }
  /// Any byte of a response arrived.
  bool started() const { return started_; }
  int status() const { return status_; }
  /// The connection may carry the next request: the response said so and
  /// nothing arrived after it.
  bool reusable() const { return keep_alive_ && !surplus_; }
  std::string take_body() { return std::move(body_); }
  /// Why the bytes were not a valid response.
  std::string error() const;

private:
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t length);
  static int on_message_complete(http_parser* p);

  http_parser parser_;
  http_parser_settings settings_;
  std::string body_;
  int status_ = 0;
  bool started_ = false;
  bool complete_ = false;
  bool keep_alive_ = false;
  bool surplus_ = false; ///< bytes after the response (a reply nobody asked for)
};

} // namespace rkgate::net::detail
