#include <jobop/backoff/chart.hpp>

#include <jobop/backoff/report.hpp>
#include <jobop/time/go_duration.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace jobop::backoff {

namespace {

// A label's time, rounded as Go's d.Round(time.Second) for a minute or more
// (a person reads "27m11s", not "27m11.184316666s"), to the millisecond below.
std::string label_duration(core::Nanos d) {
  const core::Nanos unit = d >= 60 * core::k_second ? core::k_second : core::k_second / 1000;
  const core::Nanos rounded = d / unit * unit + (d % unit * 2 >= unit ? unit : 0);
  return time::format_go_duration(rounded);
}

using time::format_go_duration;

constexpr double k_width = 860;
constexpr double k_left = 90;
constexpr double k_right = 100;
constexpr double k_top = 64;
constexpr double k_plot_height = 300;
constexpr double k_bottom = 64;

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

// A step for about `count` ticks up to `top` ns that reads well as a Go
// duration: 1-2-5 below a second, then 1, 2, 5, 10, 15, 30 s and min, 1, 2,
// 3, 6, 12 h, then days.
core::Nanos duration_step(core::Nanos top, int count) {
  std::vector<core::Nanos> steps;
  for (core::Nanos p = 1; p < core::k_second; p *= 10) {
    steps.insert(steps.end(), {p, 2 * p, 5 * p});
  }
  for (const core::Nanos unit : {core::k_second, core::k_minute}) {
    for (const int k : {1, 2, 5, 10, 15, 30}) {
      steps.push_back(k * unit);
    }
  }
  for (const int k : {1, 2, 3, 6, 12, 24, 48}) {
    steps.push_back(k * core::k_hour);
  }
  for (core::Nanos days = 5 * 24 * core::k_hour;
       days < std::numeric_limits<core::Nanos>::max() / 20; days *= 2) {
    steps.push_back(days);
  }
  for (const core::Nanos step : steps) {
    if (top / step <= count) {
      return step;
    }
  }
  return steps.back();
}

double nice_count_step(double top, int count) {
  const double raw = std::max(1.0, top / count);
  const double power = std::pow(10, std::floor(std::log10(raw)));
  for (const double k : {1.0, 2.0, 5.0, 10.0}) {
    if (k * power >= raw) {
      return k * power;
    }
  }
  return 10 * power;
}

class Svg {
public:
  Svg(double height, const std::string& title, const std::string& subtitle) {
    m_out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(k_width) << "\" height=\""
          << num(height) << "\" viewBox=\"0 0 " << num(k_width) << ' ' << num(height)
          << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
          << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    text(k_width / 2, 20, title, "middle", 14, "bold");
    text(k_width / 2, 38, subtitle, "middle", 12, "normal", "#444");
  }

  void text(double x, double y, const std::string& s, const char* anchor = "start", int size = 12,
            const char* weight = "normal", const char* fill = "#222", double rotate = 0) {
    m_out << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" text-anchor=\"" << anchor
          << "\" font-size=\"" << size << "\" font-weight=\"" << weight << "\" fill=\"" << fill
          << '"';
    if (rotate != 0) {
      m_out << " transform=\"rotate(" << num(rotate) << ' ' << num(x) << ' ' << num(y) << ")\"";
    }
    m_out << '>' << escaped(s) << "</text>\n";
  }

  void line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1,
            const char* dash = nullptr) {
    m_out << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2)
          << "\" y2=\"" << num(y2) << "\" stroke=\"" << stroke << "\" stroke-width=\"" << num(width)
          << '"';
    if (dash != nullptr) {
      m_out << " stroke-dasharray=\"" << dash << '"';
    }
    m_out << "/>\n";
  }

  void polyline(const std::vector<std::pair<double, double>>& points, const char* stroke,
                double width) {
    m_out << "<polyline fill=\"none\" stroke=\"" << stroke << "\" stroke-width=\"" << num(width)
          << "\" points=\"";
    for (const auto& [x, y] : points) {
      m_out << num(x) << ',' << num(y) << ' ';
    }
    m_out << "\"/>\n";
  }

  void polygon(const std::vector<std::pair<double, double>>& points, const char* fill,
               double opacity) {
    m_out << "<polygon fill=\"" << fill << "\" fill-opacity=\"" << num(opacity)
          << "\" stroke=\"none\" points=\"";
    for (const auto& [x, y] : points) {
      m_out << num(x) << ',' << num(y) << ' ';
    }
    m_out << "\"/>\n";
  }

  void rect(double x, double y, double w, double h, const char* fill) {
    m_out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w)
          << "\" height=\"" << num(h) << "\" fill=\"" << fill << "\"/>\n";
  }

  std::string finish() {
    m_out << "</svg>\n";
    return m_out.str();
  }

