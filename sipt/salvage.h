// An answer to a request too broken to parse (RFC 3261 §8.2, §21; RFC 4475 §3.1.2): the parser
// stops at a bad Request-Line (ltgtruri, lwsruri, lwsstart, trws, escruri: 400; SIP/7.0: 505,
// §21.5.6 and RFC 4475 §3.1.2.16) before it has read any header field, and a request missing
// mandatory fields (RFC 4475 §3.3.1 insuf) has no Call-ID to copy. The response still needs
// what §8.2.6.2 says it copies — the Via rows (the sender matches its transaction on them,
// §17.1.3), From, To with a tag, Call-ID, CSeq — so they are taken from the header section as
// raw rows, without parsing their values. Pure: bytes in, bytes out.
#pragma once

#include <string>
#include <string_view>

namespace mgc::sipt {

// The response `code` `reason` to the request in `bytes`, with `to_tag` added to a To that has
// no tag. Empty when there is nothing to answer: a response, an ACK (never answered, §17.1.1.3),
// no Via (nowhere the sender could match it), or no header section at all.
std::string salvage_response(std::string_view bytes, int code, std::string_view reason,
                             std::string_view to_tag);

} // namespace mgc::sipt
