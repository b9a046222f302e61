// Logging for every layer that has state (transactions, transports, ASP/AS machines, call
// agents, call control, the processes), through libosmocore's logging: categories with a level
// each, targets (stderr, file, syslog) and their levels set in the config or live over the VTY
// (`log stderr` / `logging level sip debug`, logging_vty_add_cmds()). Pure codecs never log
// (STYLE.md practice 3): they return a Status the layer above may log.
//
//   MGC_LOG(Sip, Notice, "400 sent for %s from %s: %s", method, peer, reason);
//   MGC_LOGC(ctx, Cc, Info, "IAM sent, T7 started");  // "call 12 tg pstn-a cic 5 ...: IAM sent"
//
// Both check the level first (log_check_level): arguments are not formatted, nor is a context
// prefix built, when no target wants the line. Before mgc::log::init() nothing is logged (unit
// tests of a layer run without it). This header includes no libosmocore header, so a layer's
// users do not see C headers; core/log.cpp is the only place they meet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// The categories, declared once: X(id, name, description, default level, colour). `name` is
// the libosmocore category name ("D" + upper case); the VTY calls it by the rest in lower case
// (`logging level isup info`). Default levels: notice for the protocol layers and alarms (one
// line per significant event: state changes, errors sent or received, timeouts, an alarm raised
// or cleared), info for the process (start-up, configuration) and for call control (one line per
// call event: offered, routed, answered, released). Per-message detail is debug.
#define MGC_LOG_CATEGORIES(X)                                                                      \
  X(Main, "DMAIN", "Process start-up, configuration and shutdown (mgcd, pstn-sim)", Info, NORMAL)  \
  X(Alarm, "DALARM", "Alarms raised and cleared (show alarms)", Notice, RED)                       \
  X(Isup, "DISUP", "ISUP user part: Q.764 message handling, MTP-PAUSE/RESUME/STATUS", Notice,      \
    GREEN)                                                                                         \
  X(M3ua, "DM3UA", "M3UA (RFC 4666): ASP/AS states, ERR, NTFY, associations", Notice, BLUE)        \
  X(Sip, "DSIP", "SIP (RFC 3261): transports, transactions, requests refused", Notice, CYAN)       \
  X(Mgcp, "DMGCP", "MGCP call agent (RFC 3435): gateways, transactions, errors", Notice, YELLOW)    \
  X(H248, "DH248", "H.248.1 MGC: gateways, ServiceChange, transactions, errors", Notice, PURPLE)   \
  X(Cc, "DCC", "Call control: calls, circuits, Q.764 maintenance", Info, BRIGHTWHITE)              \
  X(Cdr, "DCDR", "Call detail records: the CDR file", Notice, DARKGREEN)

namespace mgc::log {

// libosmocore's levels (logging.h LOGL_*; log.cpp checks they agree).
enum class Level : uint8_t { Debug = 1, Info = 3, Notice = 5, Error = 7, Fatal = 8 };

enum class Category : int {
#define MGC_LOG_X(id, name, desc, level, colour) id,
  MGC_LOG_CATEGORIES(MGC_LOG_X)
#undef MGC_LOG_X
};
inline constexpr std::size_t kCategoryCount = 0
#define MGC_LOG_X(id, name, desc, level, colour) +1
    MGC_LOG_CATEGORIES(MGC_LOG_X)
#undef MGC_LOG_X
    ;

struct CategoryInfo {
  Category id;
  std::string_view name;     // "DISUP"
  std::string_view vty_name; // "isup"
  std::string_view description;
  Level default_level;
};
// Every category, in declaration order (index = Category value).
std::span<const CategoryInfo> categories();

// Registers the categories with libosmocore (log_init) under the talloc context `ctx`. No
// target is added: the config's `log` blocks add them, or add_default_target() does.
void init(void *ctx);
bool initialized();
// True when a log target exists (the config had a `log` block).
bool has_target();
// True when one of the targets is stderr (then a program need not print there itself).
bool logs_to_stderr();
// stderr at the categories' default levels, with category and level on each line and colour
// only on a terminal: what a process logs to when its config names no target.
void add_default_target();

// True when some target would print a line of this category and level.
bool enabled(Category c, Level l);
// Writes one line (printf-style); the macros below check enabled() first.
void write(Category c, Level l, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

// What identifies a call on its log lines. Absent fields are left out of the prefix: a zero
// call_ref, an empty trunk group or Call-ID, kNoCic (a CIC has 12 bits in ITU-T Q.763 §1.2 and 14
// in ANSI T1.113, so 0xffff is never one).
struct CallContext {
  static constexpr uint16_t kNoCic = 0xffff;
  uint32_t call_ref = 0;
  std::string_view trunk_group;
  uint16_t cic = kNoCic;
  std::string_view call_id;
};
// "call 12 tg pstn-a cic 5 call-id abc@host: " (empty when every field is absent).
std::string prefix(const CallContext &ctx);
void write_call(const CallContext &ctx, Category c, Level l, const char *file, int line,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));

} // namespace mgc::log

#define MGC_LOG(cat, level, fmt, ...)                                                              \
  do {                                                                                             \
    if (::mgc::log::enabled(::mgc::log::Category::cat, ::mgc::log::Level::level))                  \
      ::mgc::log::write(::mgc::log::Category::cat, ::mgc::log::Level::level, __FILE__, __LINE__,   \
                        fmt __VA_OPT__(, ) __VA_ARGS__);                                           \
  } while (0)

// ctx: a CallContext expression (a braced initialiser needs parentheses around it: the macro
// would split it at its commas).
#define MGC_LOGC(ctx, cat, level, fmt, ...)                                                        \
  do {                                                                                             \
    if (::mgc::log::enabled(::mgc::log::Category::cat, ::mgc::log::Level::level))                  \
      ::mgc::log::write_call((ctx), ::mgc::log::Category::cat, ::mgc::log::Level::level, __FILE__, \
                             __LINE__, fmt __VA_OPT__(, ) __VA_ARGS__);                            \
  } while (0)
