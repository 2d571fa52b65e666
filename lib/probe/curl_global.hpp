// probe::curl_ready (internal): libcurl's one process-wide curl_global_init, done once before the
// first easy or multi handle. Shared by every libcurl user of lib/probe.
#pragma once

namespace probe {

// Initialise libcurl once; false when it cannot start.
bool curl_ready();

}  // namespace probe
