// H.248.1 Annex D transports: UDP (D.1; text on port 2944, binary on 2945) and TCP (D.2,
// messages framed by RFC 1006 TPKT headers). The transaction layer sends through Transport and
// is fed what arrives, so tests put a fake in between.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/loop_fd.h"
#include "core/status.h"
#include "core/tcp_socket.h"
#include "core/udp_socket.h"

namespace mgc::h248 {

inline constexpr uint16_t kTextPort = 2944;   // Annex D.1: text encoding
inline constexpr uint16_t kBinaryPort = 2945; // Annex D.1: binary encoding

// An MG's or our own transport address (IPv4 or IPv6, core/address.h).
using Address = core::Address;

class Transport {
public:
  using Receiver = std::function<void(const Address &from, std::span<const uint8_t> msg)>;
  virtual ~Transport() = default;
  virtual Status send(const Address &to, std::span<const uint8_t> msg) = 0;
  void set_receiver(Receiver r) { receiver_ = std::move(r); }

protected:
  void deliver(const Address &from, std::span<const uint8_t> msg) {
    if (receiver_)
      receiver_(from, msg);
  }

private:
  Receiver receiver_;
};

// Annex D.1: one core::UdpSocket of the select loop, bound to one local address.
class UdpTransport final : public Transport {
public:
  UdpTransport();
  Status open(const Address &local);
  Address local() const { return local_; }
  Status send(const Address &to, std::span<const uint8_t> msg) override;

private:
  core::UdpSocket socket_;
  Address local_;
};

// RFC 1006 TPKT framing (Annex D.2): version 3, reserved 0, 16-bit length including the header.
// Feed bytes as they arrive; complete messages come out in order.
class TpktFramer {
public:
  // Appends bytes; returns false (and stops) on a bad header.
  bool feed(std::span<const uint8_t> bytes, const std::function<void(std::span<const uint8_t>)> &out);
  static void frame(std::span<const uint8_t> msg, std::vector<uint8_t> &out);

private:
  std::vector<uint8_t> buf_;
};

// TCP (Annex D.2): listens on one local address and connects out on demand; one connection per
// peer address, TPKT framed.
class TcpTransport final : public Transport {
public:
  TcpTransport();
  ~TcpTransport() override;
  Status listen(const Address &local);
  Address local() const { return local_; }
  Status send(const Address &to, std::span<const uint8_t> msg) override;

private:
  struct Conn;
  Address local_;
  void accepted(int fd, const Address &peer);
  void conn_event(Conn *c, unsigned what);
  Conn *connect_to(const Address &to);
  void drop(Conn *c);
  core::TcpListener listener_;
  std::map<Address, std::unique_ptr<Conn>> conns_;
};

// Several call agents (one per media gateway) on one transport of one local address: H.248.1
// Annex D gives the MGC one port per encoding and transport, so every MG configured on that
// address speaks to the same socket. Each call agent gets its own port, a Transport whose sends
// go out through the shared one and which is handed what its MG sends, found by source address
// (by host alone for a port added with any_port: an MG on TCP connects from an ephemeral port).
// What no configured MG sent goes to the first port, whose call agent refuses it (clause 11.2)
// and counts it.
class SharedTransport {
public:
  explicit SharedTransport(Transport &inner);
  ~SharedTransport();
  SharedTransport(const SharedTransport &) = delete;
  SharedTransport &operator=(const SharedTransport &) = delete;
  // The port of the MG at `peer`; it lives as long as this object.
  Transport &add_port(const Address &peer, bool any_port);
  // An MG taken out of the configuration: its port goes, what it sends is no one's.
  void remove_port(const Transport &port);
  bool empty() const { return ports_.empty(); }

private:
  class Port;
  void dispatch(const Address &from, std::span<const uint8_t> msg);
  Transport &inner_;
  std::vector<std::unique_ptr<Port>> ports_;
};

} // namespace mgc::h248
