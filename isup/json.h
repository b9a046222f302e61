// JSON view of ISUP messages for mgc-tool, logs and test vectors: message acronym, CIC and every
// parameter with its Q.763 field names. from_json() reads the same form back.
#pragma once

#include "core/status.h"
#include "isup/message.h"
#include "isup/variant.h"

#include <nlohmann/json.hpp>

namespace mgc::isup {

nlohmann::json to_json(const Message &msg, const DecodeOptions &opt);
Status from_json(const nlohmann::json &j, const DecodeOptions &opt, Message &msg);

} // namespace mgc::isup
