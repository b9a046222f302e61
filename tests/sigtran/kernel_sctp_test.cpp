// Kernel SCTP is detected at run time. Where the kernel has none (this build machine), the test
// prints why and exits 77, which ctest reports as skipped. Where it exists, the transport must
// refuse it explicitly, because only usrsctp is implemented (see the README's sigtran section).
#include "core/osmo.h"
#include "sigtran/transport.h"

#include <cstdio>

using namespace mgc::sigtran;

namespace {
struct Null : MtpUser {
  void mtp_transfer_ind(const MtpTransfer &) override {}
  void mtp_pause_ind(uint32_t) override {}
  void mtp_resume_ind(uint32_t) override {}
  void mtp_status_ind(const MtpStatus &) override {}
};
} // namespace

int main() {
  std::string why;
  bool have = kernel_sctp_available(&why);
  SimClock clock;
  Null user;
  NodeConfig cfg;
  LinkConfig l;
  cfg.links.push_back(l);
  Node node(cfg, clock, user);
  Transports tr(node);
  EndpointConfig ep;
  ep.proto = TransportProto::SctpKernel;
  ep.links = {0};
  auto st = tr.add(ep);
  if (!have) {
    std::printf("SKIP: kernel SCTP not available here (%s); transport answered %.*s\n", why.c_str(),
                int(st.detail().size()), st.detail().data());
    return st.detail() == "sigtran.kernel_sctp_unavailable" ? 77 : 1;
  }
  std::printf("kernel SCTP present; transport answered %.*s\n", int(st.detail().size()),
              st.detail().data());
  return st.detail() == "sigtran.kernel_sctp_not_implemented" ? 0 : 1;
}
