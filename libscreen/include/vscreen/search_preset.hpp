// Search presets (fast, balanced, detail): named search efforts, each defined by its measured redocking point.
#pragma once

#include <string>

#include "vscreen/docking.hpp"

namespace vscreen {

/// A named search effort. The figures behind each one are in benchmarks/README.md ("Search presets").
enum class SearchPreset { Fast, Balanced, Detail };

/// Every preset, cheapest first (the names the CLI, Python and campaign configs accept).
constexpr SearchPreset kSearchPresets[] = {SearchPreset::Fast, SearchPreset::Balanced, SearchPreset::Detail};

/// The preset whose values DockingSettings' defaults hold (tested), and the default of the CLI and campaigns.
constexpr SearchPreset kDefaultSearchPreset = SearchPreset::Balanced;

/// What a preset sets in DockingSettings; the other settings (box, seed, scoring, ...) are left alone.
struct SearchEffort {
    int exhaustiveness;    ///< Monte Carlo chains per ligand
    float search_scale;    ///< fraction of Vina's Monte Carlo step count per chain
    float stall_fraction;  ///< a chain stops after this fraction of its steps without a new best (0: off)
};

SearchEffort search_effort(SearchPreset preset);

/// "fast", "balanced" or "detail"; anything else throws InputError naming the choices.
SearchPreset parse_search_preset(const std::string& name);
const char* search_preset_name(SearchPreset preset);

/// Sets the preset's exhaustiveness, search_scale and stall_fraction in `s`.
void apply_search_preset(DockingSettings& s, SearchPreset preset);

}  // namespace vscreen
