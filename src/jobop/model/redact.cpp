#include <jobop/model/redact.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace jobop::model {

namespace {

// Options whose value is secret as a whole.
constexpr std::array<std::string_view, 2> k_secret_options{"--config", "--password"};

bool is_scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

// Replace the password of every `scheme://user:password@` in `text`.
std::string redact_user_info(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t sep = text.find("://", pos);
    if (sep == std::string::npos || sep == 0 || !is_scheme_char(text[sep - 1])) {
      if (sep == std::string::npos) {
        break;
      }
      out.append(text, pos, sep + 3 - pos);
      pos = sep + 3;
      continue;
    }
    const std::size_t authority = sep + 3;
    // The user info ends at the last `@` before the path, query or fragment.
    const std::size_t end = text.find_first_of("/?# ", authority);
    const std::size_t at = text.rfind('@', end == std::string::npos ? text.size() : end);
    const std::size_t colon = text.find(':', authority);
    out.append(text, pos, authority - pos);
    if (at != std::string::npos && at >= authority && colon != std::string::npos && colon < at) {
      out.append(text, authority, colon + 1 - authority);
      out += "***";
      out.append(text, at, 1);
      pos = at + 1;
    } else {
      pos = authority;
    }
  }
  out.append(text, pos, std::string::npos);
  return out;
}

// Replace the value of every secret `key=value` parameter in `text`.
std::string redact_parameters(const std::string& text) {
  static constexpr std::array<std::string_view, 5> k_keys{
    "password=", "passwd=", "pwd=", "token=", "secret="};
  std::string out = text;
  for (const std::string_view key : k_keys) {
    std::size_t pos = 0;
    while ((pos = out.find(key, pos)) != std::string::npos) {
      const bool starts = pos == 0 || out[pos - 1] == '?' || out[pos - 1] == '&' ||
                          out[pos - 1] == ';' || out[pos - 1] == ' ' || out[pos - 1] == '-' ||
                          out[pos - 1] == '_';
      const std::size_t value = pos + key.size();
      if (!starts) {
        pos = value;
        continue;
      }
      const std::size_t end = out.find_first_of("&; ", value);
      const std::size_t stop = end == std::string::npos ? out.size() : end;
      out.replace(value, stop - value, "***");
      pos = value + 3;
    }
  }
  return out;
}

std::string redacted_value(const std::string& value) {
  return "<redacted " + std::to_string(value.size()) + " bytes>";
}

} // namespace

std::string redact_argument(const std::string& arg) {
  return redact_parameters(redact_user_info(arg));
}

std::string redacted_args_json(const std::vector<std::string>& args) {
  nlohmann::json array = nlohmann::json::array();
  std::size_t bytes = 2;
  bool secret_next = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string kept;
    if (secret_next) {
      kept = redacted_value(arg);
      secret_next = false;
    } else {
      kept = redact_argument(arg);
      for (const std::string_view option : k_secret_options) {
        if (arg == option) {
          secret_next = true;
        } else if (arg.size() > option.size() && arg.compare(0, option.size(), option) == 0 &&
                   arg[option.size()] == '=') {
          kept = std::string(option) + "=" + redacted_value(arg.substr(option.size() + 1));
        }
      }
    }
    const std::string dumped =
      nlohmann::json(kept).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (bytes + dumped.size() + 1 > k_max_audit_args_bytes) {
      array.push_back("...(" + std::to_string(args.size() - i) + " more arguments)");
      break;
    }
    bytes += dumped.size() + 1;
    array.push_back(std::move(kept));
  }
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace jobop::model
