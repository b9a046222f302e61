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

#include "core/status.h"

namespace mgc::h248 {

inline constexpr uint16_t kTextPort = 2944;   // Annex D.1: text encoding
inline constexpr uint16_t kBinaryPort = 2945; // Annex D.1: binary encoding

struct Address {
  uint32_t ip = 0; // IPv4, host byte order
  uint16_t port = 0;
  friend bool operator==(const Address &, const Address &) = default;
  friend auto operator<=>(const Address &, const Address &) = default;
  std::string to_string() const;
  static bool parse(std::string_view ip, uint16_t port, Address &out);
};

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

// A UDP socket on the libosmocore select loop, bound to one local address.
class UdpTransport final : public Transport {
public:
  UdpTransport() = default;
  ~UdpTransport() override;
  Status open(const Address &local);
  Address local() const { return local_; }
  Status send(const Address &to, std::span<const uint8_t> msg) override;

private:
  static int readable(struct osmo_fd *ofd, unsigned what);
  struct osmo_fd *ofd_ = nullptr;
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
  static int acceptable(struct osmo_fd *ofd, unsigned what);
  static int conn_event(struct osmo_fd *ofd, unsigned what);
  Conn *connect_to(const Address &to);
  void drop(Conn *c);
  struct osmo_fd *listen_fd_ = nullptr;
  std::map<Address, std::unique_ptr<Conn>> conns_;
};

} // namespace mgc::h248
