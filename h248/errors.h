// H.248.8 error codes (the ErrorDescriptor catalogue of H.248.1 clause 7.1.19), declared once.
#pragma once

#include <cstdint>
#include <string_view>

namespace mgc::h248 {

#define MGC_H248_ERROR_CODES(X)                                                                    \
  X(400, kSyntaxError, "Syntax error in message")                                                 \
  X(401, kProtocolError, "Protocol Error")                                                         \
  X(402, kUnauthorized, "Unauthorized")                                                            \
  X(403, kSyntaxErrorInTransaction, "Syntax error in transaction request")                        \
  X(406, kVersionNotSupported, "Version Not Supported")                                           \
  X(410, kIncorrectIdentifier, "Incorrect identifier")                                            \
  X(411, kUnknownContext, "The transaction refers to an unknown ContextId")                       \
  X(412, kNoContextAvailable, "No ContextIDs available")                                          \
  X(421, kUnknownAction, "Unknown action or illegal combination of actions")                      \
  X(422, kSyntaxErrorInAction, "Syntax Error in Action")                                          \
  X(430, kUnknownTermination, "Unknown TerminationID")                                            \
  X(431, kNoTerminationMatched, "No TerminationID matched a wildcard")                            \
  X(432, kOutOfTerminations, "Out of TerminationIDs or No TerminationID available")               \
  X(433, kTerminationInContext, "TerminationID is already in a Context")                          \
  X(434, kMaxTerminations, "Max number of Terminations in a Context exceeded")                    \
  X(435, kTerminationNotInContext, "Termination ID is not in specified Context")                  \
  X(440, kUnknownPackage, "Unsupported or unknown Package")                                       \
  X(441, kMissingLocalRemote, "Missing Remote or Local Descriptor")                               \
  X(442, kSyntaxErrorInCommand, "Syntax Error in Command")                                        \
  X(443, kUnknownCommand, "Unsupported or Unknown Command")                                       \
  X(444, kUnknownDescriptor, "Unsupported or Unknown Descriptor")                                 \
  X(445, kUnknownProperty, "Unsupported or Unknown Property")                                     \
  X(446, kUnknownParameter, "Unsupported or Unknown Parameter")                                   \
  X(447, kDescriptorNotLegal, "Descriptor not legal in this command")                             \
  X(448, kDescriptorTwice, "Descriptor appears twice in a command")                               \
  X(500, kInternalFailure, "Internal software Failure in the MG")                                 \
  X(501, kNotImplemented, "Not Implemented")                                                      \
  X(502, kNotReady, "Not ready")                                                                  \
  X(503, kServiceUnavailable, "Service Unavailable")                                              \
  X(505, kNoServiceChangeReply, "Transaction Request received before a ServiceChange Reply")      \
  X(506, kTooManyPendings, "Number of TransactionPendings Exceeded")                              \
  X(510, kInsufficientResources, "Insufficient resources")                                        \
  X(515, kUnsupportedMediaType, "Unsupported Media Type")                                         \
  X(517, kUnsupportedMode, "Unsupported or invalid mode")                                         \
  X(526, kInsufficientBandwidth, "Insufficient bandwidth")                                        \
  X(530, kTemporaryNetworkFailure, "Temporary Network failure")                                   \
  X(531, kPermanentNetworkFailure, "Permanent Network failure")

namespace error {
#define MGC_H248_ERR_CONST_(code, name, text) inline constexpr uint16_t name = code;
MGC_H248_ERROR_CODES(MGC_H248_ERR_CONST_)
#undef MGC_H248_ERR_CONST_
} // namespace error

// The H.248.8 text for a code, or "" when the code is not in the catalogue.
constexpr std::string_view error_text(uint16_t code) {
  switch (code) {
#define MGC_H248_ERR_CASE_(c, name, text)                                                          \
  case c:                                                                                          \
    return text;
    MGC_H248_ERROR_CODES(MGC_H248_ERR_CASE_)
#undef MGC_H248_ERR_CASE_
  }
  return {};
}

} // namespace mgc::h248