private:
  std::ostringstream m_out;
};

// A vertical axis of durations from 0 to `top` at x, ticks to the left
// (`left`) or right.
void duration_axis(Svg& svg, double x, double y0, double height, core::Nanos top, bool left,
                   const char* colour, const std::string& label) {
  svg.line(x, y0, x, y0 + height, "#444");
  const core::Nanos step = duration_step(std::max<core::Nanos>(top, 1), 6);
  for (core::Nanos v = 0; v <= top; v += step) {
    const double y = y0 + height - height * static_cast<double>(v) / static_cast<double>(top);
    svg.line(x, y, left ? x - 5 : x + 5, y, "#444");
    svg.text(left ? x - 8 : x + 8, y + 4, format_go_duration(v), left ? "end" : "start", 11,
             "normal", colour);
    if (v > top - step) {
      break;
    }
  }
  svg.text(left ? x - 72 : x + 84, y0 + height / 2, label, "middle", 12, "normal", colour,
           left ? -90 : 90);
}

// Return the nominal interval at `retry` from the kept rows (the last kept
// row at or before it: exact where rows were omitted, which is where the
// interval no longer changes).
core::Nanos interval_at(const Schedule& schedule, std::int64_t retry) {
  const auto& rows = schedule.rows;
  auto it = std::upper_bound(rows.begin(), rows.end(), retry,
                             [](std::int64_t r, const ScheduleRow& row) { return r < row.retry; });
  return it == rows.begin() ? rows.front().nominal : std::prev(it)->nominal;
}

// The policy line of the tables without its "policy: " and newline.
std::string policy_text(const BackoffConfig& config) {
  const std::string line = policy_line(config);
  return "policy: " + line.substr(8, line.size() - 9);
}

} // namespace

