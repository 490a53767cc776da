// rk7sim: a simulated r_keeper 7 cash server (XML interface) for demos,
// integration tests and benchmarks. See docs/rk7sim.md.
#include "rk7sim/simulator.hpp"

#include <exception>
#include <iostream>
#include <stdexcept>

int main(int argc, char** argv) {
  rkgate::rk7sim::sim_options options;
  try {
    options = rkgate::rk7sim::parse_command_line(argc, argv);
  } catch (const std::invalid_argument& e) {
    if (*e.what())
      std::cerr << "rk7sim: " << e.what() << "\n";
    std::cerr << rkgate::rk7sim::usage();
    return 2;
  }
  try {
    return rkgate::rk7sim::run_simulator(options);
  } catch (const std::exception& e) {
    std::cerr << "rk7sim: " << e.what() << "\n";
    return 1;
  }
}
