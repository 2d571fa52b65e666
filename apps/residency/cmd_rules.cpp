#include "app_context.hpp"
namespace app {
void add_rules_commands(CLI::App&, Context&) {}
}
