// H.248.1 message model (ITU-T H.248.1 clause 7 commands and descriptors, Annex A ASN.1 shape).
// One typed model serves both encodings: the text codec (Annex B) and the binary codec (Annex A)
// read and write the same structures, so a message decoded from one encoding re-encodes in the
// other. Names stay in their text form ("tdmc/ec"); the binary codec maps them through the
// package catalogue (h248/packages.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mgc::h248 {

// Clause 7.1.18 / Annex A MId.
struct Mid {
  enum class Kind : uint8_t { Ip4, Ip6, Domain, Device, Mtp, PortOnly };
  Kind kind = Kind::Ip4;
  std::string address;           // "10.0.0.1", "2001:db8::1", "mg1.example.net", device path, hex
  std::optional<uint16_t> port;  // ":2944"
  bool operator==(const Mid &) const = default;
};

// Clause 6.1.1 context identifiers; the three special values of Annex A ContextID.
using ContextId = uint32_t;
inline constexpr ContextId kNullContext = 0;            // '-'
inline constexpr ContextId kChooseContext = 0xFFFFFFFE; // '$'
inline constexpr ContextId kAllContexts = 0xFFFFFFFF;   // '*'

// Termination identifiers are kept in their text form: "ROOT", "$", "*", "ds/1/5", "RTP/$".
struct TerminationId {
  std::string text;
  // B.2 TerminationID "ROOT" is a token, so any case.
  bool is_root() const {
    return text.size() == 4 && (text[0] | 0x20) == 'r' && (text[1] | 0x20) == 'o' &&
           (text[2] | 0x20) == 'o' && (text[3] | 0x20) == 't';
  }
  bool operator==(const TerminationId &) const = default;
};

// PropertyParm (Annex A) / propertyParm (Annex B): one name, one or more values and how the
// values relate (B.2 parmValue: "=", "#", ">", "<", [a,b] AND list, {a,b} OR list, [a:b] range).
struct PropertyParm {
  enum class Rel : uint8_t { Equal, NotEqual, Greater, Less, Sublist, Alternatives, Range };
  std::string name;
  Rel rel = Rel::Equal;
  std::vector<std::string> values;
  bool operator==(const PropertyParm &) const = default;
};

// SDP inside Local/Remote (clause 7.1.8): each group is one SDP session description, kept as its
// lines (type letter and value) since Annex A carries them as PropertyParms named "v", "o", ...
struct SdpLine {
  char type = 'v';
  std::string value;
  bool operator==(const SdpLine &) const = default;
};
using SdpGroup = std::vector<SdpLine>;
struct LocalRemote {
  std::vector<SdpGroup> groups;
  bool operator==(const LocalRemote &) const = default;
};

enum class StreamMode : uint8_t { SendOnly, RecvOnly, SendRecv, Inactive, LoopBack };

// Clause 7.1.7 LocalControl.
struct LocalControl {
  std::optional<StreamMode> mode;
  std::optional<bool> reserve_value;
  std::optional<bool> reserve_group;
  std::vector<PropertyParm> props;
  bool operator==(const LocalControl &) const = default;
};

struct StreamParms {
  std::optional<LocalControl> local_control;
  std::optional<LocalRemote> local;
  std::optional<LocalRemote> remote;
  bool operator==(const StreamParms &) const = default;
};

// A stream with no id is the single-stream shorthand of B.2 streamParm / Annex A oneStream.
struct Stream {
  std::optional<uint16_t> id;
  StreamParms parms;
  bool operator==(const Stream &) const = default;
};

enum class ServiceState : uint8_t { Test, OutOfService, InService };
enum class EventBufferControl : uint8_t { Off, LockStep };

// Clause 7.1.5 TerminationState.
struct TerminationState {
  std::optional<ServiceState> service_state;
  std::optional<EventBufferControl> event_buffer_control;
  std::vector<PropertyParm> props;
  bool operator==(const TerminationState &) const = default;
};

// Clause 7.1.4 Media.
struct MediaDescriptor {
  std::optional<TerminationState> termination_state;
  std::vector<Stream> streams;
  bool operator==(const MediaDescriptor &) const = default;
};

