#include "app_context.hpp"
namespace app {
void add_geoip_commands(CLI::App&, Context&) {}
}
