// The SS7 side of mgcd: ISUP over the MTP3 service of M3UA (sigtran's Node). Encodes what call
// control sends (SI=5, SLS from the CIC), decodes what arrives and applies Q.764 §2.9.5 before
// call control sees it: CFN or REL for what cannot be used, unrecognised parameters removed at
// this end node, counted by reason.
#pragma once

#include "callcontrol/call_manager.h"
#include "isup/codec.h"
#include "sigtran/m3ua_node.h"
#include "sigtran/mtp_service.h"

#include <functional>

namespace mgc::gw {

class Ss7 final : public sigtran::MtpUser, public cc::IsupSender {
public:
  Ss7(uint32_t own_pc, uint8_t network_indicator, isup::Variant variant);

  // MTP-TRANSFER requests go to `transfer` (the Node's mtp_transfer_req in mgcd).
  using Transfer = std::function<Status(const sigtran::MtpTransfer &)>;
  void attach(Transfer transfer, cc::CallManager &calls) {
    transfer_ = std::move(transfer);
    calls_ = &calls;
  }
  void attach(sigtran::Node &node, cc::CallManager &calls) {
    attach([&node](const sigtran::MtpTransfer &t) { return node.mtp_transfer_req(t); }, calls);
  }
  // Call control is going away: indications from here on (MTP-PAUSE while the association
  // closes at shutdown) reach nobody.
  void detach() { calls_ = nullptr; }

  // cc::IsupSender
  void send(uint32_t dpc, const isup::Message &msg) override;

  // sigtran::MtpUser
  void mtp_transfer_ind(const sigtran::MtpTransfer &t) override;
  void mtp_pause_ind(uint32_t dpc) override;
  void mtp_resume_ind(uint32_t dpc) override;
  void mtp_status_ind(const sigtran::MtpStatus &s) override;

  const CounterSet<isup::DecodeReason> &decode_counters() const { return decode_counters_; }
  uint64_t sent() const { return sent_; }
  uint64_t send_failures() const { return send_failures_; }

  // Q.764 §2.9.5 applied to one received message; exposed for tests.
  void handle(uint32_t opc, std::span<const uint8_t> isup_octets);

private:
  uint32_t own_pc_;
  uint8_t ni_;
  isup::Variant variant_;
  Transfer transfer_;
  cc::CallManager *calls_ = nullptr;
  CounterSet<isup::DecodeReason> decode_counters_;
  uint64_t sent_ = 0, send_failures_ = 0;
  std::vector<uint8_t> buf_;
};

} // namespace mgc::gw
