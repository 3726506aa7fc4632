// Fuzz the JSON backoff config reader (src/jobop/backoff/config_file.hpp);
// the properties are in config_fuzz.hpp.
#include <config_fuzz.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  jobop::fuzz::fuzz_config(data, size, "fuzz.json", jobop::backoff::ConfigFormat::json);
  return 0;
}
