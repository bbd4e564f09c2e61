"""Moved to :mod:`kg.tracing.cues` (issue 11). This name stays only for :mod:`kg.web.app`, which warms
the cue index at start-up and is another change's to edit; once it imports ``kg.tracing.cues``,
delete this module."""

from kg.tracing.cues import cue_index

__all__ = ["cue_index"]
