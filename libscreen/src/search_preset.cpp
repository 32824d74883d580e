// The search presets' efforts (measured on the Astex Diverse Set: benchmarks/README.md, "Search presets").
#include "vscreen/search_preset.hpp"

#include "vscreen/error.hpp"

namespace vscreen {

SearchEffort search_effort(SearchPreset preset) {
    switch (preset) {
        case SearchPreset::Fast: return {8, 0.1f, 0.0f};
        case SearchPreset::Balanced: return {16, 0.125f, 0.0f};
        case SearchPreset::Detail: return {8, 1.0f, 0.0f};
    }
    fail("unknown search preset ", static_cast<int>(preset));
}

SearchPreset parse_search_preset(const std::string& name) {
    if (name == "fast") return SearchPreset::Fast;
    if (name == "balanced") return SearchPreset::Balanced;
    if (name == "detail") return SearchPreset::Detail;
    fail("unknown search preset '", name, "'; expected fast, balanced or detail");
}

const char* search_preset_name(SearchPreset preset) {
    switch (preset) {
        case SearchPreset::Fast: return "fast";
        case SearchPreset::Balanced: return "balanced";
        case SearchPreset::Detail: return "detail";
    }
    return "unknown";
}

void apply_search_preset(DockingSettings& s, SearchPreset preset) {
    const SearchEffort e = search_effort(preset);
    s.exhaustiveness = e.exhaustiveness;
    s.search_scale = e.search_scale;
    s.stall_fraction = e.stall_fraction;
}

}  // namespace vscreen
