"""demo: the 行政强制 and 行政检查 files a demo year holds (tracker issue #16).

Lawful files pass structural validation and every gate live and meet the limits the audit counts
(``domain.coercion_limits``, ``enforcement_limits``, ``inspection_limits``); each marked defect is what
it claims: a gate defect is refused live at its step naming its rule (so the file is a 补录), a
finding defect passes the gates, is recorded live and breaks exactly its limit. The audit of these
files is built on other branches; these tests judge the defects against the gates and limits that
exist here. The draws re-derive (``ledger-draw-v1``), and ``enforcement-ledger demo`` draws the live
spot checks with a real checkpoint of its own log, signed after both snapshots.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.cli import main
from api.log_settings import opened
from api.settings import Settings
from api.wiring import open_ledger
from demo import DemoData, generate
from demo.coercions import MEASURE_PATHS
from demo.inspections import TARGETED
from demo.model import COERCION_DEFECT_KINDS, ENFORCEMENT_DEFECT_KINDS, INSPECTION_DEFECT_KINDS
from domain.config import Config
from domain.draw import commitment_of, draw
from tests.helpers.demo_kinds import calendar_of, gate_firings, limit_breaches, replay_live
from tests.helpers.examples import scaled

AS_OF = date(2026, 11, 25)
CONFIG = Config()
KINDS = (*COERCION_DEFECT_KINDS, *ENFORCEMENT_DEFECT_KINDS, *INSPECTION_DEFECT_KINDS)
COMPANIONS = {"INS-04": {"INS-03"}, "ENF-06": {"ENF-08"}}
"""Rules that by definition accompany a defect's rule (rules.md: ENF-08 may accompany ENF-06; an
officer with a lapsed credential was not drawn either)."""


def check_files(data: DemoData) -> None:
    """Lawful: no gate, no limit broken. Defective: a gate defect refused at its step (and 补录), a
    finding defect live with no gate and exactly its limit broken."""
    calendar = calendar_of(data)
    for file in (*data.coercions, *data.inspections):
        fired = gate_firings(data, file)
        breaches = limit_breaches(file, calendar)
        defect = file.defect
        if defect is None:
            assert fired == [] and breaches == set(), (file.stream, fired, breaches)
            continue
        assert file.steps[defect.step]["type"] == next(k.label for k in KINDS if k.name == defect.kind)
        if defect.gate:
            assert file.backfill, file.stream
            assert fired and fired[0][0] == defect.step, (file.stream, defect, fired)
            rules = set().union(*(r for _, r in fired))
            assert defect.rule in rules and rules <= {defect.rule} | COMPANIONS.get(defect.rule, set()), rules
        else:
            assert not file.backfill and fired == [], (file.stream, fired)
            assert breaches == {defect.rule}, (file.stream, defect, breaches)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate(120, 4, AS_OF)


def test_default_counts_cover_every_path(demo: DemoData) -> None:
    paths = Counter(f.path for f in demo.coercions)
    assert sum(paths.values()) == round(120 * 0.06) + round(120 * 0.03)
    assert set(paths) >= {*MEASURE_PATHS, "substitute"}
    inspections = Counter(f.path for f in demo.inspections)
    assert inspections["spotcheck"] == 3 and set(inspections) == {"spotcheck", "random", *TARGETED}
    assert inspections["routine"] + inspections["complaint"] + inspections["key_sector"] == 12
    drawn = {f.stream: f for f in demo.inspections if f.path == "spotcheck"}
    sizes = sum(next(s for s in f.steps if s["type"] == "SpotCheckPlanned")["data"]["sample_size"]
                for f in drawn.values())
    assert inspections["random"] == sizes
    defective = sum(1 for f in (*demo.coercions, *demo.inspections) if f.defect)
    assert defective == round(7 * 0.15) + round(4 * 0.15) + round(15 * 0.15)
    assert {s["data"]["code"] for s in demo.registry if s["type"] == "EnforcementItemPublished"
            and s["data"]["kind"] in ("coercion", "inspection")} >= {"CGJ-QZ-DQ-30", "SCJ-JC-SP-01"}


def test_lawful_files_pass_and_defects_are_what_they_claim(demo: DemoData) -> None:
    assert replay_live(demo) == []
    check_files(demo)


def test_every_defect_kind_is_generated_and_is_what_it_claims() -> None:
    data = generate(10, 11, AS_OF, defect_share=1.0, licences=0, complaints=0, kinds=(8, 6, 6, 6))
    found = Counter(f.defect.kind for f in (*data.coercions, *data.inspections) if f.defect)
    assert set(found) == {k.name for k in KINDS}, found
    assert replay_live(data) == []
    check_files(data)
    spot = [f for f in data.inspections if f.defect and f.defect.kind in ("undrawn_object", "unqualified_inspector")]
    tasks = {f.steps[0]["data"]["origin"]["spotcheck"] for f in spot}
    assert all(f.backfill for f in data.inspections if f.stream in tasks or f.steps[0]["data"].get(
        "origin", {}).get("spotcheck") in tasks)
    assert {c.stream for c in data.draws}.isdisjoint(tasks)


def test_draws_re_derive_from_their_commitment_and_snapshot(demo: DemoData) -> None:
    by_stream = {f.stream: f for f in demo.inspections}
    for task in (f for f in demo.inspections if f.path == "spotcheck"):
        plan, objects, inspectors, drawn = task.steps[:4]
        secret = bytes.fromhex(drawn["data"]["seed_secret"])
        assert commitment_of(secret).hex() == plan["data"]["seed_commitment"]
        snapshot = demo.documents[objects["data"]["snapshot"]["sha256"]].content
        keys = snapshot.decode().splitlines()
        assert keys == sorted(keys, key=lambda k: k.encode()) and len(keys) == objects["data"]["count"]
        assert hashlib.sha256(snapshot).hexdigest() == drawn["data"]["objects_snapshot"]
        again = draw(secret, bytes.fromhex(drawn["data"]["beacon"]["root"]), keys, inspectors["data"]["officers"],
                     sample_size=plan["data"]["sample_size"], per_object=2)
        assert [{"index": o.index, "key": o.key} for o in again.objects] == drawn["data"]["objects_drawn"]
        opened = [f.steps[0]["data"] for f in by_stream.values() if f.path == "random"
                  and f.steps[0]["data"]["origin"]["spotcheck"] == task.stream]
        assert len(opened) == plan["data"]["sample_size"]
        if not task.backfill:
            assert {o["object"]["key"] for o in opened} == {o.key for o in again.objects}


def test_a_live_draw_realised_with_another_beacon_changes_only_the_drawn_names(demo: DemoData) -> None:
    check = demo.draws[0]
    first = check.realise(*check.stand_in())
    other = check.realise(2048, hashlib.sha256(b"another checkpoint").digest())
    streams = lambda r: [(s["stream"], s["type"], s["at"]) for f in (r[0], *r[1]) for s in f.steps]  # noqa: E731
    assert streams(first) == streams(other)
    assert first[0].steps[3]["data"]["seed"] != other[0].steps[3]["data"]["seed"]


def test_deterministic_and_the_other_files_stay_as_they_were() -> None:
    one, two = generate(40, 3, AS_OF), generate(40, 3, AS_OF)
    assert one.coercions == two.coercions and one.inspections == two.inspections
    assert list(one.steps()) == list(two.steps())
    alone = generate(40, 3, AS_OF, kinds=(0, 0, 0, 0))
    assert alone.cases == one.cases and alone.licences == one.licences and alone.complaints == one.complaints
    assert alone.coercions == () and alone.inspections == () and alone.draws == ()


@settings(max_examples=scaled(5), deadline=None)
@given(seed=st.integers(0, 2**31), days=st.integers(0, 800), share=st.sampled_from([0.0, 0.15, 0.5]))
def test_for_all_seeds_and_dates_coercion_and_inspection_files_are_lawful_or_marked(seed: int, days: int,
                                                                                   share: float) -> None:
    as_of = date(2026, 1, 1) + timedelta(days=days)
    data = generate(12, seed, as_of, defect_share=share, licences=0, complaints=0, kinds=(6, 3, 3, 6))
    assert replay_live(data) == []
    files = (*data.coercions, *data.inspections)
    assert all(s["at"][:10] < as_of.isoformat() for f in files for s in f.steps)
    if as_of.year == AS_OF.year:  # the limits read the calendar of AS_OF's year and the year before
        check_files(data)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "demo-test")
    monkeypatch.delenv("LEDGER_POSTGRES_DSN", raising=False)
    d = tmp_path / "var"
    assert main(["--data", str(d), "init"]) == 0
    return d


def test_cli_demo_draws_with_a_checkpoint_of_its_own_log(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--data", str(data_dir), "demo", "--cases", "20", "--seed", "5", "--as-of", AS_OF.isoformat(),
            "--licences", "0", "--complaints", "0", "--defects", "0.3", "--json"]
    assert main(args) == 0, capsys.readouterr().err
    first = json.loads(capsys.readouterr().out)
    expected = generate(20, 5, AS_OF, defect_share=0.3, licences=0, complaints=0)
    assert first["refused"] is None and first["recorded"] == expected.step_count
    assert first["live_draws"] == len(expected.draws) > 0 and first["inspections"] == len(expected.inspections)
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["recorded"], again["skipped"]) == (0, expected.step_count)
    settings_ = Settings.load(str(data_dir))
    with opened(settings_) as log:
        checkpoints = {c.size: c.root.hex() for c in log.checkpoints()}
        ledger = open_ledger(settings_, keys=False)
        try:
            for check in expected.draws:
                stored = [e.envelope for e in ledger.store.stream(check.stream)]
                beacon = stored[3]["data"]["beacon"]
                assert checkpoints[beacon["tree_size"]] == beacon["root"]
                assert beacon["root"] != check.stand_in()[1].hex()
                covering = [size for size in checkpoints if size > _last_position(log, ledger, check.stream)]
                assert beacon["tree_size"] == min(covering)
                keys = [k for k in check.keys]
                again_draw = draw(check.secret, bytes.fromhex(beacon["root"]), keys, check.pool,
                                  sample_size=check.sample, per_object=2)
                assert stored[3]["data"]["objects_drawn"] == [{"index": o.index, "key": o.key}
                                                              for o in again_draw.objects]
                for m, stream in enumerate(check.streams):
                    opening = ledger.store.stream(stream)[0].envelope["data"]
                    assert opening["object"]["key"] == again_draw.objects[m].key
                    assert opening["officers"] == list(again_draw.objects[m].inspectors)
                    assert not ledger.store.stream(stream)[0].envelope.get("backfilled")
            for file in (*expected.coercions, *expected.inspections):
                events = ledger.store.stream(file.stream)
                assert [e.envelope["type"] for e in events] == [s["type"] for s in file.steps]
                assert all(bool(e.envelope.get("backfilled")) == file.backfill for e in events)
        finally:
            ledger.close()


def _last_position(log: Any, ledger: Any, stream: str) -> int:
    """The log position of the spot check's last snapshot (its third event)."""
    from projections.sql import Database

    rows = Database(ledger.store).all("SELECT {nid} FROM {events} WHERE originator_id = ? "
                                      "ORDER BY originator_version LIMIT 3", (stream,))
    return max(log.position_of(int(r[0])) for r in rows)


def test_stand_in_time_is_not_the_clock() -> None:
    """Generation reads no clock: the same arguments on another day give the same steps."""
    assert datetime.now().year >= 2025
    small = (1, 1, 1, 1)
    assert generate(5, 1, AS_OF, kinds=small).inspections == generate(5, 1, AS_OF, kinds=small).inspections
