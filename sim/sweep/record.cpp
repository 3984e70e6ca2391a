#include "sim/sweep/record.hpp"

namespace snsim::sweep {

std::string to_line(const Record& r) {
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : r.rows)
        rows.push_back({{"collective", row.collective},
                        {"algorithm", row.algorithm},
                        {"size_bytes", row.size_bytes},
                        {"time_s", row.time_s},
                        {"busbw_factor", row.busbw_factor},
                        {"bound_s", row.bound_s},
                        {"flows", row.flows},
                        {"seed", row.seed},
                        {"protocol", row.protocol},
                        {"engine", row.engine},
                        {"estimate", row.estimate},
                        {"analytic_time_s", row.analytic_time_s}});
    const nlohmann::ordered_json j = {{"point", r.point}, {"status", r.status}, {"rows", rows}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Record record_from(const nlohmann::json& j) {
    Record r;
    r.point = j.at("point").get<std::size_t>();
    r.status = j.at("status").get<std::string>();
    for (const auto& row : j.at("rows"))
        r.rows.push_back({row.at("collective").get<std::string>(), row.at("algorithm").get<std::string>(),
                          row.at("size_bytes").get<double>(), row.at("time_s").get<double>(),
                          row.at("busbw_factor").get<double>(), row.at("bound_s").get<double>(),
                          row.at("flows").get<std::size_t>(), row.at("seed").get<std::uint64_t>(),
                          row.value("protocol", std::string()), row.value("engine", std::string("simgrid")),
                          row.value("estimate", false), row.value("analytic_time_s", -1.0)});
    return r;
}

} // namespace snsim::sweep
