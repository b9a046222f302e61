// RFC 3525 Annex B.2 token catalogue: each token's long and short (compact) spelling, declared
// once. Tokens are case-insensitive (B.3); the encoder writes the long form in pretty mode and
// the short form in compact mode.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "h248/message.h"

namespace mgc::h248::text {

#define MGC_H248_TOKENS(X)                                                                         \
  X(Add, "Add", "A")                                                                               \
  X(Audit, "Audit", "AT")                                                                          \
  X(AuditCap, "AuditCapability", "AC")                                                             \
  X(AuditValue, "AuditValue", "AV")                                                                \
  X(Auth, "Authentication", "AU")                                                                  \
  X(Bothway, "Bothway", "BW")                                                                      \
  X(Brief, "Brief", "BR")                                                                          \
  X(Buffer, "Buffer", "BF")                                                                        \
  X(Ctx, "Context", "C")                                                                           \
  X(ContextAudit, "ContextAudit", "CA")                                                            \
  X(DigitMap, "DigitMap", "DM")                                                                    \
  X(Disconnected, "Disconnected", "DC")                                                            \
  X(Delay, "Delay", "DL")                                                                          \
  X(Duration, "Duration", "DR")                                                                    \
  X(Embed, "Embed", "EM")                                                                          \
  X(Emergency, "Emergency", "EG")                                                                  \
  X(Error, "Error", "ER")                                                                          \
  X(EventBuffer, "EventBuffer", "EB")                                                              \
  X(Events, "Events", "E")                                                                         \
  X(Failover, "Failover", "FL")                                                                    \
  X(Forced, "Forced", "FO")                                                                        \
  X(Graceful, "Graceful", "GR")                                                                    \
  X(H221, "H221", "H221")                                                                          \
  X(H223, "H223", "H223")                                                                          \
  X(H226, "H226", "H226")                                                                          \
  X(HandOff, "HandOff", "HO")                                                                      \
  X(ImmAckRequired, "ImmAckRequired", "IA")                                                        \
  X(Inactive, "Inactive", "IN")                                                                    \
  X(Isolate, "Isolate", "IS")                                                                      \
  X(InSvc, "InService", "IV")                                                                      \
  X(InterruptByEvent, "IntByEvent", "IBE")                                                         \
  X(InterruptByNewSignalsDescr, "IntBySigDescr", "IBS")                                            \
  X(KeepActive, "KeepActive", "KA")                                                                \
  X(Local, "Local", "L")                                                                           \
  X(LocalControl, "LocalControl", "O")                                                             \
  X(LockStep, "LockStep", "SP")                                                                    \
  X(Loopback, "Loopback", "LB")                                                                    \
  X(Media, "Media", "M")                                                                           \
  X(Megacop, "MEGACO", "!")                                                                        \
  X(Method, "Method", "MT")                                                                        \
  X(MgcId, "MgcIdToTry", "MG")                                                                     \
  X(Mode, "Mode", "MO")                                                                            \
  X(Modify, "Modify", "MF")                                                                        \
  X(Modem, "Modem", "MD")                                                                          \
  X(Move, "Move", "MV")                                                                            \
  X(MTP, "MTP", "MTP")                                                                             \
  X(Mux, "Mux", "MX")                                                                              \
  X(Notify, "Notify", "N")                                                                         \
  X(NotifyCompletion, "NotifyCompletion", "NC")                                                    \
  X(ObservedEvents, "ObservedEvents", "OE")                                                        \
  X(Oneway, "Oneway", "OW")                                                                        \
  X(OnOff, "OnOff", "OO")                                                                          \
  X(OtherReason, "OtherReason", "OR")                                                              \
  X(OutOfSvc, "OutOfService", "OS")                                                                \
  X(Packages, "Packages", "PG")                                                                    \
  X(Pending, "Pending", "PN")                                                                      \
  X(Priority, "Priority", "PR")                                                                    \
  X(Profile, "Profile", "PF")                                                                      \
  X(Reason, "Reason", "RE")                                                                        \
  X(Recvonly, "ReceiveOnly", "RC")                                                                 \
  X(Reply, "Reply", "P")                                                                           \
  X(Restart, "Restart", "RS")                                                                      \
  X(Remote, "Remote", "R")                                                                         \
  X(ReservedGroup, "ReservedGroup", "RG")                                                          \
  X(ReservedValue, "ReservedValue", "RV")                                                          \
  X(Sendonly, "SendOnly", "SO")                                                                    \
  X(Sendrecv, "SendReceive", "SR")                                                                 \
  X(Services, "Services", "SV")                                                                    \
  X(ServiceStates, "ServiceStates", "SI")                                                          \
  X(ServiceChange, "ServiceChange", "SC")                                                          \
  X(ServiceChangeAddress, "ServiceChangeAddress", "AD")                                            \
  X(SignalList, "SignalList", "SL")                                                                \
  X(Signals, "Signals", "SG")                                                                      \
  X(SignalType, "SignalType", "SY")                                                                \
  X(Stats, "Statistics", "SA")                                                                     \
  X(Stream, "Stream", "ST")                                                                        \
  X(Subtract, "Subtract", "S")                                                                     \
  X(TerminationState, "TerminationState", "TS")                                                    \
  X(Test, "Test", "TE")                                                                            \
  X(TimeOut, "TimeOut", "TO")                                                                      \
  X(Topology, "Topology", "TP")                                                                    \
  X(Trans, "Transaction", "T")                                                                     \
  X(ResponseAck, "TransactionResponseAck", "K")                                                    \
  X(V76, "V76", "V76")                                                                             \
  X(Version, "Version", "V")

enum class Tok : uint8_t {
#define MGC_H248_TOK_ENUM_(id, l, s) id,
  MGC_H248_TOKENS(MGC_H248_TOK_ENUM_)
#undef MGC_H248_TOK_ENUM_
};

struct TokenSpelling {
  std::string_view long_name, short_name;
};

inline constexpr std::array kTokens{
#define MGC_H248_TOK_SPELL_(id, l, s) TokenSpelling{l, s},
    MGC_H248_TOKENS(MGC_H248_TOK_SPELL_)
#undef MGC_H248_TOK_SPELL_
};

constexpr const TokenSpelling &spelling(Tok t) { return kTokens[static_cast<size_t>(t)]; }

// The model's enums in text, each table indexed by the enum's value (message.h order).
inline constexpr Tok kCommandTok[] = {Tok::Add,        Tok::Modify,   Tok::Subtract, Tok::Move,
                                      Tok::AuditValue, Tok::AuditCap, Tok::Notify,
                                      Tok::ServiceChange};            // CommandType
inline constexpr Tok kModeTok[] = {Tok::Sendonly, Tok::Recvonly, Tok::Sendrecv, Tok::Inactive,
                                   Tok::Loopback};                    // StreamMode
inline constexpr Tok kSignalTypeTok[] = {Tok::OnOff, Tok::TimeOut, Tok::Brief}; // SignalType
inline constexpr Tok kMethodTok[] = {Tok::Failover, Tok::Forced,       Tok::Graceful,
                                     Tok::Restart,  Tok::Disconnected, Tok::HandOff}; // Method
// B.2 notificationReason by SignalRequest::notify_completion bit (Annex A NotifyCompletion).
inline constexpr Tok kNotifyReasonTok[] = {Tok::TimeOut, Tok::InterruptByEvent,
                                           Tok::InterruptByNewSignalsDescr, Tok::OtherReason};
// B.2 auditItem by AuditItem bit (Annex A auditToken bit order).
inline constexpr Tok kAuditItemTok[] = {Tok::Mux,     Tok::Modem,          Tok::Media,
                                        Tok::Events,  Tok::Signals,        Tok::DigitMap,
                                        Tok::Stats,   Tok::ObservedEvents, Tok::Packages,
                                        Tok::EventBuffer};

constexpr char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

constexpr bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

// B.2 SafeChar: the characters of NAME, VALUE (unquoted), pkgdName and TerminationID.
constexpr bool safe_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  for (char s : std::string_view("+-&!_/'?@^`~*$\\()%|."))
    if (c == s)
      return true;
  return false;
}

// B.3: either spelling, any case.
constexpr bool is(std::string_view word, Tok t) {
  const auto &s = spelling(t);
  return iequals(word, s.short_name) || iequals(word, s.long_name);
}

// The index of the token in `table` that `word` spells, or -1.
template <size_t N> constexpr int find(std::string_view word, const Tok (&table)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (is(word, table[i]))
      return int(i);
  return -1;
}

} // namespace mgc::h248::text
