"""A streamed demo (``generate(..., sink=)`` into ``api.demo_spill.SpillSink``) gives exactly the steps,
order, documents and counts of the demo held in memory, for every seed and size."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli.demo import OPENING, opening_steps, summarise
from api.demo_spill import SpillSink
from demo import generate
from tests.helpers.examples import scaled

AS_OF = date(2026, 3, 1)


def _same(cases: int, seed: int, as_of: date, share: float = 0.15) -> None:
    held = generate(cases, seed, as_of, defect_share=share)
    with SpillSink() as sink:
        lean = generate(cases, seed, as_of, defect_share=share, sink=sink)
        streamed = [(backfill, list(steps)) for backfill, steps in sink.segments()]
        assert streamed == [(s.backfill, list(s.steps)) for s in held.segments() if s.steps]
        assert {d.sha256: d for d in sink.stored_documents()} == dict(held.documents)
        assert sink.count == held.step_count
        assert summarise(lean, share, sink.count).as_json() == summarise(held, share).as_json()
        firsts = [c.steps[0] for c in held.cases if c.stream.endswith("-0001") and c.steps]
        assert opening_steps(lean, sink) == [s for s in held.registry if s["type"] in OPENING] + firsts
    assert all(not c.steps for c in lean.cases) and all(not f.steps for f in lean.licences)


def test_a_streamed_demo_is_the_demo_held_in_memory() -> None:
    _same(300, 1, AS_OF)


def test_a_streamed_demo_without_cases_or_all_defective() -> None:
    _same(0, 2, AS_OF)
    _same(40, 11, AS_OF, share=1.0)


@settings(max_examples=scaled(12), deadline=None)
@given(seed=st.integers(0, 2**31), days=st.integers(0, 800), cases=st.integers(1, 60),
       share=st.sampled_from([0.0, 0.15, 0.5]))
def test_for_all_seeds_dates_and_sizes_streaming_changes_nothing(seed: int, days: int, cases: int,
                                                                  share: float) -> None:
    _same(cases, seed, AS_OF + timedelta(days=days), share)


def test_the_sink_drops_documents_when_asked() -> None:
    with SpillSink(documents=False) as sink:
        generate(20, 1, AS_OF, sink=sink)
        assert list(sink.stored_documents()) == []
        assert sink.count > 0
