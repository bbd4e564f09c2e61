"""The IRIs kg mints itself: the bases of the canonical IRIs, named graphs, shared nodes, and the
one escaping rule every IRI of an identifier goes through (:func:`_escape`).

IRIs are escaped by one rule: ASCII characters an IRI path cannot hold unescaped (controls, space,
``<>"{}|\\^`%#?[]``) and non-ASCII characters outside RFC 3987 ``ucschar`` (private use,
non-characters, C1 controls) are percent-encoded as UTF-8 with upper-case hex; ``/`` and every other
non-ASCII character stay as they are.
"""

from __future__ import annotations

import hashlib
import re

from kg.errors import IdentifierError
from kg.ids.pasted import _text

DOI_BASE = "https://doi.org/"
ORCID_BASE = "https://orcid.org/"
ROR_BASE = "https://ror.org/"
KG_BASE = "https://w3id.org/evidence-kg/"
#: an EMDB map, <EMDB_BASE>EMD-1234: the density a cryo-EM model is built into (not raw data: its images are)
EMDB_BASE = "https://www.ebi.ac.uk/emdb/"
META_GRAPH = KG_BASE + "graph/meta"
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]*", re.A)
_IRI_UNSAFE_ASCII = frozenset(' <>"{}|\\^`%#?[]')


def _is_ucschar(code: int) -> bool:
    """RFC 3987 ``ucschar``: the non-ASCII code points an IRI path may hold unescaped."""
    return (0xA0 <= code <= 0xD7FF or 0xF900 <= code <= 0xFDCF or 0xFDF0 <= code <= 0xFFEF
            or (0x10000 <= code <= 0xEFFFD and code & 0xFFFF <= 0xFFFD and not 0xE0000 <= code < 0xE1000))


# Any character _escape may have to encode: one regex search spares the per-character work
# for the usual plain-ASCII DOI.
_MAYBE_UNSAFE = re.compile(r'[^!$&-;=@-Z_a-z~]')
# General categories Cc (C0, DEL, C1) and Cs (surrogates), as one character class.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(text: str) -> str:
    """Percent-encode what an IRI path cannot hold unescaped; '/' stays (see module docstring)."""
    if not _MAYBE_UNSAFE.search(text):
        return text

    def escaped(char: str) -> str:
        code = ord(char)
        if (0x20 < code < 0x7F and char not in _IRI_UNSAFE_ASCII) or (code >= 0x80 and _is_ucschar(code)):
            return char
        return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
    return "".join(map(escaped, text))



def graph_iri(source: str, local_id: str) -> str:
    """The IRI of the named graph holding one source record; ``local_id`` escaped like a DOI.

    >>> graph_iri("crossref", "10.7554/elife.01567")
    'https://w3id.org/evidence-kg/graph/crossref/10.7554/elife.01567'
    """
    if not isinstance(source, str) or not _SOURCE.fullmatch(source):
        raise IdentifierError("source", repr(source), "a source name is lower-case letters, digits, '-' "
                                                      "and '_', e.g. crossref")
    return f"{KG_BASE}graph/{source}/{_escape(_text('record id', local_id))}"



def shared_iri(kind: str, *key: str) -> str:
    """The IRI of a node named by what identifies it when it has no identifier of its own, so that
    every record saying the same thing names the same node: a person by their name in a work, an
    organisation by its name, a related item by its scheme and value. Case and spacing of the key
    do not matter.

    >>> shared_iri("org", "University of  Lausanne") == shared_iri("org", "university of lausanne")
    True
    >>> shared_iri("related", "geo", "GSE12345")
    'https://w3id.org/evidence-kg/related/690358b30ee0f8ea696f'
    """
    text = "\x1f".join(" ".join(k.casefold().split()) for k in key)
    return f"{KG_BASE}{kind}/{hashlib.sha256(text.encode()).hexdigest()[:20]}"
