// The one place libosmocore is included from C++. Its headers carry no `extern "C"` and rely on
// GNU extensions (typeof in linuxlist.h), hence gnu++20 (PLATFORM.md).
#pragma once

extern "C" {
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/socket.h>
#include <osmocom/core/talloc.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>
}
