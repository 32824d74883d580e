"""Search presets on the Python side: their names, the default and one help text for the CLI and campaign configs."""
from __future__ import annotations

from . import _vscreen

SEARCH_PRESETS: tuple = _vscreen.search_presets  # from the C++ list, cheapest first
DEFAULT_SEARCH: str = _vscreen.default_search_preset


def _effort_text(name: str) -> str:
    e = _vscreen.search_effort(name)
    stall = f", stop after {e['stall_fraction']:g} of the steps without progress" if e["stall_fraction"] else ""
    return f"{name} = {e['exhaustiveness']} chains x {e['search_scale']:g} of Vina's steps{stall}"


SEARCH_PRESETS_HELP = "; ".join(_effort_text(n) for n in SEARCH_PRESETS) + \
    " (measured points: benchmarks/README.md, 'Search presets')"
