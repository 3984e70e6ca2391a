#include "sim/config/experiment_file.hpp"

#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "topologies/errors.hpp"
#include "topologies/io/bounded_file.hpp"
#include "topologies/io/bounded_yaml.hpp"

namespace snsim::config {

std::optional<ExperimentFile> parse_experiment_file(const std::string& text, const std::string& file) {
    YamlRefusal refusal;
    const YAML::Node root = parse_yaml(text, refusal);
    if (!refusal.reason.empty() || !root.IsMap() || !root["compare"]) return std::nullopt;
    const auto base = std::filesystem::path(file).parent_path();
    const auto bad = [&](const YAML::Node& n, const std::string& key, const std::string& reason) {
        return InputError(located(file, n.Mark().line + 1, "compare" + (key.empty() ? "" : "." + key),
                                  n.IsScalar() ? n.Scalar() : "", reason));
    };
    for (const auto& entry : root)
        if (!entry.first.IsScalar() || entry.first.Scalar() != "compare")
            throw InputError(located(file, entry.first.Mark().line + 1,
                                     entry.first.IsScalar() ? entry.first.Scalar() : "?", "",
                                     "unknown key; an experiment file has the one key `compare`"));
    const YAML::Node c = root["compare"];
    if (!c.IsMap()) throw bad(c, "", "expected a map of keys");
    ExperimentFile out;
    const auto scalar = [&](const char* key, std::string& into) {
        if (!c[key]) return;
        if (!c[key].IsScalar() || c[key].Scalar().empty()) throw bad(c[key], key, "expected a text");
        into = c[key].Scalar();
    };
    static const std::vector<std::string> known = {"configs", "collective", "algorithm", "sizes", "vary", "out", "set"};
    for (const auto& entry : c)
        if (!entry.first.IsScalar() || std::find(known.begin(), known.end(), entry.first.Scalar()) == known.end())
            throw bad(entry.first, entry.first.IsScalar() ? entry.first.Scalar() : "?",
                      "unknown key; expected configs, collective, algorithm, sizes, vary, out or set");
    if (const YAML::Node set = c["set"]) {
        if (!set.IsMap()) throw bad(set, "set", "expected a map of config keys to values");
        for (const auto& entry : set) {
            if (!entry.first.IsScalar()) throw bad(entry.first, "set", "keys must be plain names");
            out.set.emplace_back(entry.first.Scalar(), YAML::Dump(entry.second));
        }
    }
    if (!c["configs"] || !c["configs"].IsSequence() || c["configs"].size() == 0)
        throw bad(c["configs"] ? c["configs"] : c, "configs", "expected a list of config files");
    for (const auto& item : c["configs"]) {
        if (!item.IsScalar() || item.Scalar().empty()) throw bad(item, "configs", "expected a file name");
        out.configs.push_back((base / item.Scalar()).lexically_normal().string());
    }
    scalar("collective", out.collective);
    scalar("algorithm", out.algorithm);
    scalar("sizes", out.sizes);
    scalar("vary", out.vary);
    scalar("out", out.out);
    return out;
}

std::optional<ExperimentFile> read_experiment_file(const std::string& file) {
    const BoundedRead read = read_input(file, "config file", kMaxInputBytes);
    if (!read.refusal.empty()) return std::nullopt;
    return parse_experiment_file(read.text, file);
}

} // namespace snsim::config
