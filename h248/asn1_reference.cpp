// asn1c bridge: the only translation unit that sees asn1c's headers.
#include "h248/asn1_reference.h"

#include "MegacoMessage.h"
#include "der_encoder.h"
#include "xer_decoder.h"
#include "xer_encoder.h"

namespace mgc::h248::asn1ref {
namespace {

int append(const void *buf, size_t size, void *key) {
  auto *out = static_cast<std::vector<uint8_t> *>(key);
  const auto *p = static_cast<const uint8_t *>(buf);
  out->insert(out->end(), p, p + size);
  return 0;
}

int append_str(const void *buf, size_t size, void *key) {
  static_cast<std::string *>(key)->append(static_cast<const char *>(buf), size);
  return 0;
}

struct Holder {
  MegacoMessage_t *m = nullptr;
  ~Holder() { ASN_STRUCT_FREE(asn_DEF_MegacoMessage, m); }
};

Status der(Holder &h, std::vector<uint8_t> &out) {
  out.clear();
  asn_enc_rval_t er = der_encode(&asn_DEF_MegacoMessage, h.m, append, &out);
  if (er.encoded < 0)
    return Status("h248.asn1c_encode_failed", 500);
  return Status::Ok();
}

} // namespace

Status ber_to_der(std::span<const uint8_t> ber, std::vector<uint8_t> &out) {
  Holder h;
  asn_dec_rval_t r = ber_decode(nullptr, &asn_DEF_MegacoMessage, reinterpret_cast<void **>(&h.m),
                                ber.data(), ber.size());
  if (r.code != RC_OK || r.consumed != ber.size())
    return Status("h248.asn1c_decode_failed", 400);
  return der(h, out);
}

Status xer_to_der(const std::string &xer, std::vector<uint8_t> &out) {
  Holder h;
  asn_dec_rval_t r = xer_decode(nullptr, &asn_DEF_MegacoMessage, reinterpret_cast<void **>(&h.m),
                                xer.data(), xer.size());
  if (r.code != RC_OK)
    return Status("h248.asn1c_xer_decode_failed", 400);
  return der(h, out);
}

Status ber_to_xer(std::span<const uint8_t> ber, std::string &xer) {
  Holder h;
  asn_dec_rval_t r = ber_decode(nullptr, &asn_DEF_MegacoMessage, reinterpret_cast<void **>(&h.m),
                                ber.data(), ber.size());
  if (r.code != RC_OK || r.consumed != ber.size())
    return Status("h248.asn1c_decode_failed", 400);
  asn_enc_rval_t er = xer_encode(&asn_DEF_MegacoMessage, h.m, XER_F_BASIC, append_str, &xer);
  if (er.encoded < 0)
    return Status("h248.asn1c_encode_failed", 500);
  return Status::Ok();
}

} // namespace mgc::h248::asn1ref
