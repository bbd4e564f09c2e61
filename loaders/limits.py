"""The size limits of loading and harvesting: every file, line, HTTP body and record has a
budget it cannot exceed, so one hostile input costs one rejection, never the machine.

Each limit is an environment variable (``KG_MAX_...``); :meth:`Limits.from_env` reads them and
refuses a value that is not a positive whole number. docs/loading.md lists them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from kg.errors import ConfigError

MIB = 1024 * 1024

#: limit name -> environment variable
ENV = {
    "document_bytes": "KG_MAX_DOCUMENT_BYTES",
    "record_bytes": "KG_MAX_RECORD_BYTES",
    "list_items": "KG_MAX_LIST_ITEMS",
    "text_chars": "KG_MAX_TEXT_CHARS",
}


@dataclass(frozen=True)
class Limits:
    """How much one load may read; :meth:`from_env` builds it from ``KG_MAX_*``."""

    #: bytes of one JSON document (a ``.json`` file, decompressed); a bigger one is refused whole
    document_bytes: int = 128 * MIB
    #: bytes of one line of JSON Lines or CSV (one record); a longer line is refused alone
    record_bytes: int = 16 * MIB
    #: items of one list in a record (authors, references, relations); the rest are dropped, with a warning
    list_items: int = 10_000
    #: characters of one text value; a longer one rejects its record
    text_chars: int = 100_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: int) -> Limits:
        """The limits, each from its ``KG_MAX_*`` variable when set; keyword overrides win.

        :raises ConfigError: when a variable is not a positive whole number.

        >>> Limits.from_env({"KG_MAX_LIST_ITEMS": "50"}).list_items
        50
        >>> Limits.from_env({"KG_MAX_RECORD_BYTES": "lots"})
        Traceback (most recent call last):
        kg.errors.ConfigError: KG_MAX_RECORD_BYTES must be a positive whole number, not 'lots'
        """
        env = os.environ if environ is None else environ
        values = {f.name: env_int(ENV[f.name], f.default, env) for f in fields(cls)}  # type: ignore[arg-type]
        return cls(**{**values, **overrides})


def env_int(name: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """A positive whole number from the environment variable ``name``, else ``default``.

    :raises ConfigError: when the variable is set to anything else.
    """
    text = (os.environ if environ is None else environ).get(name, "").strip().replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(name, f"must be a positive whole number, not {text!r}")
    return int(text)


def env_seconds(name: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    """A positive number of seconds from the environment variable ``name``, else ``default``.

    :raises ConfigError: when the variable is set to anything else.
    """
    text = (os.environ if environ is None else environ).get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise ConfigError(name, f"must be a positive number of seconds, not {text!r}")
    return seconds


def default_limits() -> Limits:
    """The limits from the environment, or the defaults where a variable is unusable (the CLI
    refuses such a variable with :meth:`Limits.from_env` before loading anything)."""
    try:
        return Limits.from_env()
    except ConfigError:
        return Limits()