std::string schedule_svg(const BackoffConfig& config, const Schedule& schedule) {
  const double height = k_top + k_plot_height + k_bottom + 30;
  Svg svg(height, "Retry schedule", policy_text(config));
  const double plot_width = k_width - k_left - k_right;
  const double y0 = k_top;
  if (schedule.rows.empty()) {
    svg.text(k_width / 2, y0 + k_plot_height / 2,
             "max-try-time " + std::to_string(config.max_try_time) +
               ": the job is terminated at its first failure, with no retry",
             "middle", 14);
    return svg.finish();
  }
  const std::int64_t n = schedule.total_rows;
  core::Nanos top_interval = 1;
  for (const auto& row : schedule.rows) {
    top_interval = std::max({top_interval, row.max, row.nominal});
  }
  const core::Nanos top_cumulative =
    std::max<core::Nanos>(1, schedule.rows.back().cumulative_nominal);
  const auto x_of = [&](double retry) {
    return k_left +
           (n <= 1 ? plot_width / 2 : plot_width * (retry - 1) / static_cast<double>(n - 1));
  };
  const auto y_of = [&](core::Nanos v, core::Nanos top) {
    return y0 + k_plot_height -
           k_plot_height * static_cast<double>(std::max<core::Nanos>(v, 0)) /
             static_cast<double>(top);
  };
  // Jitter band, nominal interval, cumulative wait.
  std::vector<std::pair<double, double>> band;
  std::vector<std::pair<double, double>> nominal;
  std::vector<std::pair<double, double>> cumulative;
  for (const auto& row : schedule.rows) {
    band.emplace_back(x_of(static_cast<double>(row.retry)), y_of(row.max, top_interval));
    nominal.emplace_back(x_of(static_cast<double>(row.retry)), y_of(row.nominal, top_interval));
    cumulative.emplace_back(x_of(static_cast<double>(row.retry)),
                            y_of(row.cumulative_nominal, top_cumulative));
  }
  for (auto it = schedule.rows.rbegin(); it != schedule.rows.rend(); ++it) {
    band.emplace_back(x_of(static_cast<double>(it->retry)), y_of(it->min, top_interval));
  }
  svg.polygon(band, "#5b9bd5", 0.25);
  svg.polyline(nominal, "#1f5fa8", 2);
  svg.polyline(cumulative, "#d9822b", 2);
  // Axes.
  duration_axis(svg, k_left, y0, k_plot_height, top_interval, true, "#1f5fa8",
                "interval (band: jitter)");
  duration_axis(svg, k_width - k_right, y0, k_plot_height, top_cumulative, false, "#d9822b",
                "cumulative wait");
  const double base = y0 + k_plot_height;
  svg.line(k_left, base, k_width - k_right, base, "#444");
  const double step = nice_count_step(static_cast<double>(n), 8);
  for (double r = 1; r <= static_cast<double>(n); r += step) {
    svg.line(x_of(r), base, x_of(r), base + 5, "#444");
    svg.text(x_of(r), base + 18, std::to_string(static_cast<std::int64_t>(r)), "middle", 11);
    if (r == 1 && step > 1) {
      r = 0; // then step, 2 step, ...
    }
  }
  svg.text(k_left + plot_width / 2, base + 36, "retry (the wait after failure N)", "middle");
  // Markers.
  if (schedule.attempts_to_max_interval && *schedule.attempts_to_max_interval <= n) {
    const double x = x_of(static_cast<double>(*schedule.attempts_to_max_interval));
    svg.line(x, y0, x, base, "#2e7d32", 1.5, "5,4");
    svg.text(x + 5, y0 + 14,
             "cap " + format_go_duration(config.max_interval) + " reached at retry " +
               std::to_string(*schedule.attempts_to_max_interval) + ", after " +
               label_duration(*schedule.time_to_max_interval),
             "start", 12, "normal", "#2e7d32");
  }
  const double xt = x_of(static_cast<double>(n));
  svg.line(xt, y0, xt, base, "#c62828", 1.5, "2,3");
  svg.text(xt - 5, y0 + 32,
           "terminated at failure " + std::to_string(config.max_try_time) + ", after " +
             label_duration(schedule.time_to_terminate),
           "end", 12, "normal", "#c62828");
  svg.text(k_left, height - 10,
           "Nominal interval (blue) and its jitter band; cumulative nominal wait (orange). "
           "Durations in Go syntax.",
           "start", 11, "normal", "#555");
  return svg.finish();
}

