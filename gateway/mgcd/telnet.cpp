#include "gateway/mgcd/telnet.h"

#include "core/log.h"

#include <cerrno>
#include <unistd.h>

extern "C" {
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/buffer.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>
// libosmovty's list of open telnet connections (telnet_interface.c): exported, not declared in
// its headers. Ours join it, so that vty_is_active() and telnet_close_client() treat them as
// its own.
extern struct llist_head active_connections;
// Closes, unregisters and frees one (telnet_interface.c; exported, not declared in 1.7).
int telnet_close_client(struct osmo_fd *fd);
}

namespace mgc::gw {

namespace {
// A connection's socket events, as libosmovty handles its own: input goes to the VTY (which
// closes and frees the connection itself on `exit` or a dropped socket, then says -EBADF), and
// the VTY's buffered output is written while there is some (vty_event() asks for write events).
int client_event(struct osmo_fd *fd, unsigned int what) {
  auto *conn = static_cast<struct telnet_connection *>(fd->data);
  int rc = 0;
  if (what & OSMO_FD_READ) {
    conn->fd.when &= ~OSMO_FD_READ;
    rc = vty_read(conn->vty);
    if (rc == -EBADF)
      return rc;
  }
  if (what & OSMO_FD_WRITE) {
    rc = buffer_flush_all(conn->vty->obuf, fd->fd);
    if (rc == BUFFER_EMPTY)
      conn->fd.when &= ~OSMO_FD_WRITE;
  }
  return 0;
}

void *g_ctx = nullptr; // talloc context of the connections
} // namespace

TelnetServer::TelnetServer(std::vector<core::Prefix> allow)
    : allow_(std::move(allow)),
      listener_([this](int fd, const core::Address &peer) { accepted(fd, peer); }) {
  if (!g_ctx)
    g_ctx = talloc_named_const(nullptr, 0, "telnet_connection");
}

TelnetServer::~TelnetServer() {
  listener_.close();
  struct telnet_connection *c, *next;
  llist_for_each_entry_safe(c, next, &active_connections, entry) telnet_close_client(&c->fd);
}

Status TelnetServer::listen(const core::Address &local) { return listener_.listen(local, 16); }

void TelnetServer::accepted(int fd, const core::Address &peer) {
  bool ok = allow_.empty();
  for (const auto &p : allow_)
    ok = ok || p.contains(peer);
  if (!ok) {
    ++refused_;
    MGC_LOG(Main, Notice, "VTY connection from %s refused: not in the telnet allow list",
            peer.to_string().c_str());
    ::close(fd);
    return;
  }
  MGC_LOG(Main, Info, "VTY connection from %s", peer.to_string().c_str());
  auto *conn = talloc_zero(g_ctx, struct telnet_connection);
  conn->fd.fd = fd;
  conn->fd.when = OSMO_FD_READ;
  conn->fd.cb = client_event;
  conn->fd.data = conn;
  if (osmo_fd_register(&conn->fd) < 0) {
    ::close(fd);
    talloc_free(conn);
    return;
  }
  llist_add_tail(&conn->entry, &active_connections);
  // On failure (`login` without a password) vty_create() has closed the connection, which
  // unregistered and freed it (vty_event VTY_CLOSED -> telnet_close_client).
  conn->vty = vty_create(fd, conn);
}

} // namespace mgc::gw
