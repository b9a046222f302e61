// Everything our encoder sends, dissected by tshark (the wire-format oracle, PLATFORM.md):
// every verb, the responses a call agent sends (000, 100, 200, 5xx answers), a piggy-backed
// datagram. The messages are written into a pcap (UDP 2727 -> 2427, the RFC 3435 §3.5 ports,
// so tshark picks its MGCP dissector by itself) and none may come out malformed or with an
// expert warning.
#include "mgcp/codec.h"
#include "mgcp/sdp.h"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mgc::mgcp;

namespace {

void put16(std::string &s, uint16_t v) {
  s.push_back(char(v >> 8));
  s.push_back(char(v));
}
void put32le(std::ofstream &f, uint32_t v) {
  char b[4] = {char(v), char(v >> 8), char(v >> 16), char(v >> 24)};
  f.write(b, 4);
}

// One Ethernet/IPv4/UDP frame carrying the datagram (UDP checksum 0: none, RFC 768).
std::string frame(const std::string &payload, uint16_t sport, uint16_t dport) {
  std::string f(12, '\0');
  f[5] = 1;
  f[11] = 2;
  put16(f, 0x0800);
  std::string ip;
  ip.push_back(0x45);
  ip.push_back(0);
  put16(ip, uint16_t(20 + 8 + payload.size()));
  put16(ip, 0);
  put16(ip, 0);
  ip.push_back(64);
  ip.push_back(17);
  put16(ip, 0);
  ip += std::string("\x7f\x00\x00\x01\x7f\x00\x00\x01", 8);
  uint32_t sum = 0;
  for (std::size_t i = 0; i < ip.size(); i += 2)
    sum += (uint8_t(ip[i]) << 8) | uint8_t(ip[i + 1]);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  ip[10] = char(~sum >> 8);
  ip[11] = char(~sum);
  std::string udp;
  put16(udp, sport);
  put16(udp, dport);
  put16(udp, uint16_t(8 + payload.size()));
  put16(udp, 0);
  return f + ip + udp + payload;
}

std::vector<std::string> datagrams() {
  std::string sdp = build_sdp({"192.0.2.1", 4000, {{8, "PCMA/8000"}, {0, "PCMU/8000"}}, 20, 7});
  std::vector<Message> m;
  auto cmd = [&](Verb v, std::vector<std::pair<Param, std::string>> ps, bool with_sdp = false) {
    Message c = Message::command(v, uint32_t(100 + m.size()), "ds/e1-1/5@tgw1.example.net");
    for (auto &[p, val] : ps)
      c.set(p, val);
    if (with_sdp)
      c.sdp.push_back(sdp);
    m.push_back(c);
  };
  cmd(Verb::Epcf, {{Param::BearerInformation, "e:A"}});
  cmd(Verb::Crcx, {{Param::CallId, "1A2B"}, {Param::LocalConnectionOptions, "p:20, a:PCMA"},
                   {Param::ConnectionMode, "sendrecv"}, {Param::NotifiedEntity, "ca@mgc.example.net:2727"}},
      true);
  cmd(Verb::Mdcx, {{Param::CallId, "1A2B"}, {Param::ConnectionId, "FDE234C8"},
                   {Param::ConnectionMode, "recvonly"}}, true);
  cmd(Verb::Dlcx, {{Param::CallId, "1A2B"}, {Param::ConnectionId, "FDE234C8"}});
  cmd(Verb::Rqnt, {{Param::RequestIdentifier, "0123456789AC"}, {Param::RequestedEvents, "g/ft"},
                   {Param::SignalRequests, ""}});
  cmd(Verb::Ntfy, {{Param::RequestIdentifier, "0123456789AC"}, {Param::ObservedEvents, "g/ft"}});
  cmd(Verb::Auep, {{Param::RequestedInfo, "R,D,S,X,N,I,T,O,ES"}});
  cmd(Verb::Aucx, {{Param::ConnectionId, "FDE234C8"}, {Param::RequestedInfo, "C,N,L,M,LC,P"}});
  cmd(Verb::Rsip, {{Param::RestartMethod, "graceful"}, {Param::RestartDelay, "30"}});
  cmd(Verb::Crcx, {{Param::CallId, "1A2B"}, {Param::ConnectionMode, "conttest"},
                   {Param::ResponseAck, "98-99, 101"}});
  Message ok = Message::response(200, 101, "OK");
  ok.set(Param::ConnectionId, "FDE234C8");
  ok.sdp.push_back(sdp);
  m.push_back(ok);
  m.push_back(Message::response(100, 102, "Pending"));
  Message final = Message::response(200, 102, "OK");
  final.set(Param::ResponseAck, "");
  m.push_back(final);
  m.push_back(Message::response(0, 102));
  Message bad;
  auto st = decode("CRCX 77 a@b MGCP 1.0\r\nC: 1\r\nM: shout\r\n", bad);
  m.push_back(*error_response(bad, st));
  Message dl = Message::response(250, 103, "OK");
  dl.set(Param::ConnectionParameters, "PS=1245, OS=62345, PR=780, OR=45123, PL=10, JI=27, LA=48");
  m.push_back(dl);
  std::vector<std::string> out;
  for (const auto &x : m)
    out.push_back(encode(x));
  // §3.5.5: a response and a command in one datagram.
  std::vector<Message> piggy{Message::response(200, 104, "OK"), m[3]};
  out.push_back(encode_datagram(piggy));
  return out;
}

} // namespace

TEST(MgcpTshark, EverythingWeEncodeDissectsCleanly) {
  char tmpl[] = "/tmp/mgc-mgcp-tshark-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string pcap = dir + "/encoded.pcap";
  auto dgrams = datagrams();
  {
    std::ofstream f(pcap, std::ios::binary);
    put32le(f, 0xa1b2c3d4);
    f.write("\x02\x00\x04\x00", 4);
    put32le(f, 0);
    put32le(f, 0);
    put32le(f, 65535);
    put32le(f, 1); // Ethernet
    uint32_t t = 0;
    for (const auto &d : dgrams) {
      std::string fr = frame(d, 2727, 2427);
      put32le(f, ++t);
      put32le(f, 0);
      put32le(f, uint32_t(fr.size()));
      put32le(f, uint32_t(fr.size()));
      f.write(fr.data(), std::streamsize(fr.size()));
    }
  }
  auto run = [](const std::string &cmd) {
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
      return out;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
      out.append(buf, n);
    pclose(p);
    return out;
  };
  std::string count = run("tshark -r " + pcap + " -Y mgcp -T fields -e frame.number 2>/dev/null | wc -l");
  EXPECT_EQ(std::stoul(count), dgrams.size()) << "every datagram must be MGCP to tshark";
  std::string bad = run("tshark -r " + pcap +
                        " -Y '_ws.malformed || _ws.expert.severity >= \"Warning\"' 2>/dev/null");
  EXPECT_EQ(bad, "") << "tshark flags:\n" << bad;
  std::string verbs = run("tshark -r " + pcap + " -Y mgcp.req -T fields -e mgcp.req.verb 2>/dev/null | sort -u | tr '\\n' ' '");
  EXPECT_EQ(verbs, "AUCX AUEP CRCX DLCX EPCF MDCX NTFY RQNT RSIP ");
  run("rm -rf " + dir);
}