// Clause 7.1.11 Signals.
enum class SignalType : uint8_t { OnOff, TimeOut, Brief };
struct SignalRequest {
  std::string name;
  std::optional<uint16_t> stream;
  std::optional<SignalType> type;
  std::optional<uint32_t> duration;
  uint8_t notify_completion = 0; // NC bits, B.2 notificationReason order: TO EM SO IS
  bool keep_active = false;
  std::vector<PropertyParm> params;
  bool operator==(const SignalRequest &) const = default;
};
struct SignalParm {
  std::optional<uint16_t> list_id; // SL=id{...}: a signal list; otherwise exactly one signal
  std::vector<SignalRequest> signals;
  bool operator==(const SignalParm &) const = default;
};
struct SignalsDescriptor {
  std::vector<SignalParm> signals; // empty = "Signals{}" (stop all signals)
  bool operator==(const SignalsDescriptor &) const = default;
};

// Clause 7.1.14 DigitMap.
struct DigitMapValue {
  std::optional<uint8_t> start_timer, short_timer, long_timer, duration_timer;
  std::string body;
  bool operator==(const DigitMapValue &) const = default;
};
struct DigitMapDescriptor {
  std::string name;
  std::optional<DigitMapValue> value;
  bool operator==(const DigitMapDescriptor &) const = default;
};

// Clause 7.1.9 Events (embedded signals and events of B.2 embedFirst / Annex A SecondEvents).
struct RequestedEvent;
struct EmbeddedEvents {
  std::optional<SignalsDescriptor> signals;
  std::optional<uint32_t> request_id;
  std::vector<RequestedEvent> events;
  bool operator==(const EmbeddedEvents &) const;
};
struct RequestedEvent {
  std::string name;
  std::optional<uint16_t> stream;
  bool keep_active = false;
  std::optional<DigitMapDescriptor> digit_map;
  std::vector<EmbeddedEvents> embed; // zero or one
  std::vector<PropertyParm> params;
  bool operator==(const RequestedEvent &) const = default;
};
inline bool EmbeddedEvents::operator==(const EmbeddedEvents &o) const {
  return signals == o.signals && request_id == o.request_id && events == o.events;
}
struct EventsDescriptor {
  std::optional<uint32_t> request_id; // absent = "Events" alone (clear all events)
  std::vector<RequestedEvent> events;
  bool operator==(const EventsDescriptor &) const = default;
};

// Clause 7.1.17 ObservedEvents; also the EventSpec list of EventBuffer (7.1.10).
struct ObservedEvent {
  std::string name;
  std::string timestamp; // "20081205T10120025" or empty
  std::optional<uint16_t> stream;
  std::vector<PropertyParm> params;
  bool operator==(const ObservedEvent &) const = default;
};
struct ObservedEventsDescriptor {
  uint32_t request_id = 0;
  std::vector<ObservedEvent> events;
  bool operator==(const ObservedEventsDescriptor &) const = default;
};
struct EventBufferDescriptor {
  std::vector<ObservedEvent> events;
  bool operator==(const EventBufferDescriptor &) const = default;
};

// Clause 7.1.15 Statistics.
struct StatisticsDescriptor {
  std::vector<PropertyParm> stats; // values empty when only the name is given
  bool operator==(const StatisticsDescriptor &) const = default;
};

// Clause 7.1.16 Packages.
struct PackagesDescriptor {
  struct Item {
    std::string name;
    uint16_t version = 1;
    bool operator==(const Item &) const = default;
  };
  std::vector<Item> items;
  bool operator==(const PackagesDescriptor &) const = default;
};

// Clause 7.1.3 Mux.
struct MuxDescriptor {
  enum class Type : uint8_t { H221, H223, H226, V76, Nx64k };
  Type type = Type::H221;
  std::vector<TerminationId> terminations;
  bool operator==(const MuxDescriptor &) const = default;
};

// Clause 7.1.13 Audit: the descriptors asked for, as bits of AuditItem (Annex A IndAudit aside).
enum AuditItem : uint16_t {
  kAuditMux = 1 << 0,
  kAuditModem = 1 << 1,
  kAuditMedia = 1 << 2,
  kAuditEvents = 1 << 3,
  kAuditSignals = 1 << 4,
  kAuditDigitMap = 1 << 5,
  kAuditStatistics = 1 << 6,
  kAuditObservedEvents = 1 << 7,
  kAuditPackages = 1 << 8,
  kAuditEventBuffer = 1 << 9,
};
struct AuditDescriptor {
  uint16_t items = 0;
  bool operator==(const AuditDescriptor &) const = default;
};
// In a reply's terminationAudit, a bare token (B.2 auditReturnItem) names an empty descriptor.
struct AuditReturnItem {
  uint16_t item = 0;
  bool operator==(const AuditReturnItem &) const = default;
};

// Clause 7.1.19 / Annex A ErrorDescriptor.
struct ErrorDescriptor {
  uint16_t code = 0;
  std::string text;
  bool operator==(const ErrorDescriptor &) const = default;
};

