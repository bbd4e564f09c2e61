"""A ``Qleverfile``: what QLever's control script (``qlever index``, ``qlever start``; `qlever-control
<https://github.com/ad-freiburg/qlever-control>`_) reads to build an index of N-Quads and serve it
(what ``kg bulk-load --engine qlever`` writes beside the shards; :mod:`loaders.bulkqlever`).

An INI file (Python's ``configparser`` with ``${section:KEY}`` interpolation, as the control script
reads it): ``[data]`` names the dataset and its format, ``[index]`` the input files
(``INPUT_FILES``, names relative to the Qleverfile's folder, which the Docker runtime mounts) and the
command that writes them to the index builder's standard input (``CAT_INPUT_FILES``), ``[server]``
its port and access token, ``[runtime]`` how QLever runs. Planned for, not run against QLever here
(its engine comes as a Docker image or a source build): docs/scaling.md.

>>> text = qleverfile("kg", ["a.nq.gz", "b.nq.gz"], "2 shards", token="t")
>>> import configparser
>>> parsed = configparser.ConfigParser(interpolation=configparser.ExtendedInterpolation())
>>> parsed.read_string(text)
>>> parsed["index"]["CAT_INPUT_FILES"], parsed["data"]["FORMAT"]
('zcat a.nq.gz b.nq.gz', 'nq')
"""

from __future__ import annotations

import secrets

from kg.version import __version__

#: where QLever's server listens (its examples use 7000-7099)
PORT = 7019
#: QLever's own index settings: how many triples it parses into one batch in memory
SETTINGS_JSON = '{ "ascii-prefixes-only": false, "num-triples-per-batch": 1000000 }'


def qleverfile(name: str, inputs: list[str], description: str, *, token: str | None = None,
               port: int = PORT) -> str:
    """The text of a Qleverfile indexing the gzipped N-Quads files ``inputs`` (names relative to its
    folder) as the dataset ``name``; ``token`` guards the server's privileged commands (random when None)."""
    if not inputs:
        raise ValueError("a Qleverfile needs at least one input file")
    files = " ".join(_value(f) for f in inputs)
    access = token if token is not None else f"kg_{secrets.token_urlsafe(12)}"
    return f"""\
# Qleverfile written by kg bulk-load --engine qlever (kg {__version__}): kg map's N-Quads for QLever.
#   cd <this folder> && qlever index && qlever start        (pip install qlever; Docker, or
#   SYSTEM = native with QLever's IndexBuilderMain and ServerMain on the PATH)
#   kg --store http://localhost:{port}/ ...                  (read-only: QLever is loaded by its index builder)
[data]
NAME         = {_value(name)}
DESCRIPTION  = {_value(description)}
FORMAT       = nq
GET_DATA_CMD = ls ${{index:INPUT_FILES}}

[index]
INPUT_FILES     = {files}
CAT_INPUT_FILES = zcat ${{INPUT_FILES}}
SETTINGS_JSON   = {SETTINGS_JSON}
STXXL_MEMORY    = 5G

[server]
PORT               = {port}
ACCESS_TOKEN       = {access}
MEMORY_FOR_QUERIES = 5G
TIMEOUT            = 60s

[runtime]
SYSTEM = docker
IMAGE  = docker.io/adfreiburg/qlever:latest

[ui]
UI_CONFIG = default
"""


def _value(text: str) -> str:
    """``text`` as an INI value the control script's parser gives back as it is (one line, ``$`` doubled)."""
    return " ".join(text.split()).replace("$", "$$")
