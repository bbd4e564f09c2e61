"""The pages' names for works' classes: :mod:`kg.labels` (pure wording, shared with the CLI, which may not
import ``kg.web``), re-exported here for the templates and the chain drawing."""

from __future__ import annotations

from kg.labels import (
    KIND_LABELS,
    SPECIFIC_LABELS,
    described,
    kind_label,
    kind_name,
    said_as,
    source_type,
    type_cell,
    type_label,
    work_note,
    year_label,
)

__all__ = ["KIND_LABELS", "SPECIFIC_LABELS", "described", "kind_label", "kind_name", "said_as", "source_type",
           "type_cell", "type_label", "work_note", "year_label"]
