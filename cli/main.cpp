#include <cli/run.hpp>

int main(int argc, char** argv) {
  return jobop::cli::run(argc, argv);
}
