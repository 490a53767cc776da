#pragma once
// A blocking HTTP client and a scriptable local HTTP server, for tests only.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rkgate::test {

struct http_response {
  long status = 0; ///< 0 when the request failed (see error)
  std::string body;
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string error;                          ///< libcurl's text on failure
};

/// One request with libcurl; `headers` as name -> value.
http_response http_request(const std::string& method, const std::string& url,
                           const std::string& body = "",
                           const std::map<std::string, std::string>& headers = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// What a local_server handler sees and answers.
struct served_request {
  std::string method;
  std::string target; ///< path and query
  std::map<std::string, std::string> headers; ///< names lower-cased
  std::string body;
};

/// The requests a local_server's handler saw, kept from its thread and read
/// from the test's.
class request_log {
public:
  void add(const served_request& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.push_back(r);
  }
  std::vector<served_request> all() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<served_request> seen_;
};

struct scripted_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/xml; charset=utf-8";
  std::chrono::milliseconds delay{0}; ///< answer only after this long (timer, no sleep)
  bool drop_connection = false;       ///< close the socket without answering
  std::map<std::string, std::string> headers; ///< extra response headers
};

/// An HTTP/1.1 server on 127.0.0.1 (free port) on its own thread; `handler`
/// runs for each request on that thread (a throwing handler gives a 500).
/// Request bodies need Content-Length (chunked ones get a 501); connections
/// are kept alive unless the client sends `Connection: close`.
class local_server {
public:
  explicit local_server(std::function<scripted_response(const served_request&)> handler);
  ~local_server();
  std::uint16_t port() const;
  std::string url(const std::string& path) const; ///< http://127.0.0.1:<port><path>

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace rkgate::test
