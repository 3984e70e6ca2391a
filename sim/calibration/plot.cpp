#include "sim/calibration/plot.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "topologies/units.hpp"

namespace snsim::calibration {
namespace {

constexpr double kWidth = 760, kHeight = 440, kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;

std::string escaped(const std::string& text) {
    std::string out;
    for (char c : text)
        out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
    return out;
}

} // namespace

std::string busbw_svg(const Calibration& c, const std::string& title) {
    const double x0 = std::log2(c.sizes.front().size_bytes), x1 = std::log2(c.sizes.back().size_bytes);
    double top = 0;
    for (const auto& s : c.sizes)
        top = std::max({top, s.measured_busbw_Bps, s.simulated_busbw_Bps});
    top = std::ceil(top / 1e9 / 50) * 50; // GB/s, to a multiple of 50
    const auto x = [&](double size) {
        return kLeft + (std::log2(size) - x0) / std::max(x1 - x0, 1.0) * (kWidth - kLeft - kRight);
    };
    const auto y = [&](double Bps) { return kHeight - kBottom - Bps / 1e9 / top * (kHeight - kTop - kBottom); };
    std::string svg = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
                                  "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
                                  "fill=\"white\"/>\n<text x=\"{}\" y=\"22\" font-size=\"14\">{}</text>\n",
                                  kWidth, kHeight, kLeft, escaped(title));
    for (int i = 0; i <= 5; ++i) { // y grid
        const double v = top / 5 * i * 1e9;
        svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/><text x=\"{}\" "
                           "y=\"{:.1f}\" text-anchor=\"end\">{:g}</text>\n",
                           kLeft, kWidth - kRight, y(v), y(v), kLeft - 6, y(v) + 4, top / 5 * i);
    }
    for (double e = std::ceil(x0); e <= x1; e += 2) // x labels every factor of 4
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", x(std::exp2(e)),
                           kHeight - kBottom + 18, units::format_bytes(std::exp2(e)));
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">message size (log scale)</text>\n"
                       "<text x=\"18\" y=\"{}\" transform=\"rotate(-90 18 {})\" text-anchor=\"middle\">bus "
                       "bandwidth (GB/s)</text>\n",
                       (kLeft + kWidth - kRight) / 2, kHeight - 18, kHeight / 2, kHeight / 2);
    for (const bool simulated : {false, true}) {
        std::string points;
        for (const auto& s : c.sizes)
            points += fmt::format("{:.1f},{:.1f} ", x(s.size_bytes),
                                  y(simulated ? s.simulated_busbw_Bps : s.measured_busbw_Bps));
        svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", points,
                           simulated ? "#d62728" : "#1f77b4", simulated ? " stroke-dasharray=\"6 4\"" : "");
    }
    for (const auto& s : c.sizes)
        svg +=
            fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" stroke=\"#1f77b4\"/>\n",
                        x(s.size_bytes), y(s.measured_busbw_Bps), s.trained ? 5 : 3, s.trained ? "black" : "#1f77b4");
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#1f77b4\">measured (dots; black: trained on)</text>\n"
                       "<text x=\"{}\" y=\"{}\" fill=\"#d62728\">snsim, fitted (dashed): held-out MAPE {:.2f}%, worst "
                       "{:.2f}%</text>\n</svg>\n",
                       kLeft + 10, kTop + 14, kLeft + 10, kTop + 30, 100 * c.mape, 100 * c.worst);
    return svg;
}

} // namespace snsim::calibration
