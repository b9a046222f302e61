// LoopFd: osmo_fd registration and the -EBADF rule (see loop_fd.h).
#include "core/loop_fd.h"

#include "core/osmo.h"

#include <cerrno>
#include <unistd.h>

namespace mgc::core {

LoopFd::LoopFd() : ofd_(std::make_unique<osmo_fd>()) { ofd_->fd = -1; }

LoopFd::~LoopFd() { close(); }

bool LoopFd::open(int fd, Handler handler, bool want_write) {
  close();
  if (fd < 0)
    return false;
  handler_ = std::move(handler);
  osmo_fd_setup(ofd_.get(), fd, OSMO_FD_READ | (want_write ? OSMO_FD_WRITE : 0), &LoopFd::dispatch,
                this, 0);
  if (osmo_fd_register(ofd_.get()) != 0) {
    ::close(fd);
    ofd_->fd = -1;
    return false;
  }
  return true;
}

void LoopFd::close() {
  if (ofd_->fd < 0)
    return;
  osmo_fd_unregister(ofd_.get());
  ::close(ofd_->fd);
  ofd_->fd = -1;
  if (closed_in_handler_)
    *closed_in_handler_ = true;
}

bool LoopFd::is_open() const { return ofd_->fd >= 0; }

int LoopFd::fd() const { return ofd_->fd; }

void LoopFd::want_write(bool on) {
  if (ofd_->fd < 0)
    return;
  if (on)
    osmo_fd_write_enable(ofd_.get());
  else
    osmo_fd_write_disable(ofd_.get());
}

void LoopFd::want_read(bool on) {
  if (ofd_->fd < 0)
    return;
  if (on)
    osmo_fd_read_enable(ofd_.get());
  else
    osmo_fd_read_disable(ofd_.get());
}

int LoopFd::dispatch(osmo_fd *ofd, unsigned what) {
  auto *self = static_cast<LoopFd *>(ofd->data);
  bool closed = false;
  bool *outer = self->closed_in_handler_;
  self->closed_in_handler_ = &closed;
  // The handler may destroy self (close() in the destructor sets `closed`): self is not
  // touched again unless it is still open.
  Handler h = self->handler_; // the handler may replace itself through open()
  h(what);
  if (closed) {
    if (outer)
      *outer = true;
    return -EBADF;
  }
  self->closed_in_handler_ = outer;
  return 0;
}

} // namespace mgc::core
