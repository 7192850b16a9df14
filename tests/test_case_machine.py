"""A hypothesis state machine drives random sequences of steps through one case on a real ledger.

Steps come from the example cases' templates — the case's own next step, any case step out
of order, and perturbed ones (missing fields, wrong roles and actors, out-of-range or
ill-typed amounts, shifted or malformed times, wrong types, stray overrides, garbage
values) — recorded live or as 补录, alone or in small batches, through ``Ledger.record``
on a real SQLite store with the default admission (structure + gates).

Checked after every step: each stream's chain reads back (``Ledger.read``), the store
holds exactly the accepted events, ``verify_store`` is clean, a refused call wrote nothing
and its ``StepRefused`` names a rules.md id that is a gate, or a ``STRUCT-``/``KEY-``/``SIG-``
reason; while the case is still a lawful prefix of its template the next template step
is accepted. At the end the accepted calls replayed into a fresh store give the same
streams (same steps, flags and signers) and the same ``fold_case`` state.
"""

from __future__ import annotations

import copy
import re
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from domain.casestate import fold_case
from domain.errors import StepRefused
from domain.gates import gate_rule_ids
from domain.vocabulary import STEPS
from ledger.keys import KeyStore
from ledger.service import Ledger
from ledger.store import EventStore, StoreConfig
from ledger.verify import verify_store
from tests.helpers.examples import scaled
from tests.helpers.gate_context import BOOTSTRAP_STEP, Raw, load
from tests.helpers.spec_paths import RULES_MD

ADMIN = "officer/admin"
CASE_FILES = ("general-case.jsonl", "summary-case.jsonl", "no-penalty-case.jsonl", "transfer-case.jsonl")
TEMPLATES: dict[str, list[Raw]] = {name: load(name) for name in CASE_FILES}
ALL_CASE_STEPS: list[Raw] = [s for steps in TEMPLATES.values() for s in steps]
AMOUNT_STEPS: list[Raw] = [s for s in ALL_CASE_STEPS if "amount_fen" in repr(s["data"])]
PEOPLE = ["officer/42011219001", "officer/42011219002", "officer/42011219003", "officer/42011219004",
          "officer/42011219005", "officer/42011219007", "officer/SFJ-0001", ADMIN, "officer/nobody"]
RULE_IDS = frozenset(re.findall(r"\b(?:PEN|TS|PUB|EVAL|CAL|RC|LIT)-\d+\b", RULES_MD.read_text(encoding="utf-8")))
STRUCTURAL = ("STRUCT-", "KEY-", "SIG-")


def refusal_is_named(rule: str) -> bool:
    """A rules.md id — and then one of the gates, the only rules that refuse — or a structural reason."""
    if rule.startswith(STRUCTURAL):
        return True
    return rule in RULE_IDS and rule in gate_rule_ids()


def new_ledger(directory: Path) -> Ledger:
    directory.mkdir(parents=True)
    keystore = KeyStore.create(directory / "keys.json", "machine", work_factor=2**10)
    ledger = Ledger(EventStore(StoreConfig(sqlite_path=str(directory / "ledger.sqlite"))), keystore)
    ledger.record([BOOTSTRAP_STEP], actor=ADMIN)
    ledger.record(load("registry.jsonl"), actor=ADMIN)
    return ledger


# --------------------------------------------------------------------------- perturbations

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8), st.sampled_from(["", "2026-03-04", "2026-03-04T10:00:00+08:00", "officer/42011219003",
                                          "agency/DXH-CGJ", "case/DXH-CGJ-2026-0012", "fine", "penalty",
                                          "\ud800", "a\x00b", "\u202e"]),
)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["type", "amount_fen", "law", "article", "x"]),
                                                 inner, max_size=3)), max_leaves=6)
AMOUNTS = st.one_of(st.integers(-(2**64), 2**64), st.integers(0, 10_000_000), st.sampled_from([0, 1, 20_000, 20_001,
                    500_000, 5_000_000, 5_000_001, 2**63 - 1, 2**63, 2**64]), st.floats(allow_nan=False),
                    st.booleans(), st.none(), st.text(max_size=4))
