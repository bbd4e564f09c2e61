"""The name a funder is shown by, on the real corpus (``../shared/realdata``): Crossref records name a
funder as their authors typed it, so one Funder ID carries several names ("NSFC", a project's name in the
funder's place). The funder's own registry record's name comes first, then the one most records give; the
longest only breaks ties. Expectations are computed from the records' JSON, never from kg's output."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from starlette.testclient import TestClient

from kg.store import Store
from kg.web.app import create_app
from kg.works import names
from tests.loaders.test_realdata import ABSENT, REALDATA
from tests.web.test_graphql_datacite import execute

pytestmark = [pytest.mark.realdata, pytest.mark.skipif(not REALDATA.is_dir(), reason=ABSENT)]

NSFC, NSF = "10.13039/501100001809", "10.13039/100000001"


def crossref_names(funder: str) -> Counter[str]:
    """How many Crossref work records name ``funder`` (by its Funder ID) by each name."""
    counts: Counter[str] = Counter()
    for path in sorted((REALDATA / "crossref").glob("works*/*.json")):
        message = json.loads(path.read_text("utf-8"))["message"]
        for work in message.get("items", [message]):
            counts.update({f["name"].strip() for f in work.get("funder", [])
                           if f.get("DOI") == funder and f.get("name")})
    return counts


def registry_name(funder: str) -> str | None:
    path = REALDATA / "crossref" / "funders" / f"{funder.split('/')[1]}.json"
    found: str | None = json.loads(path.read_text("utf-8"))["message"]["name"] if path.exists() else None
    return found


def test_a_funder_is_named_by_the_name_most_records_give_not_the_longest(corpus: Store) -> None:
    counts = crossref_names(NSFC)
    (most, n), (_, second) = counts.most_common(2)
    longest = max(counts, key=len)
    assert registry_name(NSFC) is None and n > second and longest != most  # the case: an outlier is longest
    assert names(corpus, [f"https://doi.org/{NSFC}"]) == {f"https://doi.org/{NSFC}": most}
    found = execute(corpus, f'{{ funder(id: "{NSFC}") {{ name }} }}')
    assert found.errors is None and found.data == {"funder": {"name": most}}


def test_a_funders_registry_record_names_it_first(corpus: Store) -> None:
    own = registry_name(NSF)
    counts = crossref_names(NSF)
    assert own and max(counts, key=len) != own  # the longest is another (e.g. "NSF (National Science Foundation)")
    assert names(corpus, [f"https://doi.org/{NSF}"]) == {f"https://doi.org/{NSF}": own}
    found = execute(corpus, f'{{ funder(id: "{NSF}") {{ name }} }}')
    assert found.errors is None and found.data == {"funder": {"name": own}}


def test_the_funder_dashboard_heads_with_that_name(corpus: Store) -> None:
    most = crossref_names(NSFC).most_common(1)[0][0]
    with TestClient(create_app(corpus)) as client:
        page = client.get(f"/funders/{NSFC}")
        csv = client.get(f"/api/metrics/funder?id={NSFC}&format=csv")
    assert page.status_code == 200 and f"<h1>{most}" in page.text
    assert csv.status_code == 200 and most in csv.text


def test_a_works_funding_references_name_its_funders_as_its_own_record_does(corpus: Store) -> None:
    """GraphQL's fundingReferences read each funder's names from every graph, and gave eLife's Swiss funder
    the German name another record uses, where eLife's own record says "Swiss National Science Foundation"."""
    message = json.loads((REALDATA / "crossref" / "works" / "10.7554_elife.01567.json").read_text("utf-8"))["message"]
    own = {f"https://doi.org/{f['DOI']}": f["name"] for f in message["funder"] if f.get("DOI")}
    elsewhere = {f: crossref_names(f.removeprefix("https://doi.org/")) for f in own}
    assert any(set(n) - {own[f]} for f, n in elsewhere.items())  # another record names one of them otherwise
    query = '{ work(id: "%s") { fundingReferences { funderIdentifier funderName } } }'  # noqa: UP031 (braces)
    found = execute(corpus, query % message["DOI"])
    assert found.errors is None and found.data is not None
    shown = {r["funderIdentifier"]: r["funderName"] for r in found.data["work"]["fundingReferences"]}
    assert {f: shown.get(f) for f in own} == own
