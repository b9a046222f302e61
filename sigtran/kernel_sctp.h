// Kernel SCTP (RFC 4960, Linux one-to-one sockets, RFC 6458 API) for the M3UA transports: the
// socket calls only, so that no kernel SCTP type meets usrsctp's same-named ones. Used where
// kernel_sctp_available() says the kernel has SCTP; the build machine's kernel has none, so this
// path is compiled but has not run there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mgc::sigtran::kernel_sctp {

// A non-blocking one-to-one socket bound to every address of `local` (bindx), with the
// association events and per-message stream info switched on, `streams` in and out.
// Returns -1 and sets `err` on failure.
int open_bound(const std::vector<std::string> &local, uint16_t port, uint16_t streams,
               std::string &err);
// connect() to every remote address (connectx); EINPROGRESS counts as success.
bool connect_all(int fd, const std::vector<std::string> &remote, uint16_t port);

// Sends one message on `stream` with payload protocol identifier `ppid`; false on EAGAIN/error.
bool send(int fd, uint16_t stream, uint32_t ppid, std::span<const uint8_t> msg, int &error);

enum class Rx : uint8_t { Data, CommUp, CommLost, Notification, WouldBlock, Closed, Error };
struct RxInfo {
  Rx kind = Rx::Error;
  std::size_t len = 0;
  bool eor = true;
  uint16_t stream = 0;
  uint32_t ppid = 0;
  uint16_t out_streams = 0; // with CommUp
};
RxInfo recv(int fd, uint8_t *buf, std::size_t cap);

uint16_t out_streams(int fd); // from SCTP_STATUS, 0 if unknown

} // namespace mgc::sigtran::kernel_sctp
