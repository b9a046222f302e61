// What a SIP half-call state machine needs from outside: the SIP messages on its leg and telling
// the call what happened. The implementation (call control) owns the leg and the bodies (SDP, the
// ISUP of SIP-T/SIP-I peers); the machines only decide. C++17: the Boost.MSM units include it.
#pragma once

#include <cstdint>
#include <optional>

namespace mgc::cc::sip_call {

class Port {
public:
  virtual ~Port() = default;

  // Toward the SIP peer on this call's leg.
  virtual void send_provisional(int status) = 0;          // UAS: 180 / 183
  virtual void send_answer() = 0;                          // UAS: 200
  virtual void send_reject(int status, uint8_t cause) = 0; // UAS: final error, Reason: Q.850
  virtual void send_cancel(uint8_t cause) = 0;             // UAC: before the final response
  virtual void send_bye(uint8_t cause) = 0;                // once a 2xx was sent or received

  // To the call.
  virtual void on_provisional(int status, bool early_media) = 0; // UAC: 1xx
  virtual void on_answered() = 0;                                 // UAC: 2xx
  virtual void on_failed(int status, uint8_t cause, bool local) = 0; // UAC: final error
  virtual void on_cancelled() = 0;                                // UAS: CANCEL
  virtual void on_bye(std::optional<uint8_t> cause) = 0;         // BYE (or UAS: BYE before final)
  // The call has nothing more to do or wait for on the SIP side. `dialog_over`: the leg is done
  // too; otherwise (a CANCEL on its way) a late response may still reach the machine.
  virtual void on_sip_over(bool dialog_over) = 0;
  virtual void on_unexpected(const char *machine, const char *state, const char *event) = 0;
};

} // namespace mgc::cc::sip_call
