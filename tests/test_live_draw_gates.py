"""INS-02 through the real ledger (``import_lines`` live, default admission, on SQLite and PostgreSQL):
a draw whose secret does not match the plan's commitment, whose recorded objects or inspectors do
not re-derive, or whose beacon is not this ledger's first signed checkpoint covering the plan and
both snapshots — a made-up one, one signed before the snapshots, a later one, or any while the log
has not integrated the snapshots — is refused naming INS-02 and nothing of it is written; the same
draw with the first covering checkpoint is recorded; the refused lines import with ``--backfill``
(a 补录 is judged by the audit instead); the CLI refuses the §4 example live and imports it as a
backfill."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from api.cli import main
from domain.errors import StepRefused
from domain.identities import BOOTSTRAP
from ledger.service import Ledger
from tests.helpers.cli_data import cli_data
from tests.helpers.inspection_examples import SPOTCHECK
from tests.helpers.live_draws import drawn_with, integrate, sign_checkpoint, spotcheck_lines
from tests.helpers.projection_ledgers import import_live, import_steps, ledger_template, ledger_with
from tests.helpers.spec_paths import EXAMPLES

Raw = dict[str, Any]
BEFORE_THE_DRAW = ["SpotCheckPlanned", "DirectorySnapshotTaken", "DirectorySnapshotTaken"]
OTHER_PLAN = "spotcheck/DXH-CGJ-CC-2026-02"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ledger_template(tmp_path_factory.mktemp("live-draw-gates"), ["registry", "general-case"])


@pytest.fixture
def base(tmp_path: Path, backend: str, template: Path) -> Iterator[Ledger]:
    """The registry and the general case: on SQLite a copy of the module's, on PostgreSQL imported."""
    yield from ledger_with(tmp_path, ["registry", "general-case"], backend, template=template)


@pytest.fixture
def planned(base: Ledger) -> Ledger:
    """The plan and both snapshots recorded live, nothing of the log yet."""
    assert import_live(base, spotcheck_lines()[:3]) is None
    return base


def _refused(ledger: Ledger, draw: Raw) -> str:
    refusal = import_live(ledger, [draw])
    assert refusal is not None and refusal.startswith("[INS-02]"), refusal
    assert [e.type for e in ledger.read(SPOTCHECK)] == BEFORE_THE_DRAW, "the draw is not written"
    return refusal


def _another_event(ledger: Ledger) -> None:
    """Grow the log by one event of another stream (a second plan)."""
    plan = {**spotcheck_lines()[0], "stream": OTHER_PLAN}
    assert import_live(ledger, [plan]) is None


# --------------------------------------------------------------------------- the first covering checkpoint


def test_the_first_checkpoint_covering_the_snapshots_is_the_beacon(planned: Ledger) -> None:
    size, root = sign_checkpoint(planned)
    _another_event(planned)
    sign_checkpoint(planned)  # a later checkpoint changes nothing: the first covering one stays the beacon
    assert import_live(planned, [drawn_with(size, root)]) is None
    assert planned.read(SPOTCHECK)[-1].type == "RandomDrawPerformed"


def _secret(s: Raw) -> None:
    s["data"]["seed_secret"] = "00" * 32


def _objects(s: Raw) -> None:
    first = s["data"]["objects_drawn"][1]
    first["index"] = (first["index"] + 1) % 12


def _inspectors(s: Raw) -> None:
    s["data"]["inspectors_drawn"][0]["officers"].reverse()


@pytest.mark.parametrize(("change", "says"), [
    (_secret, "seed_commitment"), (_objects, "对象序号"), (_inspectors, "检查人员")],
    ids=["secret", "objects", "inspectors"])
def test_a_draw_that_does_not_re_derive_is_refused_live_naming_ins02(planned: Ledger, change: Callable[[Raw], None],
                                                                    says: str) -> None:
    draw = drawn_with(*sign_checkpoint(planned))
    change(draw)
    assert says in _refused(planned, draw)
    import_steps(planned, [draw], backfill=True)
    assert planned.read(SPOTCHECK)[-1].type == "RandomDrawPerformed"


