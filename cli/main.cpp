#include <cli/output_guard.hpp>
#include <cli/run.hpp>

int main(int argc, char** argv) {
  return jobop::cli::close_stdout(jobop::cli::run(argc, argv));
}
