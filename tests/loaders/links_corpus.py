"""What the real link files say, read straight from their JSON (never from kg's output): the
links each file states, as (subject IRI, relation key, object IRI), for the loaders' tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg import ids
from kg.vocab import relation_key


def doi_iri(value: Any) -> str | None:
    """The canonical IRI of a DOI in any form, or None for anything else."""
    doi = ids.normalize_doi(value, strict=False) if isinstance(value, str) else None
    return ids.doi_iri(doi) if doi else None


def stated_links(path: Path) -> list[tuple[str, str, str]]:
    """The DOI-to-DOI links a link file states, except withdrawn ones, authorship and usage."""
    document = json.loads(path.read_text("utf-8"))
    found: list[tuple[Any, Any, Any]] = []
    message = document.get("message") if isinstance(document, dict) else None
    if isinstance(message, dict) and "events" in message:
        found = [(e["subj_id"], e["relation_type_id"], e["obj_id"]) for e in message["events"]
                 if e.get("action", "add") != "delete"]
    elif isinstance(message, dict):
        found = [(i["subject"]["id"], i["relation"], i["object"].get("id")) for i in message["items"]]
    else:
        data = document["data"]
        for item in data if isinstance(data, list) else [data]:
            a = item["attributes"]
            if item["type"] == "events" and a.get("messageAction", "create") != "delete":
                found.append((a["subjId"], a["relationTypeId"], a["objId"]))
    links = []
    for subject, name, obj in found:
        s, o = doi_iri(subject), doi_iri(obj)
        if s and o and s != o and "authored" not in name and "dataset-" not in name:
            links.append((s, relation_key(name), o))
    return links
