// core/log.h: the category table as libosmocore sees it, the call-context prefix, and the
// macros' level check (nothing formatted when no target wants the line).
#include "core/log.h"

#include "core/osmo.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using mgc::log::CallContext;
using mgc::log::Category;
using mgc::log::Level;

// A libosmocore target that keeps what it is given, one string per line.
struct Capture {
  log_target *t = nullptr;
  static std::vector<std::string> lines;
  Capture() {
    void *ctx = talloc_named_const(nullptr, 0, "log_test");
    mgc::log::init(ctx);
    lines.clear();
    t = log_target_create();
    t->output = [](log_target *, unsigned, const char *s) { lines.emplace_back(s); };
    log_set_all_filter(t, 1);
    log_set_print_category(t, 1);
    log_set_print_category_hex(t, 0);
    log_set_print_level(t, 1);
    log_set_print_filename2(t, LOG_FILENAME_NONE);
    log_set_use_color(t, 0);
    log_add_target(t);
  }
  ~Capture() { log_target_destroy(t); } // also takes it off the target list
};
std::vector<std::string> Capture::lines;

TEST(LogCategories, NamesAreUniqueAndFollowLibosmocoresConvention) {
  std::set<std::string_view> names, vty;
  for (const auto &c : mgc::log::categories()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_TRUE(vty.insert(c.vty_name).second) << c.vty_name;
    ASSERT_GE(c.name.size(), 2u);
    EXPECT_EQ(c.name[0], 'D') << c.name;
    // the VTY name is the rest in lower case (libosmocore strips the D)
    std::string lower;
    for (char ch : c.name.substr(1))
      lower += char(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_EQ(c.vty_name, lower);
    EXPECT_TRUE(c.default_level == Level::Notice || c.default_level == Level::Info) << c.name;
    EXPECT_FALSE(c.description.empty());
  }
  EXPECT_EQ(mgc::log::categories().size(), mgc::log::kCategoryCount);
  for (std::string_view want : {"isup", "m3ua", "sip", "mgcp", "h248", "cc", "cdr", "main", "alarm"})
    EXPECT_TRUE(vty.count(want)) << want;
}

TEST(LogCategories, EveryCategoryIsRegisteredWithLibosmocore) {
  Capture cap;
  ASSERT_TRUE(mgc::log::initialized());
  ASSERT_GE(osmo_log_info->num_cat, mgc::log::kCategoryCount);
  for (const auto &c : mgc::log::categories()) {
    const int i = int(c.id);
    EXPECT_EQ(std::string_view(log_category_name(i)), c.name);
    EXPECT_EQ(std::string_view(osmo_log_info->cat[i].description), c.description);
    EXPECT_EQ(osmo_log_info->cat[i].loglevel, uint8_t(c.default_level)) << c.name;
    // what `logging level NAME LEVEL` parses (the VTY's category argument)
    EXPECT_EQ(log_parse_category(std::string(c.vty_name).c_str()), i) << c.vty_name;
  }
}

TEST(LogContext, PrefixWithEveryField) {
  CallContext ctx{12, "pstn-a", 5, "abc@host"};
  EXPECT_EQ(mgc::log::prefix(ctx), "call 12 tg pstn-a cic 5 call-id abc@host: ");
}

TEST(LogContext, AbsentFieldsAreLeftOut) {
  EXPECT_EQ(mgc::log::prefix(CallContext{}), "");
  CallContext sip_only;
  sip_only.call_ref = 7;
  sip_only.call_id = "x@y";
  EXPECT_EQ(mgc::log::prefix(sip_only), "call 7 call-id x@y: ");
  CallContext circuit;
  circuit.trunk_group = "tg1";
  circuit.cic = 0; // CIC 0 is a CIC
  EXPECT_EQ(mgc::log::prefix(circuit), "tg tg1 cic 0: ");
}

int evaluated = 0;
int count_evaluation() { return ++evaluated; }

TEST(LogMacros, LineCarriesCategoryLevelAndContext) {
  Capture cap;
  CallContext ctx{3, "pstn-a", 17, "c1@h"};
  MGC_LOGC(ctx, Cc, Notice, "REL sent, cause %d", 16);
  ASSERT_EQ(Capture::lines.size(), 1u);
  EXPECT_NE(Capture::lines[0].find("DCC"), std::string::npos) << Capture::lines[0];
  EXPECT_NE(Capture::lines[0].find("NOTICE"), std::string::npos) << Capture::lines[0];
  EXPECT_NE(Capture::lines[0].find("call 3 tg pstn-a cic 17 call-id c1@h: REL sent, cause 16\n"),
            std::string::npos)
      << Capture::lines[0];
  MGC_LOG(M3ua, Error, "plain %s", "line");
  ASSERT_EQ(Capture::lines.size(), 2u);
  EXPECT_NE(Capture::lines[1].find("plain line\n"), std::string::npos) << Capture::lines[1];
}

TEST(LogMacros, NothingIsFormattedBelowTheLevel) {
  Capture cap;
  evaluated = 0;
  // sip's default level is notice: info and debug lines are off
  MGC_LOG(Sip, Info, "%d", count_evaluation());
  MGC_LOGC((CallContext{1, "tg", 2, "id"}), Sip, Debug, "%d", count_evaluation());
  EXPECT_EQ(evaluated, 0);
  EXPECT_TRUE(Capture::lines.empty());
  // raised live (what `logging level sip debug` does): on at once
  log_set_category_filter(cap.t, int(Category::Sip), 1, LOGL_DEBUG);
  MGC_LOG(Sip, Debug, "%d", count_evaluation());
  EXPECT_EQ(evaluated, 1);
  EXPECT_EQ(Capture::lines.size(), 1u);
}

} // namespace