// Clause 7.2.8 ServiceChange parameters (request) and the reply's ServiceChangeResParm.
enum class ServiceChangeMethod : uint8_t { Failover, Forced, Graceful, Restart, Disconnected,
                                           Handoff };
struct ServiceChangeDescriptor {
  std::optional<ServiceChangeMethod> method; // absent in replies
  std::string reason;                        // "901 Cold Boot" (quoted value kept unquoted)
  std::optional<uint32_t> delay;
  std::optional<Mid> address;
  std::optional<Mid> mgc_id;
  std::string profile; // "ResGW/1"
  std::optional<uint32_t> version;
  std::string timestamp;
  bool operator==(const ServiceChangeDescriptor &) const = default;
};

using Descriptor =
    std::variant<MediaDescriptor, EventsDescriptor, SignalsDescriptor, DigitMapDescriptor,
                 AuditDescriptor, ObservedEventsDescriptor, StatisticsDescriptor, ErrorDescriptor,
                 ServiceChangeDescriptor, EventBufferDescriptor, PackagesDescriptor,
                 MuxDescriptor, AuditReturnItem>;

// Clause 7.2 commands.
enum class CommandType : uint8_t { Add, Modify, Subtract, Move, AuditValue, AuditCapabilities,
                                   Notify, ServiceChange };

struct Command {
  CommandType type = CommandType::Add;
  bool optional = false;      // "O-" (B.2 commandRequest) — requests only
  bool wildcard_reply = false; // "W-"
  std::vector<TerminationId> terminations;
  // Requests: the command's descriptors. Replies: the terminationAudit (auditReturnParameter
  // list), the Notify/ServiceChange error or the ServiceChange result.
  std::vector<Descriptor> descriptors;
  // AuditValue/AuditCapabilities reply that lists a context's terminations ("AV=Ctx{...}").
  bool context_audit_reply = false;
  bool operator==(const Command &) const = default;
};

// The descriptors a command request cannot go without (B.2 notifyRequest,
// serviceChangeRequest, auditRequest; Annex A NotifyRequest, ServiceChangeRequest, AuditRequest).
inline bool has_mandatory_descriptors(const Command &c) {
  auto has = [&](auto pred) {
    for (const auto &d : c.descriptors)
      if (pred(d))
        return true;
    return false;
  };
  switch (c.type) {
  case CommandType::Notify:
    return has([](const Descriptor &d) { return std::holds_alternative<ObservedEventsDescriptor>(d); });
  case CommandType::ServiceChange:
    return has([](const Descriptor &d) {
      const auto *s = std::get_if<ServiceChangeDescriptor>(&d);
      return s && s->method.has_value();
    });
  case CommandType::AuditValue:
  case CommandType::AuditCapabilities:
    return has([](const Descriptor &d) { return std::holds_alternative<AuditDescriptor>(d); });
  default:
    return true;
  }
}

enum class TopologyDirection : uint8_t { Bothway, Isolate, Oneway };
struct Topology {
  TerminationId from, to;
  TopologyDirection direction = TopologyDirection::Bothway;
  bool operator==(const Topology &) const = default;
};

// Clause 6.1 context properties (B.2 contextProperty).
struct ContextRequest {
  std::optional<uint8_t> priority;
  std::optional<bool> emergency;
  std::vector<Topology> topology;
  bool empty() const { return !priority && !emergency && topology.empty(); }
  bool operator==(const ContextRequest &) const = default;
};

// ActionRequest / ActionReply: one context and its commands.
struct Action {
  ContextId context = kNullContext;
  ContextRequest properties;
  std::vector<Command> commands;
  std::optional<ErrorDescriptor> error; // replies only
  bool operator==(const Action &) const = default;
};

// Clause 8 transactions.
enum class TransactionKind : uint8_t { Request, Pending, Reply, ResponseAck };
struct AckRange {
  uint32_t first = 0, last = 0;
  bool operator==(const AckRange &) const = default;
};
struct Transaction {
  TransactionKind kind = TransactionKind::Request;
  uint32_t id = 0;
  bool imm_ack_required = false;        // replies
  std::optional<ErrorDescriptor> error;  // a reply that failed as a whole
  std::vector<Action> actions;
  std::vector<AckRange> acks;            // ResponseAck
  bool operator==(const Transaction &) const = default;
};

struct Message {
  uint8_t version = 1;
  Mid mid;
  std::optional<ErrorDescriptor> error; // messageBody errorDescriptor
  std::vector<Transaction> transactions;
  bool operator==(const Message &) const = default;
};

} // namespace mgc::h248
