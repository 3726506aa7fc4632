// Benchmark of the backoff failure model (`jobop backoff-sim --uptime 0`):
// 600 failures x 100,000 runs of the default policy. Reports failures per
// second and the ratio to a baseline measured in the same run: a bare loop
// drawing the same number of random doubles from the same generator, i.e.
// the cost floor of any simulation with one jitter draw per failure.
//
// Usage: bench_failure_model [runs] [repeats]
#include <jobop/backoff/failure_model.hpp>
#include <jobop/backoff/rng.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Draw `count` doubles, as the model draws one per failure; return the time.
double baseline(std::int64_t count, std::uint64_t seed, double& sink) {
  const auto start = Clock::now();
  jobop::backoff::Rng rng(seed);
  double sum = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    sum += rng.next_double();
  }
  sink += sum;
  return seconds_since(start);
}

} // namespace

int main(int argc, char** argv) {
  const std::int64_t runs = argc > 1 ? std::stoll(argv[1]) : 100'000;
  const int repeats = argc > 2 ? std::stoi(argv[2]) : 5;
  const jobop::backoff::BackoffConfig config; // the engine's defaults, jitter 0.5
  jobop::backoff::FailureModelParams params;
  params.uptime = 0;
  params.runs = runs;

  double best_model = 1e300;
  double best_baseline = 1e300;
  std::int64_t failures = 0;
  double sink = 0;
  for (int i = 0; i < repeats; ++i) {
    params.seed = static_cast<std::uint64_t>(i) + 1;
    const auto start = Clock::now();
    const auto result = jobop::backoff::run_failure_model(config, params);
    best_model = std::min(best_model, seconds_since(start));
    failures = result.failures;
    sink += static_cast<double>(result.time_to_terminate->p50);
    best_baseline = std::min(best_baseline, baseline(failures, params.seed, sink));
  }
  const double model_rate = static_cast<double>(failures) / best_model;
  const double baseline_rate = static_cast<double>(failures) / best_baseline;
  std::printf("failure model: %lld runs x %lld failures = %lld failures (best of %d)\n",
              static_cast<long long>(runs), static_cast<long long>(config.max_try_time),
              static_cast<long long>(failures), repeats);
  std::printf("  model:    %.3f s, %.1f M failures/s\n", best_model, model_rate / 1e6);
  std::printf("  baseline: %.3f s, %.1f M draws/s (bare RNG loop, same count)\n", best_baseline,
              baseline_rate / 1e6);
  std::printf("  ratio model/baseline time: %.2fx\n", best_model / best_baseline);
  std::printf("  target >= 50 M failures/s: %s\n", model_rate >= 50e6 ? "met" : "NOT met");
  std::printf("(checksum %g)\n", sink);
  return 0;
}
