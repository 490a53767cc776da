// The web console's static files at /console/ (docs/console.md §5): read from
// the web folder on each request (a handful of small files), with the content
// types browsers need for ES modules and Cache-Control: no-cache.
//
// The web folder (which holds console/) is, in this order: the environment
// variable RKGATE_WEB_DIR; <prefix>/share/rkgate/web next to an installed
// binary (<prefix>/bin/rkgate); the source tree's web/ compiled in.

#include "context.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rkgate::http {

namespace {

namespace fs = std::filesystem;

fs::path web_dir() {
  if (const char* env = std::getenv("RKGATE_WEB_DIR"); env && *env)
    return env;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "rkgate" / "web";
    if (fs::is_directory(installed / "console", ec))
      return installed;
  }
  return RKGATE_SOURCE_WEB_DIR;
}

const char* content_type(const fs::path& file) {
  auto ext = file.extension().string();
  if (ext == ".html")
    return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs")
    return "text/javascript; charset=utf-8";
  if (ext == ".css")
    return "text/css; charset=utf-8";
  if (ext == ".svg")
    return "image/svg+xml";
  if (ext == ".png")
    return "image/png";
  if (ext == ".json")
    return "application/json; charset=utf-8";
  return "application/octet-stream";
}

void not_found(const context_ptr& ctx, const request_handle& req) {
  respond(ctx, req, actors::api_reply::failure(404, "not_found", "no such file"));
}

/// Serves web/console/<name>; `name` is one path segment of safe characters.
restinio::request_handling_status_t serve(const context_ptr& ctx, const request_handle& req, const std::string& name) {
  ++ctx->in_flight;
  if (name.empty() || name.front() == '.' || name.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != std::string::npos) {
    not_found(ctx, req);
    return restinio::request_accepted();
  }
  auto file = web_dir() / "console" / name;
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || !fs::is_regular_file(file, ec)) {
    not_found(ctx, req);
    return restinio::request_accepted();
  }
  std::ostringstream body;
  body << in.rdbuf();
  count_answer(ctx, req, 200);
  req->create_response()
    .append_header(restinio::http_field::content_type, content_type(file))
    .append_header(restinio::http_field::cache_control, "no-cache")
    .set_body(body.str())
    .done();
  --ctx->in_flight;
  return restinio::request_accepted();
}

} // namespace

void register_console_files(router_t& router, const context_ptr& ctx) {
  // The express router ignores a trailing slash, so /console/ must come before /console.
  add_route(router, ctx, restinio::http_method_get(), "/console/", [ctx](const request_handle& req, auto) {
    if (req->header().path().back() != '/') {
      count_answer(ctx, req, 301);
      req->create_response(restinio::status_moved_permanently())
        .append_header(restinio::http_field::location, "/console/")
        .done();
      return restinio::request_accepted();
    }
    return serve(ctx, req, "index.html");
  });
  add_route(router, ctx, restinio::http_method_get(), R"(/console/:name([^/]+))", [ctx](const request_handle& req, auto p) {
    return serve(ctx, req, std::string(p["name"]));
  });
}

} // namespace rkgate::http
