// h248::Address as text (the transactions and the call agent log it; the sockets parse it), in
// mgc_h248 itself so that its users need not link the select-loop part (mgc_h248_osmo).
#include "h248/transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string>

namespace mgc::h248 {

std::string Address::to_string() const {
  in_addr a{htonl(ip)};
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(port);
}

bool Address::parse(std::string_view ip, uint16_t port, Address &out) {
  in_addr a{};
  std::string s(ip);
  if (inet_pton(AF_INET, s.c_str(), &a) != 1)
    return false;
  out.ip = ntohl(a.s_addr);
  out.port = port;
  return true;
}

} // namespace mgc::h248
