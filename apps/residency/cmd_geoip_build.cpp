#include "app_context.hpp"
namespace app {
void add_geoip_build_command(CLI::App&, Context&) {}
}