TIMES = st.one_of(
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2035, 12, 31),
                 timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-12))]))
    .map(lambda d: d.isoformat(timespec="seconds")),
    st.sampled_from(["2026-03-04T10:00:00", "2026-03-04", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                     "9999-12-31T10:00:00+08:00", "0001-01-02T00:00:00+08:00", "1900-01-01T00:00:00+08:00",
                     "9999-12-31T23:00:00+00:00", "2026-03-04T10:00:00.123456789+08:00",
                     "2026-02-30T10:00:00+08:00", "2026-03-04T25:00:00+08:00", "not a time", ""]),
)

DATES = st.one_of(
    st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "9998-12-31", "2026-02-30", "2026-13-01", "2026-3-4", ""]),
)
DATE_KEYS = ("_on", "birth_date", "until", "due", "valid_from", "valid_to", "correction_due")


def _date_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        found = [(*path, k) for k in value if isinstance(k, str) and k.endswith(DATE_KEYS)]
        return found + [p for k, v in value.items() for p in _date_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _date_paths(v, (*path, i))]
    return []


def _amount_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        found = [(*path, "amount_fen")] if "amount_fen" in value else []
        return found + [p for k, v in value.items() for p in _amount_paths(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _amount_paths(v, (*path, i))]
    return []


def _assign(target: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def perturb(data: st.DataObject, raw: Raw) -> tuple[Raw, str]:
    """One random thing wrong with a step (what, for the failure report)."""
    step = copy.deepcopy(raw)
    kind = data.draw(st.sampled_from(["drop_data_field", "drop_step_field", "wrong_by", "amount", "officers",
                                      "time", "type", "override", "data_value", "data_shape", "extra_field",
                                      "field_time", "field_date"]), label="perturbation")
    fields = sorted(step["data"])
    if kind == "drop_data_field" and fields:
        del step["data"][data.draw(st.sampled_from(fields), label="dropped")]
    elif kind == "drop_step_field":
        del step[data.draw(st.sampled_from(["stream", "type", "at", "by", "data"]), label="dropped")]
    elif kind == "wrong_by":
        step["by"] = data.draw(st.sampled_from([*PEOPLE, "agency/DXH-CGJ", "officer/", ""]), label="by")
    elif kind == "amount":
        paths = _amount_paths(step["data"]) or [("penalties", 0, "amount_fen")]
        if not _amount_paths(step["data"]):
            step["data"]["penalties"] = [{"type": "fine", "amount_fen": 0}]
        _assign(step["data"], data.draw(st.sampled_from(paths), label="where"), data.draw(AMOUNTS, label="amount"))
    elif kind == "officers":
        step["data"]["officers"] = data.draw(st.one_of(
            st.lists(st.sampled_from(PEOPLE), max_size=3), JSON_VALUES), label="officers")
    elif kind == "time":
        step["at"] = data.draw(TIMES, label="at")
    elif kind == "type":
        step["type"] = data.draw(st.one_of(st.sampled_from(sorted(STEPS)), st.text(max_size=6)), label="type")
    elif kind == "override":
        step["override"] = data.draw(st.one_of(
            st.fixed_dictionaries({"rule": st.sampled_from([*sorted(gate_rule_ids()), "PEN-23", "X"]),
                                   "justification": st.sampled_from(["", "紧急情况，负责人批准", " "]),
                                   "authorized_by": st.sampled_from(PEOPLE)}),
            st.lists(st.fixed_dictionaries({"rule": st.sampled_from(sorted(gate_rule_ids())),
                                            "justification": st.just("负责人批准"),
                                            "authorized_by": st.sampled_from(PEOPLE)}), max_size=3),
            JSON_VALUES), label="override")
    elif kind == "data_value" and fields:
        step["data"][data.draw(st.sampled_from(fields), label="field")] = data.draw(JSON_VALUES, label="value")
    elif kind == "data_shape":
        step["data"] = data.draw(st.one_of(st.none(), st.lists(JSON_SCALARS, max_size=2), st.text(max_size=3)),
                                 label="data")
    elif kind == "extra_field":
        step[data.draw(st.sampled_from(["recorded_at", "version", "nonce", "note"]), label="extra")] = 1
    elif kind == "field_time":
        timed = [f for f in fields if f.endswith("_at")] or ["served_at"]
        step["data"][data.draw(st.sampled_from(timed), label="field")] = data.draw(TIMES, label="value")
    elif kind == "field_date":
        paths = _date_paths(step["data"]) or [("violation", "ended_on")]
        if not _date_paths(step["data"]):
            step["data"]["violation"] = {"summary": "x", "discovered_on": "2026-03-02"}
        _assign(step["data"], data.draw(st.sampled_from(paths), label="where"), data.draw(DATES, label="date"))
    return step, kind


# --------------------------------------------------------------------------- the machine


class CaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="case_machine_"))
        self.ledger = new_ledger(self.root / "main")
        self.base = self.ledger.store.count()
        self.accepted: list[tuple[list[Raw], str, bool]] = []
        self.lengths: dict[str, int] = {}
        self.template: list[Raw] = []
        self.stream = ""
        self.cursor = 0
        self.lawful = True
        """True while the case holds exactly its template's first ``cursor`` steps, recorded live."""

    # -- recording ---------------------------------------------------------------------

    def attempt(self, steps: list[Raw], actor: str, backfill: bool) -> bool:
        count = self.ledger.store.count()
        heads = {s.get("stream"): self.ledger.stream_head(s["stream"]) for s in steps
                 if isinstance(s.get("stream"), str) and s["stream"] in self.lengths}
        try:
            appended = self.ledger.record(steps, actor=actor, backfill=backfill)
        except StepRefused as exc:
            assert refusal_is_named(exc.rule), f"unnamed refusal {exc.rule!r}: {exc}"
            assert exc.message.strip(), exc
            assert exc.index is None or 0 <= exc.index < len(steps)
            assert self.ledger.store.count() == count, "a refused call wrote something"
            assert {s: self.ledger.stream_head(s) for s in heads} == heads
            event(f"refused {exc.rule}")
            return False
        event("accepted " + ("backfill" if backfill else "live"))
        self.accepted.append((copy.deepcopy(steps), actor, backfill))
        for step, done in zip(steps, appended, strict=True):
            self.lengths[step["stream"]] = self.lengths.get(step["stream"], 0) + 1
            assert (done.stream, done.version) == (step["stream"], self.lengths[step["stream"]])
        return True

    def retarget(self, raw: Raw) -> Raw:
        step = copy.deepcopy(raw)
        step["stream"] = self.stream
        return step

    # -- rules -------------------------------------------------------------------------

    @initialize(name=st.sampled_from(CASE_FILES))
    def choose_case(self, name: str) -> None:
        self.template = TEMPLATES[name]
        self.stream = self.template[0]["stream"]

    @rule(as_admin=st.booleans())
    def next_step(self, as_admin: bool) -> None:
        """The template's next step, as its ``by`` or the admin acting for it."""
        if self.cursor >= len(self.template):
            return
        step = self.template[self.cursor]
        ok = self.attempt([step], ADMIN if as_admin else step["by"], False)
        if self.lawful:
            assert ok, f"a lawful case refused its next step {step['type']}"
        self.cursor += 1

    @rule(data=st.data(), backfill=st.booleans())
    def out_of_order(self, data: st.DataObject, backfill: bool) -> None:
        """Any case step of any template, on this case, at this point."""
        step = self.retarget(data.draw(st.sampled_from(ALL_CASE_STEPS), label="step"))
        if self.attempt([step], ADMIN if backfill else step["by"], backfill):
            self.lawful = False

    @rule(data=st.data(), backfill=st.booleans(), base=st.sampled_from(["next", "any", "amount"]))
    def perturbed(self, data: st.DataObject, backfill: bool, base: str) -> None:
        if base == "next" and self.cursor < len(self.template):
            raw = self.template[self.cursor]
        elif base == "amount":
            raw = self.retarget(data.draw(st.sampled_from(AMOUNT_STEPS), label="step"))
        else:
            raw = self.retarget(data.draw(st.sampled_from(ALL_CASE_STEPS), label="step"))
        step, _ = perturb(data, raw)
        by = step.get("by")
        actor = ADMIN if backfill or not isinstance(by, str) else by
        if self.attempt([step], actor, backfill):
            self.lawful = False

    @rule(actor=st.sampled_from(PEOPLE))
    def wrong_actor(self, actor: str) -> None:
        """The next template step recorded by someone who is neither its ``by`` nor an admin."""
        if self.cursor >= len(self.template):
            return
        step = self.template[self.cursor]
        if self.attempt([step], actor, False):
            assert actor in (step["by"], ADMIN), f"{actor} recorded a step of {step['by']}"
            if self.lawful:
                self.cursor += 1

    @rule(data=st.data(), backfill=st.booleans())
    def batch(self, data: st.DataObject, backfill: bool) -> None:
        """Two to four steps in one call: all recorded or none."""
        size = data.draw(st.integers(2, 4), label="size")
        steps: list[Raw] = []
        continuation = not backfill
        for i in range(size):
            choice = data.draw(st.sampled_from(["next", "any", "perturbed"]), label="choice")
            if choice == "next" and self.cursor + i < len(self.template) and len(steps) == i:
                steps.append(self.template[self.cursor + i])
                continue
            continuation = False
            raw = self.retarget(data.draw(st.sampled_from(ALL_CASE_STEPS), label="step"))
            steps.append(perturb(data, raw)[0] if choice == "perturbed" else raw)
        if self.attempt(steps, ADMIN, backfill):
            if self.lawful and continuation:
                self.cursor += len(steps)
            else:
                self.lawful = False
        elif self.lawful and continuation:
            raise AssertionError("a lawful case refused its next steps as one batch")

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def chains_hold_and_verify(self) -> None:
        for stream, length in self.lengths.items():
            events = self.ledger.read(stream)  # versions, prev hashes, the head's signature
            assert len(events) == length, stream
        assert self.ledger.store.count() == self.base + sum(self.lengths.values())
        report = verify_store(self.ledger.store, workers=1)
        assert report.ok, report.problems

    def teardown(self) -> None:
        try:
            self.replay_gives_the_same_state()
        finally:
            self.ledger.close()
            shutil.rmtree(self.root, ignore_errors=True)

    def replay_gives_the_same_state(self) -> None:
        if not self.accepted:
            return
        fresh = new_ledger(self.root / "replay")
        try:
            for steps, actor, backfill in self.accepted:
                fresh.record(steps, actor=actor, backfill=backfill)
            for stream in self.lengths:
                ours, theirs = self.ledger.read(stream), fresh.read(stream)
                assert [e.step() for e in ours] == [e.step() for e in theirs], stream
                for a, b in zip(ours, theirs, strict=True):
                    assert (a.signer[0], a.envelope.get("actor"), a.envelope.get("backfilled")) == (
                        b.signer[0], b.envelope.get("actor"), b.envelope.get("backfilled"))
                if stream.startswith("case/"):
                    assert fold_case(stream, [e.envelope for e in ours]) == fold_case(
                        stream, [e.envelope for e in theirs])
        finally:
            fresh.close()


HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def test_random_step_sequences_keep_the_ledger_sound() -> None:
    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=scaled(15), stateful_step_count=20, deadline=None, suppress_health_check=HEALTH))


@pytest.mark.slow
def test_random_step_sequences_keep_the_ledger_sound_long() -> None:
    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=scaled(200), stateful_step_count=50, deadline=None, suppress_health_check=HEALTH))


# --------------------------------------------------------------------------- what the machine found
# Each of these used to escape ``Ledger.record`` as an unnamed exception (EncodingError,
# ValueError, OverflowError) instead of a refusal; now each is refused, naming a reason.


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ``new_ledger`` for the module; each test opens a copy (recording the registry costs more)."""
    directory = tmp_path_factory.mktemp("machine") / "ledger"
    new_ledger(directory).close()
    return directory


@pytest.fixture
def ledger(tmp_path: Path, template: Path) -> Any:
    shutil.copytree(template, tmp_path / "ledger")
    led = Ledger(EventStore(StoreConfig(sqlite_path=str(tmp_path / "ledger" / "ledger.sqlite"))),
                 KeyStore(tmp_path / "ledger" / "keys.json", "machine"))
    yield led
    led.close()


def _refused(ledger: Ledger, step: Raw, *, backfill: bool = False) -> StepRefused:
    count = ledger.store.count()
    with pytest.raises(StepRefused) as caught:
        ledger.record([step], actor=ADMIN, backfill=backfill)
    assert ledger.store.count() == count
    assert refusal_is_named(caught.value.rule)
    return caught.value


@pytest.mark.parametrize("value", [2**53, -(2**53), 2**63 - 1, -67_421_308_298_716_096])
@pytest.mark.parametrize("backfill", [False, True])
def test_an_integer_the_canonical_bytes_cannot_hold_is_refused_structurally(
        ledger: Ledger, value: int, backfill: bool) -> None:
    summary = TEMPLATES["summary-case.jsonl"]
    step = copy.deepcopy(summary[0])
    step["data"]["penalties"] = [{"type": "fine", "amount_fen": value}]  # a field CaseRegistered does not list
    assert _refused(ledger, step, backfill=backfill).rule == "STRUCT-FIELD"
    typed = copy.deepcopy(summary[3])  # PaymentRecorded.amount_fen
    ledger.record(summary[:3], actor=ADMIN)
    typed["data"]["amount_fen"] = value
    assert _refused(ledger, typed, backfill=backfill).rule == "STRUCT-FIELD"
    step["data"]["penalties"][0]["amount_fen"] = 2**53 - 1
    typed["data"]["amount_fen"] = 2**53 - 1
    ledger.record([typed], actor=ADMIN, backfill=True)


@pytest.mark.parametrize("at", ["2026-03-04T25:00:00+08:00", "2026-02-30T10:00:00+08:00",
                                "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                                "9999-12-31T23:00:00+00:00"])
@pytest.mark.parametrize("backfill", [False, True])
def test_a_time_that_does_not_exist_is_refused(ledger: Ledger, at: str, backfill: bool) -> None:
    step = copy.deepcopy(TEMPLATES["summary-case.jsonl"][0])
    step["at"] = at
    assert _refused(ledger, step, backfill=backfill).rule == "STRUCT-TIME"
    step = copy.deepcopy(TEMPLATES["summary-case.jsonl"][0])
    ledger.record([step], actor=ADMIN)
    served = copy.deepcopy(TEMPLATES["summary-case.jsonl"][2])  # DecisionServed.served_at
    served["data"]["served_at"] = at
    assert _refused(ledger, served, backfill=backfill).rule == "STRUCT-FIELD"


def test_periods_and_ages_past_the_last_representable_day_fail_closed(ledger: Ledger) -> None:
    """A notice served on 9999-12-28: its statement window would end in year 10000. The gate
    cannot count it, so it refuses (as for an unknown year); 补录 records what the paper says."""
    ledger.clock = lambda: datetime(9999, 12, 30, 12, tzinfo=UTC)  # live steps in 9999 within the horizon
    steps = copy.deepcopy(TEMPLATES["general-case.jsonl"])
    index = next(i for i, s in enumerate(steps) if s["type"] == "DecisionMade")
    notice = next(s for s in steps if s["type"] == "PenaltyNoticeServed")
    notice["at"] = notice["data"]["served_at"] = "9999-12-28T10:00:00+08:00"
    steps[index]["at"] = "9999-12-31T10:00:00+08:00"
    ledger.record(steps[:index], actor=ADMIN)
    refusal = _refused(ledger, steps[index])
    assert refusal.rule == "PEN-10" and "无法计算" in refusal.message
    ledger.record([steps[index]], actor=ADMIN, backfill=True)
    # a violation that ended in the last year: its limitation period runs past year 9999 (lawful)
    summary = copy.deepcopy(TEMPLATES["summary-case.jsonl"])
    summary[0]["data"]["violation"]["ended_on"] = "9999-12-31"
    ledger.record(summary[:2], actor=ADMIN)
    # a party born in the last year: 14 周岁 lie past year 9999, so under age at the act
    minor = copy.deepcopy(TEMPLATES["summary-case.jsonl"])
    for step in minor:
        step["stream"] += "-M"
    minor[0]["data"]["party"]["birth_date"] = "9999-12-31"
    ledger.record(minor[:1], actor=ADMIN)
    assert _refused(ledger, minor[1]).rule == "PEN-35"
