// declouder: the command-line program. Every command lives in src/app/cmd_*.cpp.
#include "app/cli.hpp"

int main(int argc, char** argv) { return declouder::run_cli(argc, argv); }
