"""The error type of the campaign layer: bad configuration, library files or campaign directories."""
from __future__ import annotations

from .._vscreen import InputError


class CampaignError(InputError):
    """A campaign cannot run or report: a bad config, an unreadable library, a directory made with other settings.

    A subclass of vscreen.InputError (so of VscreenError and ValueError): the CLI reports it as one line."""
