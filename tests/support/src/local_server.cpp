// local_server on plain standalone asio with a small HTTP/1.1 parser: it must
// be able to delay an answer on a timer and to drop a connection without any
// response, which is simplest with direct control of the socket.
#include "support/http.hpp"
#include "text.hpp"

#include <asio.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

namespace rkgate::test {

namespace {

using asio::ip::tcp;

using detail::lower;
using detail::trim;

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
  }
}

using handler_fn = std::function<scripted_response(const served_request&)>;

/// One client connection: read a request, ask the handler, answer, repeat.
class session : public std::enable_shared_from_this<session> {
public:
  session(tcp::socket socket, const handler_fn& handler)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), handler_(handler) {}

  void start() { read_head(); }

private:
  void read_head() {
    auto self = shared_from_this();
    asio::async_read_until(socket_, buffer_, "\r\n\r\n",
                           [self](std::error_code ec, std::size_t head_size) {
                             if (!ec)
                               self->on_head(head_size);
                           });
  }

  void on_head(std::size_t head_size) {
    std::string head(asio::buffers_begin(buffer_.data()),
                     asio::buffers_begin(buffer_.data()) + static_cast<long>(head_size));
    buffer_.consume(head_size);
    request_ = served_request{};
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    std::istringstream start(line);
    std::string version;
    start >> request_.method >> request_.target >> version;
    while (std::getline(lines, line)) {
      if (auto colon = line.find(':'); colon != std::string::npos)
        request_.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    close_after_ = lower(header("connection")) == "close";
    if (lower(header("transfer-encoding")).find("chunked") != std::string::npos) {
      scripted_response refuse;
      refuse.status = 501;
      refuse.content_type = "text/plain";
      refuse.body = "local_server: chunked request bodies are not supported";
      close_after_ = true;
      write(refuse);
      return;
    }
    std::size_t length = 0;
    try {
      length = header("content-length").empty() ? 0 : std::stoul(header("content-length"));
    } catch (const std::exception&) {
      return; // unparsable length: drop the connection
    }
    read_body(length);
  }

  void read_body(std::size_t length) {
    if (buffer_.size() >= length) {
      request_.body.assign(asio::buffers_begin(buffer_.data()),
                           asio::buffers_begin(buffer_.data()) + static_cast<long>(length));
      buffer_.consume(length);
      respond();
      return;
    }
    auto self = shared_from_this();
    asio::async_read(socket_, buffer_, asio::transfer_exactly(length - buffer_.size()),
                     [self, length](std::error_code ec, std::size_t) {
                       if (!ec)
                         self->read_body(length);
                     });
  }

  void respond() {
    scripted_response answer;
    try {
      answer = handler_(request_);
    } catch (const std::exception& e) {
      answer = scripted_response{};
      answer.status = 500;
      answer.content_type = "text/plain";
      answer.body = std::string("local_server handler threw: ") + e.what();
    }
    if (answer.drop_connection) {
      std::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
      return;
    }
    if (answer.delay.count() <= 0) {
      write(answer);
      return;
    }
    timer_.expires_after(answer.delay);
    auto self = shared_from_this();
    timer_.async_wait([self, answer](std::error_code ec) {
      if (!ec)
        self->write(answer);
    });
  }

  void write(const scripted_response& answer) {
    std::ostringstream out;
    out << "HTTP/1.1 " << answer.status << ' ' << reason(answer.status) << "\r\n";
    if (!answer.content_type.empty())
      out << "Content-Type: " << answer.content_type << "\r\n";
    for (const auto& [name, value] : answer.headers)
      out << name << ": " << value << "\r\n";
    out << "Content-Length: " << answer.body.size() << "\r\n";
    out << "Connection: " << (close_after_ ? "close" : "keep-alive") << "\r\n\r\n";
    out << answer.body;
    outgoing_ = out.str();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(outgoing_), [self](std::error_code ec, std::size_t) {
      if (ec)
        return;
      if (self->close_after_) {
        std::error_code ignored;
        self->socket_.shutdown(tcp::socket::shutdown_both, ignored);
        self->socket_.close(ignored);
        return;
      }
      self->read_head();
    });
  }

  std::string header(const std::string& name) const {
    auto it = request_.headers.find(name);
    return it == request_.headers.end() ? "" : it->second;
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  const handler_fn& handler_;
  asio::streambuf buffer_;
  served_request request_;
  std::string outgoing_;
  bool close_after_ = false;
};

} // namespace

struct local_server::impl {
  explicit impl(handler_fn fn)
    : handler(std::move(fn)),
      acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      port(acceptor.local_endpoint().port()) {}

  void accept() {
    acceptor.async_accept([this](std::error_code ec, tcp::socket socket) {
      if (ec)
        return; // acceptor closed
      std::make_shared<session>(std::move(socket), handler)->start();
      accept();
    });
  }

  handler_fn handler;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::uint16_t port; ///< read once here: the acceptor belongs to the server thread
  std::thread thread;
};

local_server::local_server(std::function<scripted_response(const served_request&)> handler)
  : impl_(std::make_unique<impl>(std::move(handler))) {
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

local_server::~local_server() {
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t local_server::port() const {
  return impl_->port;
}

std::string local_server::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port()) + path;
}

} // namespace rkgate::test