# --------------------------------------------------------------------------- a beacon not of this ledger


def test_a_made_up_beacon_is_refused_live(planned: Ledger) -> None:
    size, _ = sign_checkpoint(planned)
    made_up = "ab" * 32
    assert "不是本账本透明日志签署的检查点" in _refused(planned, drawn_with(size + 5, made_up))
    assert "不符" in _refused(planned, drawn_with(size, made_up))
    as_recorded = spotcheck_lines()[3]  # the example's own: tree_size 128 and a synthetic root
    assert f"第一个检查点是 tree_size {size}" in _refused(planned, as_recorded)
    import_steps(planned, [as_recorded], backfill=True)


def test_a_checkpoint_signed_before_the_snapshots_is_refused_live(base: Ledger) -> None:
    plan, objects, inspectors, _ = spotcheck_lines()
    assert import_live(base, [plan, objects]) is None
    early = sign_checkpoint(base)  # covers the plan and one snapshot
    assert import_live(base, [inspectors]) is None
    later = sign_checkpoint(base)
    assert "签署于抽查计划或名录库快照之前" in _refused(base, drawn_with(*early))
    assert import_live(base, [drawn_with(*later)]) is None


def test_a_later_checkpoint_than_the_first_covering_one_is_refused_live(planned: Ledger) -> None:
    first, _ = sign_checkpoint(planned)
    _another_event(planned)
    later = sign_checkpoint(planned)
    assert f"第一个已签名检查点（tree_size {first}）" in _refused(planned, drawn_with(*later))


def test_before_the_log_integrates_and_signs_the_draw_waits(planned: Ledger) -> None:
    """No log yet; then integrated but no checkpoint covering: the message says to wait."""
    bare = drawn_with(500, "cd" * 32)
    assert "请等待日志集成并签署检查点" in _refused(planned, bare)
    integrate(planned)
    assert "请等待透明日志签署检查点" in _refused(planned, bare)
    assert import_live(planned, [drawn_with(*sign_checkpoint(planned))]) is None


def test_a_draw_in_one_record_with_its_snapshots_waits(base: Ledger) -> None:
    """``Ledger.record`` of the plan, the snapshots and the draw in one transaction: the snapshots
    cannot be in any checkpoint yet, so the whole batch is refused and nothing is written."""
    beacon = sign_checkpoint(base)
    with pytest.raises(StepRefused) as refused:
        base.record([*spotcheck_lines()[:3], drawn_with(*beacon)], actor=BOOTSTRAP)
    assert refused.value.rule == "INS-02" and "请等待日志集成并签署检查点" in str(refused.value)
    assert base.read(SPOTCHECK) == []


# --------------------------------------------------------------------------- the CLI


def test_the_cli_refuses_the_example_live_and_imports_it_as_a_backfill(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    data = cli_data(tmp_path, monkeypatch)
    for name in ("registry", "general-case"):
        assert main(["--data", str(data), "import", str(EXAMPLES / f"{name}.jsonl")]) == 0
    (tmp_path / "plan.jsonl").write_bytes(b"\n".join(orjson.dumps(s) for s in spotcheck_lines()[:3]) + b"\n")
    assert main(["--data", str(data), "import", str(tmp_path / "plan.jsonl")]) == 0
    assert main(["--data", str(data), "log", "checkpoint"]) == 0
    capsys.readouterr()
    example = str(EXAMPLES / "spotcheck.jsonl")
    assert main(["--data", str(data), "import", example, "--json"]) != 0
    out = capsys.readouterr()
    assert "INS-02" in out.out + out.err and "不是本账本透明日志签署的检查点" in out.out + out.err
    assert main(["--data", str(data), "import", "--backfill", example, "--json"]) == 0
