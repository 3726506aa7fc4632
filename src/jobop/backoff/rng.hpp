#pragma once

#include <cstdint>
#include <string_view>

// The jitter source of the backoff simulations: seeded, 64-bit, fast, and
// split per job so that one job's random stream never depends on another
// job's events (a trace or a Monte Carlo run replays identically).
namespace jobop::backoff {

// SplitMix64 (Steele, Lea, Flood 2014): 8 bytes of state, passes BigCrush,
// and a few instructions per draw, which the failure model needs.
class Rng {
public:
  explicit Rng(std::uint64_t state) : m_state(state) {}

  // Return the next 64 random bits.
  std::uint64_t next_u64() {
    m_state += 0x9E3779B97F4A7C15ULL;
    return mix(m_state);
  }

  // Return a double uniform in [0, 1) from the top 53 bits, as Go's
  // rand.Float64 yields one in [0, 1).
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // The finalizer of SplitMix64: a bijective 64-bit mix.
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

private:
  std::uint64_t m_state;
};

// Return the stream of job `job_id` under `seed` (FNV-1a of the id, mixed
// with the seed). The same (seed, id) always gives the same stream.
inline Rng job_rng(std::uint64_t seed, std::string_view job_id) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char c : job_id) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  }
  return Rng(Rng::mix(seed) ^ Rng::mix(hash));
}

// Return the stream of Monte Carlo run `index` under `seed`.
inline Rng run_rng(std::uint64_t seed, std::uint64_t index) {
  return Rng(Rng::mix(seed ^ Rng::mix(index + 0x632BE59BD9B4E019ULL)));
}

} // namespace jobop::backoff