std::string failure_model_svg(const BackoffConfig& config, const std::vector<UptimeResult>& sweep) {
  const double panel = k_plot_height * 0.8 + 90;
  const double height = k_top + panel * static_cast<double>(sweep.size()) + 20;
  Svg svg(height, "Time to terminate, from the first failure", policy_text(config));
  const double plot_width = k_width - k_left - k_right;
  const double plot_height = k_plot_height * 0.8;
  double y0 = k_top + 10;
  for (const auto& [params, result] : sweep) {
    const std::string heading = "uptime " + format_go_duration(params.uptime) + ": " +
                                std::to_string(result.terminated) + " of " +
                                std::to_string(result.runs) + " runs terminated (seed " +
                                std::to_string(params.seed) + ")";
    svg.text(k_left, y0, heading, "start", 12, "bold");
    const double top_y = y0 + 10;
    const double base = top_y + plot_height;
    if (result.times.empty()) {
      const std::string statement =
        result.never_terminates
          ? "The job never terminates: uptime " + format_go_duration(params.uptime) +
              " >= reset-interval " + format_go_duration(config.reset_interval) +
              " clears its failure history before every failure."
          : "No run terminated within the horizon.";
      svg.text(k_width / 2, top_y + plot_height / 2, statement, "middle", 14, "normal", "#c62828");
      y0 += panel;
      continue;
    }
    const auto& times = result.times;
    const core::Nanos lo = times.front();
    const core::Nanos hi = times.back();
    constexpr int k_bins = 40;
    const double span = std::max<double>(1, static_cast<double>(hi - lo));
    std::vector<std::int64_t> bins(k_bins, 0);
    for (const core::Nanos t : times) {
      const auto b =
        std::min<int>(k_bins - 1, static_cast<int>(static_cast<double>(t - lo) / span * k_bins));
      ++bins[static_cast<std::size_t>(b)];
    }
    const std::int64_t peak = *std::max_element(bins.begin(), bins.end());
    const double bar = plot_width / k_bins;
    for (int b = 0; b < k_bins; ++b) {
      const double h = plot_height * static_cast<double>(bins[static_cast<std::size_t>(b)]) /
                       static_cast<double>(peak);
      if (h > 0) {
        svg.rect(k_left + b * bar + 0.5, base - h, bar - 1, h, "#5b9bd5");
      }
    }
    // Axes: runs (left), time (bottom, Go durations from lo to hi).
    svg.line(k_left, top_y, k_left, base, "#444");
    svg.line(k_left, base, k_left + plot_width, base, "#444");
    const double count_step = nice_count_step(static_cast<double>(peak), 4);
    for (double c = 0; c <= static_cast<double>(peak); c += count_step) {
      const double y = base - plot_height * c / static_cast<double>(peak);
      svg.line(k_left - 5, y, k_left, y, "#444");
      svg.text(k_left - 8, y + 4, std::to_string(static_cast<std::int64_t>(c)), "end", 11);
    }
    svg.text(k_left - 50, top_y + plot_height / 2, "runs", "middle", 12, "normal", "#222", -90);
    const auto x_of = [&](core::Nanos t) {
      return k_left + plot_width * static_cast<double>(t - lo) / span;
    };
    const core::Nanos step = duration_step(std::max<core::Nanos>(1, hi - lo), 6);
    const core::Nanos first_tick = lo % step == 0 ? lo : lo + (step - lo % step);
    for (core::Nanos t = first_tick; t <= hi; t += step) {
      svg.line(x_of(t), base, x_of(t), base + 5, "#444");
      svg.text(x_of(t), base + 18, format_go_duration(t), "middle", 11);
      if (t > hi - step) {
        break;
      }
    }
    if (hi == lo) {
      svg.text(k_left, base + 18, label_duration(lo), "start", 11);
    }
    svg.text(k_left + plot_width / 2, base + 36, "time to terminate (Go durations)", "middle");
    const auto& q = *result.time_to_terminate;
    const std::pair<const char*, core::Nanos> marks[] = {
      {"p50", q.p50}, {"p90", q.p90}, {"p99", q.p99}};
    const char* colours[] = {"#2e7d32", "#d9822b", "#c62828"};
    for (int i = 0; i < 3; ++i) {
      const double x = x_of(marks[i].second);
      svg.line(x, top_y, x, base, colours[i], 1.5, "5,3");
      svg.text(x + 4, top_y + 12 + 14 * i,
               std::string(marks[i].first) + " " + label_duration(marks[i].second), "start", 11,
               "normal", colours[i]);
    }
    y0 += panel;
  }
  return svg.finish();
}

std::string schedule_sparkline(const Schedule& schedule, std::size_t width) {
  static const char* const k_blocks[] = {"\xE2\x96\x81", "\xE2\x96\x82", "\xE2\x96\x83",
                                         "\xE2\x96\x84", "\xE2\x96\x85", "\xE2\x96\x86",
                                         "\xE2\x96\x87", "\xE2\x96\x88"};
  const std::int64_t n = schedule.total_rows;
  if (n <= 0 || schedule.rows.empty() || width == 0) {
    return "(no retry)";
  }
  const auto cells =
    static_cast<std::int64_t>(std::min<std::int64_t>(n, static_cast<std::int64_t>(width)));
  std::vector<core::Nanos> values;
  for (std::int64_t c = 0; c < cells; ++c) {
    const std::int64_t retry = cells == 1 ? 1 : 1 + c * (n - 1) / (cells - 1);
    values.push_back(interval_at(schedule, retry));
  }
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const double lo = static_cast<double>(*lo_it);
  const double range = static_cast<double>(*hi_it) - lo;
  std::string line;
  for (const core::Nanos v : values) {
    const int level =
      range <= 0 ? 7 : static_cast<int>(std::lround((static_cast<double>(v) - lo) / range * 7));
    line += k_blocks[std::clamp(level, 0, 7)];
  }
  return line + "  " + format_go_duration(*lo_it) + " to " + format_go_duration(*hi_it) + " over " +
         std::to_string(n) + " retries";
}

} // namespace jobop::backoff
