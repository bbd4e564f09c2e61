"""The answer cache: one computation per question and store revision, bounded by entries and bytes, and
never an answer of an older revision once a newer one was asked for."""

from __future__ import annotations

import threading
from pathlib import Path

from kg.answer_cache import AnswerCache, approximate_size
from kg.graph import KnowledgeGraph
from kg.store import Store
from loaders.pipeline import load
from loaders.read import read_paths

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_a_question_is_computed_once_per_revision() -> None:
    cache = AnswerCache()
    calls: list[str] = []

    def compute() -> str:
        calls.append("x")
        return f"answer {len(calls)}"

    assert [cache.answer("r1", "q", compute) for _ in range(3)] == ["answer 1"] * 3
    assert cache.answer("r2", "q", compute) == "answer 2"
    assert cache.stats().hits == 2 and cache.stats().misses == 2


def test_a_newer_revision_drops_the_older_answers_and_a_late_one_is_not_kept() -> None:
    cache = AnswerCache()
    cache.put("r1", "a", "old")
    assert cache.get("r2", "a") is None
    assert cache.stats().entries == 0
    cache.put("r1", "a", "computed before the write, finished after")
    assert cache.get("r1", "a") is None and cache.stats().entries == 0
    cache.put("r2", "a", "new")
    assert cache.get("r2", "a") == "new"


def test_many_distinct_questions_stay_within_the_bounds() -> None:
    by_entries = AnswerCache(max_bytes=1 << 30, max_entries=100)
    by_bytes = AnswerCache(max_bytes=200_000)
    for n in range(5_000):
        by_entries.put("r", n, n)
        by_bytes.put("r", n, "x" * 1_000)
    assert by_entries.stats().entries == 100
    assert by_entries.get("r", 4_999) == 4_999 and by_entries.get("r", 0) is None  # the least recent went
    assert 0 < by_bytes.stats().bytes <= 200_000
    assert by_bytes.stats().entries < 200


def test_an_answer_too_big_for_an_eighth_of_the_cache_is_not_kept() -> None:
    cache = AnswerCache(max_bytes=80_000)
    cache.put("r", "big", "x" * 20_000)
    assert cache.stats().entries == 0


def test_two_threads_asking_at_once_compute_once() -> None:
    cache = AnswerCache()
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        started.set()
        release.wait(30)
        return "done"

    answers: list[str] = []
    first = threading.Thread(target=lambda: answers.append(cache.answer("r", "q", slow)))
    first.start()
    started.wait(30)
    second = threading.Thread(target=lambda: answers.append(cache.answer("r", "q", slow)))
    second.start()
    release.set()
    first.join(30)
    second.join(30)
    assert answers == ["done", "done"] and len(calls) == 1


def test_an_error_is_not_kept() -> None:
    cache = AnswerCache()

    def failing() -> str:
        raise ValueError("no")

    for _ in range(2):
        try:
            cache.answer("r", "q", failing)
        except ValueError:
            pass
    assert cache.stats().misses == 2 and cache.stats().entries == 0


def test_sizes_count_shared_objects_once() -> None:
    text = "y" * 10_000
    assert approximate_size([text, text]) < approximate_size([text, "z" * 10_000])


def test_the_facade_asks_the_store_once_and_again_after_any_write() -> None:
    g = KnowledgeGraph(Store.open(None), AnswerCache())
    load(g.store, read_paths([SAMPLES]))
    questions = [lambda: g.work("PDB 6GV0"), lambda: g.related("PDB 6GV0"), lambda: g.chain("PDB 6GV0"),
                 lambda: g.metrics.item("PDB 6GV0"), lambda: g.summaries(["https://doi.org/10.2210/pdb6gv0/pdb"])]
    first = [ask() for ask in questions]
    asked = g.store.query_count
    assert [ask() for ask in questions] == first
    assert g.store.query_count == asked
    g.store.update("INSERT DATA { GRAPH <urn:kg-test:g> { <https://doi.org/10.2210/pdb6gv0/pdb> "
                   "<http://schema.org/name> 'A title added later' } }")
    assert "A title added later" in g.work("PDB 6GV0").titles
    assert g.store.query_count > asked


def test_a_caller_changing_its_answer_does_not_change_the_kept_one() -> None:
    g = KnowledgeGraph(Store.open(None), AnswerCache())
    load(g.store, read_paths([SAMPLES]))
    related = g.related("PDB 6GV0")
    assert related
    related.clear()
    assert g.related("PDB 6GV0")
