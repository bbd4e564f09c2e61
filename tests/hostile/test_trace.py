"""The trace amplifier (issue 13, finding 3): 1 MB of one sentence citing a DOI, repeated, was answered
with 280 MB of JSON, the service grew to 1.4 GB and /healthz stalled 8 s. Now the sentence is one claim
with its count of occurrences, the DOI is resolved once, its chain computed and sent once: the answer is
a few kilobytes, and the service's memory and /healthz stay within bounds, four such traces at once."""

from __future__ import annotations

import threading

import requests

from tests.hostile.conftest import healthy, peak_memory_mb
from tests.web.conftest import Live

ARTICLE = "https://doi.org/10.1038/s41598-021-81251-2"
SENTENCE = "The structure was reported in Scientific Reports (doi:10.1038/s41598-021-81251-2) last year. "
#: one megabyte of the sentence
TEXT = SENTENCE * (1_000_000 // len(SENTENCE))
#: the answer's size at most: one claim, one work, one chain (it was 280 MB)
MAX_ANSWER = 100_000
#: the service process's peak resident memory at most, four traces sent at once (it reached 2.2 GB)
MAX_PEAK_MB = 900


def trace(live: Live) -> requests.Response:
    return requests.post(live("/api/trace"), json={"text": TEXT}, timeout=300)


def test_a_megabyte_of_one_sentence_is_one_claim_counted(target: Live) -> None:
    answer = trace(target)
    assert answer.status_code == 200, answer.text[:500]
    assert len(answer.content) < MAX_ANSWER
    found = answer.json()
    # each sentence refers back ("The structure ..."), so sentences join into claims of at most 2,000
    # characters: the same claim, repeated, and the shorter one at the end
    claims = found["claims"]
    assert 1 <= len(claims) <= 2
    assert sum(c["occurrences"] * c["text"].count(SENTENCE.strip()) for c in claims) == len(TEXT) // len(SENTENCE)
    assert {w["iri"] for c in claims for w in c["works"]} == {ARTICLE}
    assert claims[0]["works"][0]["chain"]["root"] == ARTICLE
    assert found["truncated"] is False
    assert found["limits"] == {"max_claims": 200, "max_characters": 1_000_000, "claims_found": len(claims)}


def test_many_distinct_claims_are_cut_at_the_limit_and_said_so(target: Live) -> None:
    text = "".join(f"Study {i} in Scientific Reports (doi:10.1038/s41598-021-81251-2) found {i} cells. "
                   for i in range(250))
    found = requests.post(target("/api/trace"), json={"text": text}, timeout=300).json()
    assert len(found["claims"]) == 200
    assert found["truncated"] is True
    assert found["limits"]["claims_found"] == 250
    assert any("only the first 200 of 250 distinct claims are answered" in n for n in found["notes"])
    chains = [w["chain"] for c in found["claims"] for w in c["works"]]
    assert len(chains) == 200
    assert sum(chain is not None for chain in chains) == 1  # the work's chain is sent once


def test_four_megabyte_traces_at_once_keep_the_service_answering(target: Live) -> None:
    answers: list[requests.Response] = []
    attacks = [threading.Thread(target=lambda: answers.append(trace(target))) for _ in range(4)]
    for attack in attacks:
        attack.start()
    health = [healthy(target)]
    while any(a.is_alive() for a in attacks):
        health.append(healthy(target))
    for attack in attacks:
        attack.join()
    assert all(health), health
    assert [a.status_code for a in answers] == [200] * 4
    assert all(len(a.content) < MAX_ANSWER for a in answers)
    assert peak_memory_mb(target) < MAX_PEAK_MB
