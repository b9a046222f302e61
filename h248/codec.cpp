// Status and error-answer helpers shared by the text and binary codecs (H.248.1 clause 8.2.2:
// a malformed message is answered with an ErrorDescriptor carrying an H.248.8 code).
#include "h248/codec.h"

#include "h248/errors.h"

namespace mgc::h248 {
namespace {

struct DecodeFailure {
  std::string_view detail;
  uint16_t code;
};

// Reason -> stable Status detail and the H.248.8 code of the answer.
constexpr uint16_t decode_code(H248DecodeCounter r) {
  using R = H248DecodeCounter;
  switch (r) {
  case R::bad_version: return error::kVersionNotSupported;
  case R::bad_transaction_id:
  case R::bad_transaction: return error::kSyntaxErrorInTransaction;
  case R::bad_context_id:
  case R::bad_action:
  case R::bad_topology: return error::kSyntaxErrorInAction;
  case R::unknown_command: return error::kUnknownCommand;
  case R::unknown_descriptor: return error::kUnknownDescriptor;
  case R::bad_command:
  case R::bad_termination_id:
  case R::bad_descriptor:
  case R::bad_property:
  case R::bad_value:
  case R::bad_sdp:
  case R::bad_error_descriptor:
  case R::bad_service_change:
  case R::bad_events:
  case R::bad_signals:
  case R::bad_digit_map: return error::kSyntaxErrorInCommand;
  case R::ber_unknown_name: return error::kUnknownPackage;
  case R::ber_unsupported: return error::kNotImplemented;
  default: return error::kSyntaxError;
  }
}

#define MGC_H248_DETAIL_(n) std::string_view("h248." #n),
constexpr std::array kDecodeDetails{MGC_H248_DECODE_COUNTERS(MGC_H248_DETAIL_)};
constexpr std::array kEncodeDetails{MGC_H248_ENCODE_COUNTERS(MGC_H248_DETAIL_)};
#undef MGC_H248_DETAIL_

} // namespace

Status decode_status(H248DecodeCounter reason) {
  if (reason == H248DecodeCounter::ok)
    return Status::Ok();
  return Status(kDecodeDetails[size_t(reason)], decode_code(reason));
}

Status encode_status(H248EncodeCounter reason) {
  if (reason == H248EncodeCounter::ok)
    return Status::Ok();
  return Status(kEncodeDetails[size_t(reason)], error::kInternalFailure);
}

Message error_reply(const Message &partial, Status st, const Mid &own_mid) {
  Message m;
  m.version = partial.version ? partial.version : 1;
  if (st.code() == error::kVersionNotSupported)
    m.version = 1; // answer in a version the peer surely speaks (clause 11.3)
  m.mid = own_mid;
  ErrorDescriptor e;
  e.code = uint16_t(st.code() ? st.code() : error::kSyntaxError);
  e.text = std::string(error_text(e.code));
  // The last transaction is the one that failed; only a request is answered (clause 8.2.2).
  if (!partial.transactions.empty() &&
      partial.transactions.back().kind == TransactionKind::Request &&
      partial.transactions.back().id != 0) {
    Transaction &t = m.transactions.emplace_back();
    t.kind = TransactionKind::Reply;
    t.id = partial.transactions.back().id;
    t.error = std::move(e);
  } else {
    m.error = std::move(e);
  }
  return m;
}

} // namespace mgc::h248
