// core/log.h over libosmocore's logging (include/osmocom/core/logging.h): the category table
// handed to log_init(), the default stderr target, and the entry points the macros call.
#include "core/log.h"

#include "core/osmo.h"

#include <array>
#include <cstdarg>
#include <cstdio>
#include <unistd.h>

// Exported by libosmocore (logging.c) but not declared in its headers.
extern "C" struct llist_head osmo_log_target_list;

namespace mgc::log {

static_assert(int(Level::Debug) == LOGL_DEBUG && int(Level::Info) == LOGL_INFO &&
              int(Level::Notice) == LOGL_NOTICE && int(Level::Error) == LOGL_ERROR &&
              int(Level::Fatal) == LOGL_FATAL);

namespace {

// "DISUP" -> "isup", at compile time, for the table below.
template <std::size_t N> struct VtyName {
  char s[N - 1] = {};
  constexpr VtyName(const char (&name)[N]) {
    for (std::size_t i = 1; i + 1 < N; ++i)
      s[i - 1] = name[i] >= 'A' && name[i] <= 'Z' ? char(name[i] - 'A' + 'a') : name[i];
  }
};
#define MGC_LOG_X(id, name, desc, level, colour) constexpr VtyName kVty##id{name};
MGC_LOG_CATEGORIES(MGC_LOG_X)
#undef MGC_LOG_X

constexpr CategoryInfo kCategories[] = {
#define MGC_LOG_X(id, name, desc, level, colour)                                                   \
  {Category::id, name, std::string_view(kVty##id.s, sizeof(name) - 2), desc, Level::level},
    MGC_LOG_CATEGORIES(MGC_LOG_X)
#undef MGC_LOG_X
};

// libosmocore's table: complete and in Category order, so the Category value is the subsystem
// number LOGP takes.
const log_info_cat kOsmoCategories[] = {
#define MGC_LOG_X(id, name, desc, level, colour)                                                   \
  {name, OSMO_LOGCOLOR_##colour, desc, uint8_t(Level::level), 1},
    MGC_LOG_CATEGORIES(MGC_LOG_X)
#undef MGC_LOG_X
};

const log_info kInfo = {
    nullptr,
    kOsmoCategories,
    std::size(kOsmoCategories),
    0,
    nullptr,
    nullptr,
};

// log_init() copies the table (adding libosmocore's own categories after ours): whether it was
// ours is remembered here. libosmocore's logging is per process, and so is this.
bool g_initialized = false;

} // namespace

std::span<const CategoryInfo> categories() { return kCategories; }

void init(void *ctx) {
  if (!osmo_log_info && log_init(&kInfo, ctx) == 0)
    g_initialized = true;
}

bool initialized() { return g_initialized; }

bool has_target() { return !llist_empty(&osmo_log_target_list); }

bool logs_to_stderr() { return log_target_find(LOG_TGT_TYPE_STDERR, nullptr) != nullptr; }

void add_default_target() {
  log_target *t = log_target_create_stderr();
  if (!t)
    return;
  log_set_all_filter(t, 1);
  log_set_use_color(t, isatty(STDERR_FILENO));
  log_set_print_category(t, 1);
  log_set_print_category_hex(t, 0);
  log_set_print_level(t, 1);
  log_set_print_filename2(t, LOG_FILENAME_NONE);
  log_set_print_extended_timestamp(t, 1);
  log_add_target(t);
}

bool enabled(Category c, Level l) {
  // log_check_level() asserts a log_info: a layer's unit test runs without one.
  return g_initialized && log_check_level(int(c), unsigned(l));
}

// A line is formatted once here and ends with the newline libosmocore's LOGP callers write
// themselves; longer text is cut at 1 KiB (one log line, never a message dump).
void write(Category c, Level l, const char *file, int line, const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  logp2(int(c), unsigned(l), file, line, 0, "%s\n", text);
}

std::string prefix(const CallContext &ctx) {
  std::string p;
  auto field = [&p](std::string_view name, std::string_view value) {
    if (!p.empty())
      p += ' ';
    p += name;
    p += ' ';
    p += value;
  };
  if (ctx.call_ref)
    field("call", std::to_string(ctx.call_ref));
  if (!ctx.trunk_group.empty())
    field("tg", ctx.trunk_group);
  if (ctx.cic != CallContext::kNoCic)
    field("cic", std::to_string(ctx.cic));
  if (!ctx.call_id.empty())
    field("call-id", ctx.call_id);
  if (!p.empty())
    p += ": ";
  return p;
}

void write_call(const CallContext &ctx, Category c, Level l, const char *file, int line,
                const char *fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  logp2(int(c), unsigned(l), file, line, 0, "%s%s\n", prefix(ctx).c_str(), text);
}

} // namespace mgc::log
