// UdpTransport: the call agent's datagrams (RFC 3435 §3.5) on a core::UdpSocket.
#include "mgcp/transport.h"

namespace mgc::mgcp {

UdpTransport::UdpTransport(DatagramHandler on_datagram)
    : on_datagram_(std::move(on_datagram)),
      socket_([this](const Address &from, std::span<const uint8_t> d) {
        on_datagram_(from, std::string_view(reinterpret_cast<const char *>(d.data()), d.size()));
      }) {}

Status UdpTransport::bind(const Address &local) {
  Status st = socket_.bind(local);
  if (st.ok())
    return st;
  // The layer's own names, as the VTY and logs have always shown them.
  if (st.detail() == "udp.socket_failed")
    return Status("mgcp.socket_failed", 0);
  if (st.detail() == "udp.bind_failed")
    return Status("mgcp.bind_failed", 0);
  return Status("mgcp.register_failed", 0);
}

Address UdpTransport::local_address() const { return socket_.is_open() ? socket_.local() : Address{}; }

void UdpTransport::send(const Address &to, std::string_view datagram) {
  if (socket_.send_to(to, std::span<const uint8_t>(
                              reinterpret_cast<const uint8_t *>(datagram.data()), datagram.size())))
    ++send_errors_;
}

SharedUdpTransport::SharedUdpTransport()
    : udp_([this](const Address &from, std::string_view d) { dispatch(from, d); }) {}

Status SharedUdpTransport::bind(const Address &local) { return udp_.bind(local); }

void SharedUdpTransport::add_gateway(const Address &gateway, DatagramHandler handler) {
  gateways_.emplace_back(gateway, std::move(handler));
}

void SharedUdpTransport::remove_gateway(const Address &gateway) {
  for (auto it = gateways_.begin(); it != gateways_.end(); ++it)
    if (it->first == gateway) {
      gateways_.erase(it);
      return;
    }
}

void SharedUdpTransport::dispatch(const Address &from, std::string_view datagram) {
  if (gateways_.empty())
    return;
  for (auto &[a, h] : gateways_)
    if (a == from)
      return h(from, datagram);
  for (auto &[a, h] : gateways_)
    if (a.same_host(from))
      return h(from, datagram);
  gateways_.front().second(from, datagram);
}

} // namespace mgc::mgcp
