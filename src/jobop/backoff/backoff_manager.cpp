#include <jobop/backoff/backoff_manager.hpp>

#include <jobop/backoff/rng.hpp>

namespace jobop::backoff {

BackoffManager::BackoffManager(const BackoffConfig& config, std::uint64_t seed)
  : m_config(std::make_unique<const BackoffConfig>(config)), m_seed(seed) {
  validate(*m_config);
}

JobBackoff& BackoffManager::entry(const std::string& job_id) {
  auto it = m_jobs.find(job_id);
  if (it == m_jobs.end()) {
    it = m_jobs.emplace(job_id, JobBackoff(*m_config, job_rng(m_seed, job_id))).first;
  }
  return it->second;
}

void BackoffManager::job_online(const std::string& job_id, core::UnixNanos now) {
  entry(job_id).success(now);
}

void BackoffManager::job_fail(const std::string& job_id, core::UnixNanos now) {
  entry(job_id).fail(now);
}

void BackoffManager::job_terminate(const std::string& job_id) {
  m_jobs.erase(job_id);
}

bool BackoffManager::allow(const std::string& job_id, core::UnixNanos now) const {
  const JobBackoff* job = find(job_id);
  return job == nullptr || job->allow(now);
}

bool BackoffManager::terminate(const std::string& job_id) const {
  const JobBackoff* job = find(job_id);
  return job != nullptr && job->terminate();
}

const JobBackoff* BackoffManager::find(const std::string& job_id) const {
  const auto it = m_jobs.find(job_id);
  return it == m_jobs.end() ? nullptr : &it->second;
}

} // namespace jobop::backoff
