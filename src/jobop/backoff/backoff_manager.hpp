#pragma once

#include <jobop/backoff/backoff_config.hpp>
#include <jobop/backoff/job_backoff.hpp>
#include <jobop/core/clock.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

// The engine's BackoffManager (SPEC §3): one JobBackoff per job id.
namespace jobop::backoff {

class BackoffManager {
public:
  // Validate and keep `config`; each job's jitter stream derives from `seed`
  // and its id, so one job's events never change another's intervals. A job
  // removed by job_terminate and seen again starts its stream afresh.
  BackoffManager(const BackoffConfig& config, std::uint64_t seed);

  // The job came online at `now`; create its entry on demand.
  void job_online(const std::string& job_id, core::UnixNanos now);
  // The job failed at `now`; create its entry on demand.
  void job_fail(const std::string& job_id, core::UnixNanos now);
  // The job finished, was canceled or failed for good: forget it.
  void job_terminate(const std::string& job_id);

  // True iff the job may start at `now`; an unknown job may.
  bool allow(const std::string& job_id, core::UnixNanos now) const;
  // True iff the engine gives up on the job; never for an unknown job.
  bool terminate(const std::string& job_id) const;
  // Return the job's backoff, or nullptr for an unknown job.
  const JobBackoff* find(const std::string& job_id) const;
  // The number of jobs with an entry.
  std::size_t size() const { return m_jobs.size(); }

private:
  JobBackoff& entry(const std::string& job_id);

  // Held by pointer so each JobBackoff can point at it across moves.
  std::unique_ptr<const BackoffConfig> m_config;
  std::uint64_t m_seed;
  std::unordered_map<std::string, JobBackoff> m_jobs;
};

} // namespace jobop::backoff
