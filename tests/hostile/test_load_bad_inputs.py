# ruff: noqa: E501  (a table: one row per line reads best)
"""Bad inputs to `kg load`, one per row: each gives its own message, naming the file, the line or
item, the record and the field (and the limit, where one was passed), and the good records beside
it still load. The table is the contract of issue 13 (findings 5 and 8): a bad record is one
rejection or one warning, never a crash."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kg.store import Store
from loaders.base import Problem
from loaders.limits import Limits
from loaders.pipeline import LoadReport, load
from loaders.read import read_paths

#: small limits, so that the size rows stay small files
LIMITS = Limits(document_bytes=300_000, record_bytes=300_000)


def work(n: int, **fields: Any) -> dict[str, Any]:
    return {"DOI": f"10.5555/good.{n}", "type": "journal-article", "title": [f"Good work {n}"], **fields}


GOOD_1 = json.dumps(work(1)).encode()
GOOD_2 = json.dumps(work(2)).encode()


@dataclass(frozen=True)
class Bad:
    """One bad input and the message it must give."""

    name: str
    #: the file's name and its bytes
    file: str
    content: bytes
    #: a regular expression the problem must match (its whole text: level, file, place, message)
    message: str
    level: str = "error"
    #: records that still load from the same file
    loaded: int = 0


def line(name: str, bad: bytes | str | Any, message: str, level: str = "error") -> Bad:
    """A bad line between two good records of a JSON Lines file: reported at line 2."""
    text = bad if isinstance(bad, bytes) else (bad if isinstance(bad, str) else json.dumps(bad)).encode()
    loaded = 2 if level == "error" else 3
    return Bad(name, "records.jsonl", GOOD_1 + b"\n" + text + b"\n" + GOOD_2 + b"\n",
               r"records\.jsonl, line 2: .*" + message, level, loaded)


def item(name: str, bad: bytes, message: str) -> Bad:
    """A bad item between two good records of a JSON array: reported as item 2."""
    return Bad(name, "records.json", b"[" + GOOD_1 + b"," + bad + b"," + GOOD_2 + b"]", r"records\.json, " + message,
               loaded=2)


def whole(name: str, file: str, content: bytes | str, message: str) -> Bad:
    """A file that cannot be read at all."""
    data = content.encode() if isinstance(content, str) else content
    return Bad(name, file, data, re.escape(file) + r"(, [^:]+)?: " + message)


def doi(name: str, value: str, message: str) -> Bad:
    return line(name, work(3, DOI=value), r"crossref record .*: field 'DOI' is not a valid DOI \((it holds )?" + message)


INVISIBLE = ["\u00ad", "\u061c", "\u180e", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a",
             "\u202b", "\u202c", "\u202d", "\u202e", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
             "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
#: the column where the second item of ``[GOOD_1,...`` starts
ITEM_2 = len(GOOD_1) + 3
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 40_000 + "1" + "}" * 40_000
HUGE = "9" * 5_000

ROWS: list[Bad] = [
    # -- whole files that are not JSON records ------------------------------------------------
    whole("empty .json", "a.json", "", r"not valid JSON \(Expecting value at line 1 column 1; is the file truncated"),
    whole("blank .json", "a.json", " \n\t\n", r"not valid JSON \(Expecting value"),
    whole("truncated object", "a.json", '{"DOI": "10.1/x", "title": [', r"not valid JSON \(Expecting value at line 1"),
    whole("unterminated string", "a.json", '{"DOI": "10.1/x', r"not valid JSON \(Unterminated string"),
    whole("single quotes", "a.json", "{'DOI': '10.1/x'}", r"not valid JSON \(Expecting property name"),
    whole("trailing comma", "a.json", '{"DOI": "10.1/x",}', r"not valid JSON \(Illegal trailing comma|Expecting"),
    # -- XML: read as XML whatever the file's name, and refused with the reason ------------------
    whole("XML declaration", "a.json", '<?xml version="1.0"?><doi_records/>', r"Crossref unixref XML that holds no work"),
    whole("XML behind a BOM", "a.json", b"\xef\xbb\xbf<?xml version='1.0'?><a/>",
          r"XML whose root element is <a>; kg reads Crossref unixsd, Crossref unixref, DataCite kernel XML"),
    whole("an HTML page saved as .xml", "a.xml", "<html><body>502 Bad Gateway</body></html>", r"an HTML document, not a record"),
    whole("truncated XML", "a.xml", "<doi_records><doi_record>", r"not well-formed XML \(no element found: line 1, column 25\)"),
    whole("XML entity expansion (billion laughs)", "a.xml",
          '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><resource>&c;</resource>',
          r"XML that declares entities or external references \(EntitiesForbidden\); kg does not expand them"),
    whole("XML external entity", "a.xml", '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><resource>&x;</resource>',
          r"XML that declares entities or external references \(EntitiesForbidden\)"),
    whole("a Crossref query DOI it does not know", "a.xml",
          '<crossref_result xmlns="http://www.crossref.org/qrschema/3.0"><query_result><body><query status="unresolved">'
          "<doi>10.5555/nothing</doi></query></body></query_result></crossref_result>",
          r"Crossref unixsd XML that holds no work \(query status: unresolved\)"),
    whole("XML over the document limit", "a.xml", "<doi_records>" + "<x/>" * 80_000 + "</doi_records>",
          r"holds more than 300,000 bytes of XML; the limit is KG_MAX_DOCUMENT_BYTES"),
    whole("a DataCite kernel record without identifier", "a.xml", "<resource><titles><title>T</title></titles></resource>",
          r"datacite record \(no DOI\): field 'attributes"),
    whole("a DataCite kernel record with a bad DOI", "a.xml",
          '<resource xmlns="http://datacite.org/schema/kernel-4"><identifier identifierType="DOI">not a doi</identifier></resource>',
          r"datacite record not a doi: field 'attributes.doi' is not a valid DOI"),
    whole("a title nested 30,000 elements deep", "a.xml",
          "<doi_records><doi_record><crossref><journal><journal_article><titles><title>" + "<i>" * 30_000 + "deep"
          + "</i>" * 30_000 + "</title></titles><doi_data><doi>10.5555/deep</doi></doi_data></journal_article></journal>"
          "</crossref></doi_record></doi_records>",
          r"crossref record 10.5555/deep: field 'title' is 210,004 characters long; the limit is 100,000"),
    whole("HTML doctype", "a.json", "<!DOCTYPE html><html><body>Rate limited</body></html>",
          r"an HTML document, not a record"),
    whole("HTML page", "a.json", "<html><head><title>502</title></head></html>", r"an HTML document, not a record"),
    whole("Latin-1 bytes", "a.json", b'{"title": ["caf\xe9"]}', r"not valid UTF-8 \(byte 15: b'\\xe9'\)"),
    whole("UTF-16 file", "a.json", '{"DOI": "10.1/x"}'.encode("utf-16"), r"not valid UTF-8 \(byte 0"),
    whole("a number of 5,000 digits", "a.json", '{"DOI": "10.1/x", "n": ' + HUGE + "}",
          r"holds a number of 5,000 digits; the limit is 4,300"),
    whole("100k-deep arrays", "a.json", DEEP, r"is nested more than about [\d,]+ levels deep"),
    whole("100k-deep objects", "a.json", DEEP_OBJECT, r"is nested more than about [\d,]+ levels deep"),
    whole("a JSON string", "a.json", '"hello"', r"not a record shape kg knows \(sources: .*\): a string, not a JSON"),
    whole("a JSON number", "a.json", "42", r"not a record shape kg knows .*: a number, not a JSON object"),
    whole("JSON null", "a.json", "null", r"not a record shape kg knows .*: null, not a JSON object"),
    whole("JSON true", "a.json", "true", r"not a record shape kg knows .*: true/false, not a JSON object"),
    whole("an empty object", "a.json", "{}", r"not a record shape kg knows .*; its fields: none"),
    whole("an unknown object", "a.json", '{"colour": "blue"}', r"not a record shape kg knows .*; its fields: 'colour'"),
    whole("arrays in an array", "a.json", "[[" + json.dumps(work(1)) + "]]",
          r"not a record shape kg knows .*: a list, not a JSON object"),
    whole("a document over the limit", "a.json", json.dumps({"message-type": "work-list", "message": {
        "items": [work(i) for i in range(5_000)]}}), r"holds more than 300,000 bytes of JSON; the limit is KG_MAX_DOCUMENT_BYTES"),
    whole("a .json.gz over the limit once decompressed", "a.json.gz", gzip.compress(b" " * 400_000 + b"{}"),
          r"holds more than 300,000 bytes of JSON once decompressed; the limit is KG_MAX_DOCUMENT_BYTES"),
    whole("a .json.gz that is not gzip", "a.json.gz", b'{"DOI": "10.1/x"}', r"cannot read the file: Not a gzipped file"),
    whole("a truncated .json.gz", "a.json.gz", gzip.compress(GOOD_1 * 50)[:40],
          r"cannot read the file: Compressed file ended before the end-of-stream marker was reached"),
    whole("a .jsonl.gz that is not gzip", "a.jsonl.gz", GOOD_1, r"cannot read the file after line 0: Not a gzipped"),
    whole("an empty CSV", "a.csv", "", r"empty CSV file: no header line"),
    whole("a CSV of unknown columns", "a.csv", "colour,size\nblue,3\n",
          r"CSV columns colour, size are not a record shape kg knows"),
    whole("a CSV row with a field too many", "a.csv", "oci,citing,cited,creation,timespan,journal_sc,author_sc\n"
          "1-2,10.1/a,10.1/b,2020,P1Y,no,no,extra\n", r"the row has 8 fields; the header has 7"),
    whole("a CSV row that is not UTF-8", "a.csv", b"oci,citing,cited,creation,timespan,journal_sc,author_sc\n"
          b"1-2,10.1/\xff,10.1/b,2020,P1Y,no,no\n", r"not valid UTF-8 \(b'10\.1/\\xff'\)"),
    whole("a CSV row with an unclosed quote", "a.csv", "oci,citing,cited,creation,timespan,journal_sc,author_sc\n"
          '1-2,"10.1/a,10.1/b,2020,P1Y,no,no\n3-4,10.1/c,10.1/d,2020,P1Y,no,no\n',
          r"the row has 2 fields; the header has 7"),
    Bad("a CSV line longer than the limit", "a.csv", ("oci,citing,cited,creation,timespan,journal_sc,author_sc\n"
        + "1-2,10.1/a," + "x" * 400_000 + ",2020,P1Y,no,no\n" + "3-4,10.1/c,10.1/d,2020,P1Y,no,no\n").encode(),
        r"a\.csv, line 2: is longer than 300,000 characters; the limit of one record is KG_MAX_RECORD_BYTES",
        loaded=1),
    # -- items of an array of records, read item by item whatever its size (the good items load) --
    item("an item that is not JSON", b'{"DOI": "10.1/x", "n": }', rf"item 2: not valid JSON \(Expecting value at line 1 column {ITEM_2 + 23}\)"),
    item("an item of bad literals", b'{"DOI": tru}', rf"item 2: not valid JSON \(Expecting value at line 1 column {ITEM_2 + 8}\)"),
    item("an item that is not UTF-8", b'{"DOI": "10.1/\xff"}', r"item 2: not valid UTF-8 \(b'\{\"DOI\": \"10\.1/\\xff\"\}'\)"),
    item("an item longer than the limit", json.dumps(work(3, abstract="x" * 400_000)).encode(),
         r"item 2: is longer than 300,000 characters; the limit of one record is KG_MAX_RECORD_BYTES"),
    item("an item with a 5,000-digit number", ('{"DOI": "10.1/x", "n": ' + HUGE + "}").encode(),
         r"item 2: holds a number of 5,000 digits; the limit is 4,300"),
    item("an item nested 100k deep", DEEP.encode(), r"item 2: is nested more than about [\d,]+ levels deep"),
    item("an item that is a string", b'"text"', r"item 2: not a record shape kg knows .*: a string"),
    item("an empty item", b"", rf"item 2: not valid JSON \(Expecting value at line 1 column {ITEM_2}\)"),
    Bad("an array of items without commas", "a.json", b"[" + GOOD_1 + b" " + GOOD_2 + b"]",
        rf"a\.json: not valid JSON \('\{{' after item 1, expected ',' or '\]' at line 1 column {ITEM_2}\); the rest of the "
        r"file is not read", loaded=1),
    Bad("an array cut short", "a.json", b"[" + GOOD_1 + b"," + GOOD_2[:30],
        rf"a\.json, item 2: the file ends inside the item \(it starts at line 1, column {ITEM_2}\); is the file truncated\?",
        loaded=1),
    Bad("JSON after the array", "a.json", b"[" + GOOD_1 + b"]\n" + GOOD_2,
        r"a\.json: not valid JSON \(more JSON after the array at line 2 column 1\); the rest of the file is not read",
        loaded=1),
    Bad("blank space over the record limit in an array", "a.json", b"[" + GOOD_1 + b"," + b" " * 400_000 + GOOD_2 + b"]",
        r"a\.json: holds more than 300,000 characters of blank space after item 1; the limit of one record is "
        r"KG_MAX_RECORD_BYTES; the rest of the file is not read", loaded=1),
    # -- lines of JSON Lines (the good lines around them load) --------------------------------
    line("a line that is not JSON", "{not json}", r"not valid JSON \(Expecting property name enclosed in double quotes"
         r" at column 2\)"),
    line("a truncated line", '{"DOI": "10.1/x", ', r"not valid JSON \(Expecting property name"),
    line("an XML line", "<record><doi>10.1/x</doi></record>", r"an XML document, not JSON: kg reads XML records from \.xml files"),
    line("a line that is not UTF-8", b'{"DOI": "10.1/\xff"}', r"not valid UTF-8 \(byte 14: b'\\xff'\)"),
    line("a line longer than the limit", json.dumps(work(3, abstract="x" * 400_000)),
         r"is longer than 300,000 bytes; the limit of one record is KG_MAX_RECORD_BYTES"),
    line("a line with a 5,000-digit number", '{"DOI": "10.1/x", "n": ' + HUGE + "}",
         r"holds a number of 5,000 digits; the limit is 4,300"),
    line("a line with a negative 5,000-digit number", '{"DOI": "10.1/x", "n": -' + HUGE + "}",
         r"holds a number of 5,000 digits"),
    line("a line nested 100k deep", DEEP, r"is nested more than about [\d,]+ levels deep"),
    line("a line of 100k-deep objects", DEEP_OBJECT, r"is nested more than about [\d,]+ levels deep"),
    line("a line that is a string", '"just text"', r"not a record shape kg knows .*: a string"),
    line("a line that is a number", "7", r"not a record shape kg knows .*: a number"),
    line("a line that is null", "null", r"not a record shape kg knows .*: null"),
    line("a line of an unknown shape", {"name": "x"}, r"not a record shape kg knows .*; its fields: 'name'"),
    # -- Crossref fields -----------------------------------------------------------------------
    line("DOI missing", {"type": "journal-article", "title": ["No DOI"]},
         r"crossref record \(no DOI\): field 'DOI' is missing; every Crossref work has one"),
    line("DOI a number", work(3, DOI=5), r"field 'DOI' is a number, expected a string \(value: 5\)"),
    line("DOI a list", work(3, DOI=["10.1/x"]), r"field 'DOI' is a list, expected a string"),
    line("DOI empty", work(3, DOI=""), r"field 'DOI' is missing"),
    doi("DOI without 10.", "11.1/x", r"a DOI starts with '10\.'"),
    doi("DOI without a slash", "10.1234", r"a DOI needs a '/'"),
    doi("DOI with a bad registrant", "10.abc/x", r"the registrant code '10\.abc' must be"),
    doi("DOI with an empty suffix", "10.1234/", r"the suffix after '10\.1234/' is empty"),
    doi("DOI with a NUL", "10.1234/a\x00b", r"a DOI cannot contain control characters"),
    doi("DOI with a tab", "10.1234/a\tb", r"a DOI cannot contain control characters"),
    doi("DOI with a line break", "10.1234/a\nb", r"a DOI cannot contain control characters"),
    doi("DOI with bad escapes", "https://doi.org/10.1234/%ff%fe", r"its %-escapes do not decode as UTF-8"),
    *[doi(f"DOI with U+{ord(c):04X}", f"10.1234/ab{c}c",
          re.escape(f"the invisible or bidirectional-control character U+{ord(c):04X} ({unicodedata.name(c)}) "
                    "at position 11; delete it or retype the DOI"))
      for c in INVISIBLE],
    line("title a number", work(3, title=5), r"field 'title' is a number, expected a list of strings \(value: 5\)"),
    line("title an object", work(3, title={"en": "x"}), r"field 'title' is an object, expected a list of strings"),
    line("title holding a number", work(3, title=["ok", 7]), r"field 'title\[1\]' is a number, expected a string"),
    line("title holding null", work(3, title=[None]), r"field 'title\[0\]' is null, expected a string"),
    line("title too long", work(3, title=["x" * 100_001]),
         r"crossref record 10\.5555/good\.3: field 'title' is 100,001 characters long; the limit is 100,000 "
         r"\(KG_MAX_TEXT_CHARS\)"),
    line("title with a lone surrogate", '{"DOI": "10.5555/s", "type": "journal-article", "title": ["a\\ud800b"]}',
         r"field 'title' holds an unpaired UTF-16 surrogate \(broken Unicode\)"),
    *[line(f"title with control U+{ord(c):04X}", work(3, title=[f"A{c}B"]),
           re.escape(f"crossref record 10.5555/good.3: field 'title' held 1 control character (U+{ord(c):04X}); "
                     "removed"), level="warning")
      for c in CONTROLS],
    line("abstract with many controls", work(3, abstract="a\x00\x01\x02b"),
         re.escape("field 'abstract' held 3 control characters (U+0000, U+0001, U+0002); removed"), "warning"),
    line("author a string", work(3, author="Smith"), r"field 'author' is a string, expected a list"),
    line("author holding a number", work(3, author=[5]), r"field 'author\[0\]' is a number, expected an object"),
    line("author holding a list", work(3, author=[["Smith"]]), r"field 'author\[0\]' is a list, expected an object"),
    line("author family a number", work(3, author=[{"family": 5}]), r"field 'author\[0\]\.family' is a number"),
    line("10,001 authors", work(3, author=[{"family": "A"}] * 10_001),
         r"field 'author' has 10,001 items; the first 10,000 are kept \(the limit is KG_MAX_LIST_ITEMS\)", "warning"),
    line("10,001 references", work(3, reference=[{"key": "r"}] * 10_001),
         r"field 'reference' has 10,001 items; the first 10,000 are kept", "warning"),
    line("reference a string", work(3, reference="none"), r"field 'reference' is a string, expected a list"),
    line("reference holding a string", work(3, reference=["10.1/x"]),
         r"field 'reference\[0\]' is a string, expected an object"),
    line("funder a number", work(3, funder=1), r"field 'funder' is a number, expected a list"),
    line("issued a string", work(3, issued="2020"), r"field 'issued' is a string, expected an object"),
    line("subtitle a number", work(3, subtitle=3), r"field 'subtitle' is a number, expected a list of strings"),
    line("type a list", work(3, type=["x"]), r"field 'type' is a list, expected a string"),
    line("publisher a number", work(3, publisher=1), r"field 'publisher' is a number, expected a string"),
    # -- DataCite ------------------------------------------------------------------------------
    line("DataCite DOI with U+200B", {"type": "dois", "id": "10.5555/x", "attributes": {
        "doi": "10.5555/x\u200b", "titles": [{"title": "T"}], "types": {"resourceTypeGeneral": "Dataset"}}},
         r"datacite record .*: field 'attributes\.doi' is not a valid DOI \(.*U\+200B \(ZERO WIDTH SPACE\)"),
    line("DataCite DOI with U+202E", {"type": "dois", "id": "10.5555/x", "attributes": {
        "doi": "10.5555/\u202ex", "titles": [{"title": "T"}], "types": {"resourceTypeGeneral": "Dataset"}}},
         r"field 'attributes\.doi' is not a valid DOI \(.*U\+202E \(RIGHT-TO-LEFT OVERRIDE\)"),
    line("DataCite titles a string", {"type": "dois", "id": "10.5555/x", "attributes": {
        "doi": "10.5555/x", "titles": "T"}}, r"datacite record 10\.5555/x: field 'attributes\.titles' is a string"),
    line("DataCite title with NUL", {"type": "dois", "id": "10.5555/x", "attributes": {
        "doi": "10.5555/x", "titles": [{"title": "T\x00"}], "types": {"resourceTypeGeneral": "Dataset"}}},
         r"field 'attributes\.titles\[0\]\.title' held 1 control character \(U\+0000\); removed", "warning"),
    # -- Zenodo --------------------------------------------------------------------------------
    line("Zenodo id a list", {"id": [1], "metadata": {"title": "T"}},
         r"zenodo record \(no id\): field 'id' is missing or is not a record number"),
    line("Zenodo title a number", {"id": 7, "doi": "10.5281/zenodo.7", "metadata": {"title": 5, "resource_type": {"type": "dataset"}}},
         r"zenodo record 7: field 'metadata\.title' is a number, expected a string"),
    line("Zenodo DOI with U+2066", {"id": 7, "doi": "10.5281/zenodo.7\u2066", "metadata": {
        "title": "T", "resource_type": {"type": "dataset"}}}, r"zenodo record 7: .*U\+2066"),
    # -- PDBe ----------------------------------------------------------------------------------
    line("PDBe entry not a list", {"1cbs": "oops"},
         r"pdbe entry response: field '1cbs' is a string, expected a list of objects"),
    line("PDBe entry item a number", {"1cbs": [5]}, r"pdbe entry response: field '1cbs\[0\]' is a number"),
    line("PDBe entry of no endpoint", {"1cbs": [{"colour": "blue"}]},
         r"pdbe entry response: the items of field '1cbs' have none of the fields of a PDBe endpoint"),
    line("PDBe record without items", {"pdb_id": "1cbs", "endpoint": "summary"}, r"pdbe record: field 'items' is missing"),
    line("PDBe record without endpoint", {"pdb_id": "1cbs", "items": [{"title": "T"}]},
         r"pdbe record: field 'endpoint' is missing"),
    line("PDBe search doc with a bad id", {"pdb_id": "not-an-id", "title": "T"},
         r"pdbe search document: field 'pdb_id' is not a PDB ID \(value: 'not-an-id'\)"),
    line("PDBe search docs not a list", {"response": {"docs": 5}},
         r"pdbe search answer: field 'response\.docs' is a number"),
    line("PDBe unknown endpoint", {"pdb_id": "1cbs", "endpoint": "colour", "items": [{"title": "T"}]},
         r"pdbe record 1cbs/colour: field 'endpoint' is not one kg maps"),
    line("PDBe key not a PDB id", {"pdb_id": "nope", "endpoint": "summary", "items": [{"title": "T"}]},
         r"pdbe record nope/summary: field 'nope' is a response key that is not a PDB ID"),
    # -- Scholix -------------------------------------------------------------------------------
    line("Scholix RelationshipType a string", {"Source": {}, "Target": {}, "RelationshipType": "Cites"},
         r"scholix Scholix link: field 'RelationshipType' is a string, expected an object with a Name"),
    line("Scholix without RelationshipType", {"Source": {}, "Target": {}},
         r"scholix Scholix link: field 'RelationshipType' is missing"),
    line("Scholix without Target", {"Source": {}, "RelationshipType": {"Name": "Cites"}, "LinkProvider": []},
         r"scholix Scholix link: field 'Target' is missing"),
    line("Scholix dump link without relationType", {"sourcePid": "10.1/a", "targetPid": "10.1/b"},
         r"scholix ScholeXplorer dump link: field 'relationType' is missing"),
    line("Scholix page result a number", {"result": 5, "totalLinks": 1},
         r"scholix links page: field 'result' is a number, expected a list of links"),
    line("Scholix entity identifier a string", {"dnetIdentifier": "x", "objectType": "dataset", "identifier": "z"},
         r"scholix entity: field 'identifier' is a string, expected a list of identifiers"),
    line("Scholix Source not an object", {"Source": "10.1/a", "Target": {}, "RelationshipType": {"Name": "Cites"}},
         r"scholix record .*: field 'Source' is a string, expected an object"),
    # -- OpenCitations -------------------------------------------------------------------------
    line("OpenCitations citing DOI with U+200D", {"oci": "1-2", "citing": "10.1/a\u200d", "cited": "10.1/b"},
         r"opencitations record .*: field 'citing' .*U\+200D \(ZERO WIDTH JOINER\)"),
]


def run(path: Path, limits: Limits = LIMITS) -> LoadReport:
    return load(Store.open(None), read_paths([path], limits))


def shown(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_the_table_holds_over_a_hundred_kinds() -> None:
    assert len({r.name for r in ROWS}) == len(ROWS) >= 100


@pytest.mark.parametrize("bad", ROWS, ids=[r.name for r in ROWS])
def test_a_bad_input_gives_its_message_and_the_rest_loads(bad: Bad, tmp_path: Path) -> None:
    path = tmp_path / bad.file
    path.write_bytes(bad.content)
    report = run(path)
    problems = [p for p in report.problems if p.level == bad.level]
    assert problems, shown(report.problems)
    assert all(p.origin == str(path) or p.origin == path.resolve().as_uri() for p in problems)
    assert any(re.search(bad.message, str(p)) for p in problems), shown(problems)
    assert report.loaded == bad.loaded, shown(report.problems)
    assert report.rejected == (1 if bad.level == "error" else 0)


@pytest.mark.parametrize(("name", "content"), [
    ("a BOM before a record", b"\xef\xbb\xbf" + GOOD_1),
    ("a BOM before JSON Lines", b"\xef\xbb\xbf" + GOOD_1 + b"\n" + GOOD_2 + b"\n"),
    ("CRLF line ends", GOOD_1 + b"\r\n" + GOOD_2 + b"\r\n"),
    ("blank lines between records", GOOD_1 + b"\n\n   \n" + GOOD_2 + b"\n"),
])
def test_what_looks_odd_but_is_fine_loads(name: str, content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    report = run(path)
    assert report.problems == []
    assert report.loaded == content.count(b'"DOI"')


@pytest.mark.parametrize(("file", "content"), [
    ("page.html", b"<html></html>"), ("blob.bin", b"\x00\x01"), ("dump.gz", b"not gzip"),
    ("notes.txt", b"hello"), ("data.tsv", b"a\tb\n"), ("records.json.bz2", b"BZh"),
])
def test_a_file_in_a_folder_that_is_not_read_is_listed_with_why(file: str, content: bytes, tmp_path: Path) -> None:
    (tmp_path / "good.json").write_bytes(GOOD_1)
    (tmp_path / file).write_bytes(content)
    (tmp_path / "good.json.meta").write_text("{}")  # a cache sidecar: passed over quietly
    report = run(tmp_path)
    assert report.loaded == 1
    assert shown(report.problems) == [f"skipped: {tmp_path / file}: not a record file: kg reads .json, .jsonl, "
                                      ".ndjson, .csv, .xml, .json.gz, .jsonl.gz, .ndjson.gz, .csv.gz, .xml.gz"]
    assert report.summary() == "1 loaded, 0 unchanged, 0 rejected (0 warnings, 1 files skipped)"


def test_a_device_is_refused_not_read_until_killed() -> None:
    report = run(Path("/dev/zero"))
    assert shown(report.problems) == ["error: /dev/zero: is a device, not a file; kg loads files and folders"]
