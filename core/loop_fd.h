// A file descriptor owned by one object and registered on the libosmocore select loop, with a
// handler called for what it is ready for. It answers the loop's one trap (PLATFORM.md): a
// handler that closes the fd, or destroys the LoopFd holding it, must make the osmo_fd callback
// return -EBADF, and LoopFd's dispatcher does so by itself. Sockets of every layer sit on it
// (core::UdpSocket, core::TcpListener, the TCP connections of H.248, SIP and M3UA).
#pragma once

#include <functional>
#include <memory>

struct osmo_fd;

namespace mgc::core {

class LoopFd {
public:
  // Called with OSMO_FD_READ / OSMO_FD_WRITE bits.
  using Handler = std::function<void(unsigned what)>;

  LoopFd();
  ~LoopFd(); // closes
  LoopFd(const LoopFd &) = delete;
  LoopFd &operator=(const LoopFd &) = delete;

  // Takes fd (closed on failure too) and registers it with read interest, plus write interest
  // if asked (a connect() in progress). False if it could not be registered.
  bool open(int fd, Handler handler, bool want_write = false);
  // Unregisters and closes; safe inside the handler.
  void close();
  bool is_open() const;
  int fd() const;
  void want_write(bool on);
  void want_read(bool on); // a listener paused while descriptors run out

private:
  static int dispatch(osmo_fd *ofd, unsigned what);
  std::unique_ptr<osmo_fd> ofd_;
  Handler handler_;
  bool *closed_in_handler_ = nullptr; // set while the handler runs
};

} // namespace mgc::core
