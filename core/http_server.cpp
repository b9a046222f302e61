// The HTTP/1.1 server of http_server.h (RFC 9112; status codes RFC 9110 §15).
#include "core/http_server.h"

#include "core/log.h"
#include "core/osmo.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace mgc::core {

std::string_view http_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  case 505: return "HTTP Version Not Supported";
  default: return "Unknown";
  }
}

struct HttpServer::Conn {
  LoopFd fd;
  Address peer;
  std::string in, out;
  std::size_t out_sent = 0;
  bool close_after = false; // once `out` is written
  int64_t last_ms = 0;
};

HttpServer::HttpServer(Scheduler &sched, Handler handler, Limits limits)
    : sched_(sched), handler_(std::move(handler)), limits_(limits),
      listener_([this](int fd, const Address &peer) { accepted(fd, peer); }) {}

HttpServer::~HttpServer() { close(); }

Status HttpServer::listen(const Address &local) {
  Status s = listener_.listen(local);
  if (s.ok() && !sweep_timer_)
    sweep_timer_ = sched_.start(1000, [this] { sweep(); });
  return s;
}

void HttpServer::close() {
  listener_.close();
  conns_.clear();
  if (sweep_timer_)
    sched_.stop(std::exchange(sweep_timer_, 0));
}

std::size_t HttpServer::connections() const {
  std::size_t n = 0;
  for (const auto &c : conns_)
    n += c->fd.is_open();
  return n;
}

void HttpServer::accepted(int fd, const Address &peer) {
  reap();
  if (connections() >= limits_.max_connections) {
    counters_.inc(HttpCounter::connections_refused);
    ::close(fd);
    return;
  }
  auto c = std::make_unique<Conn>();
  Conn &conn = *c;
  conn.peer = peer;
  conn.last_ms = sched_.now_ms();
  if (!conn.fd.open(fd, [this, &conn](unsigned what) {
        if (what & OSMO_FD_WRITE) {
          flush(conn);
          if (conn.fd.is_open() && conn.out.empty())
            serve(conn); // a pipelined request that waited
        } else if (what & OSMO_FD_READ)
          readable(conn);
      }))
    return;
  counters_.inc(HttpCounter::connections);
  conns_.push_back(std::move(c));
}

void HttpServer::readable(Conn &c) {
  char buf[4096];
  const ssize_t n = ::recv(c.fd.fd(), buf, sizeof buf, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    drop(c);
    return;
  }
  if (n < 0)
    return;
  c.last_ms = sched_.now_ms();
  c.in.append(buf, static_cast<std::size_t>(n));
  serve(c);
}

// Answers the complete requests in `in`, in order, while nothing waits to be written.
void HttpServer::serve(Conn &c) {
  while (c.out.empty() && !c.close_after) {
    HttpRequest req;
    const Status st = parse_http_request(c.in, req);
    if (st.detail() == "http.incomplete")
      return;
    HttpResponse resp;
    bool head_only = false;
    if (!st.ok()) {
      counters_.inc(HttpCounter::bad_requests);
      MGC_LOG(Main, Info, "http: %s: request refused, %d %.*s", c.peer.to_string().c_str(),
              st.code(), int(st.detail().size()), st.detail().data());
      resp.status = st.code();
      resp.body = std::string(st.detail()) + "\n";
      c.close_after = true; // the stream cannot be trusted past a malformed head (RFC 9112 §2.2)
    } else if (req.content_length) {
      // a scraper sends no body; reading one to find the next request is not worth it
      counters_.inc(HttpCounter::bad_requests);
      resp.status = 413;
      c.close_after = true;
    } else {
      counters_.inc(HttpCounter::requests);
      head_only = req.method == "HEAD";
      resp = handler_(req);
      if (resp.status == 404)
        counters_.inc(HttpCounter::not_found);
      else if (resp.status == 405)
        counters_.inc(HttpCounter::method_not_allowed);
      c.close_after = !req.keep_alive;
      c.in.erase(0, req.head_length);
    }
    std::string &o = c.out;
    o = "HTTP/1.1 " + std::to_string(resp.status) + " " + std::string(http_reason(resp.status)) +
        "\r\nContent-Type: " + resp.content_type +
        "\r\nContent-Length: " + std::to_string(resp.body.size()) + "\r\n" + resp.extra_headers;
    o += c.close_after ? "Connection: close\r\n\r\n" : "\r\n";
    if (!head_only)
      o += resp.body;
    c.out_sent = 0;
    flush(c);
    if (!c.fd.is_open())
      return; // dropped while writing
  }
}

void HttpServer::flush(Conn &c) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n =
        ::send(c.fd.fd(), c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // the rest when the socket takes it; read nothing more meanwhile
      c.fd.want_write(true);
      c.fd.want_read(false);
      return;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      counters_.inc(HttpCounter::write_failures);
      drop(c);
      return;
    }
    c.out_sent += static_cast<std::size_t>(n);
    c.last_ms = sched_.now_ms();
  }
  c.out.clear();
  c.out_sent = 0;
  c.fd.want_write(false);
  if (c.close_after) {
    drop(c);
    return;
  }
  c.fd.want_read(true);
}

void HttpServer::drop(Conn &c) {
  // Only closed here (safe inside its own handler, LoopFd): the Conn itself may still be on the
  // stack of serve() or flush(), so it goes later (reap()).
  c.fd.close();
}

void HttpServer::reap() {
  conns_.remove_if([](const std::unique_ptr<Conn> &c) { return !c->fd.is_open(); });
}

void HttpServer::sweep() {
  sweep_timer_ = sched_.start(1000, [this] { sweep(); });
  reap();
  const int64_t now = sched_.now_ms();
  for (auto it = conns_.begin(); it != conns_.end();) {
    if (now - (*it)->last_ms >= limits_.idle_ms) {
      counters_.inc(HttpCounter::idle_closed);
      it = conns_.erase(it); // from the timer: no handler of it is running
    } else {
      ++it;
    }
  }
}

} // namespace mgc::core
