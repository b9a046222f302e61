// A small HTTP/1.1 server on the select loop (RFC 9112), for what mgcd serves to monitoring:
// GET and HEAD of documents made on the loop when asked (the Prometheus `/metrics`). Each
// connection is a core::LoopFd; requests are read and answered one at a time in order
// (pipelined ones wait in the buffer), responses are written without blocking (what the socket
// does not take waits for it to become writable, and nothing more is read meanwhile), and
// connections persist as RFC 9112 §9.3 says. Our own rather than libmicrohttpd or CivetWeb:
// those run their own threads or select sets, while here one loop owns every fd (DESIGN.md
// "Event loop"), and the request head is all a scraper sends.
#pragma once

#include "core/address.h"
#include "core/counters.h"
#include "core/http_request.h"
#include "core/loop_fd.h"
#include "core/scheduler.h"
#include "core/status.h"
#include "core/tcp_socket.h"

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#define MGC_HTTP_COUNTERS(X)                                                                       \
  X(connections) X(connections_refused) X(requests) X(bad_requests) X(not_found)                   \
  X(method_not_allowed) X(idle_closed) X(write_failures)
MGC_DECLARE_COUNTERS(HttpCounter, MGC_HTTP_COUNTERS)

namespace mgc::core {

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string extra_headers; // each "Name: value\r\n" (Allow for a 405)
};

// RFC 9110 §15: the reason phrase of each status this server sends.
std::string_view http_reason(int status);

class HttpServer {
public:
  using Handler = std::function<HttpResponse(const HttpRequest &)>;
  struct Limits {
    unsigned max_connections = 16;
    int64_t idle_ms = 30'000; // a connection with nothing to do that long is closed
  };
  HttpServer(Scheduler &sched, Handler handler, Limits limits);
  HttpServer(Scheduler &sched, Handler handler) : HttpServer(sched, std::move(handler), Limits{}) {}
  ~HttpServer();
  HttpServer(const HttpServer &) = delete;
  HttpServer &operator=(const HttpServer &) = delete;

  // Status details of TcpListener::listen.
  Status listen(const Address &local);
  // Stops listening and closes every connection.
  void close();
  bool is_open() const { return listener_.is_open(); }
  const Address &local() const { return listener_.local(); }
  std::size_t connections() const;
  const CounterSet<HttpCounter> &counters() const { return counters_; }

private:
  struct Conn;
  void accepted(int fd, const Address &peer);
  void readable(Conn &c);
  void serve(Conn &c);
  void flush(Conn &c);
  void drop(Conn &c);
  void reap(); // destroys the connections dropped
  void sweep();

  Scheduler &sched_;
  Handler handler_;
  Limits limits_;
  TcpListener listener_;
  std::list<std::unique_ptr<Conn>> conns_;
  Scheduler::Id sweep_timer_ = 0;
  CounterSet<HttpCounter> counters_;
};

} // namespace mgc::core
