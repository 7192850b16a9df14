"""Backup and restore (docs/operations.md, the restore drill): a backup taken while steps are being
recorded, the ledger destroyed, restored from the backup; ``verify`` passes and the log's root at the
last checkpoint's size equals that checkpoint's root. The drill is in the slow tier on SQLite and
PostgreSQL; the refusals (a target that holds a ledger, a backup changed after it was taken) are
fast."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from api.backup import MANIFEST, SQLITE_FILE
from api.cli import main
from ledger.store import EventStore, StoreConfig
from ledger.translog import TransparencyLog, encode_hash
from tests.helpers.deployment import Deployment, deployment
from tests.helpers.stores import PG_DSN

DRILL_BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _config(made: Deployment) -> StoreConfig:
    if "LEDGER_POSTGRES_DSN" in made.env:
        return StoreConfig(postgres_dsn=made.env["LEDGER_POSTGRES_DSN"],
                           postgres_schema=made.env["LEDGER_POSTGRES_SCHEMA"])
    return StoreConfig(sqlite_path=str(made.data / "ledger.sqlite"))


def _log_state(made: Deployment) -> tuple[int, int, str, str]:
    """(events, checkpoint size, checkpoint root, the tree's root at that size)."""
    store = EventStore(_config(made))
    try:
        log = TransparencyLog(store, create=False)
        try:
            cp = log.latest_checkpoint()
            assert cp is not None
            return store.count(), cp.size, encode_hash(cp.root), encode_hash(log.root(cp.size))
        finally:
            log.close()
    finally:
        store.close()


def _destroy(made: Deployment) -> None:
    shutil.rmtree(made.data)
    if "LEDGER_POSTGRES_SCHEMA" in made.env:
        import psycopg

        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{made.env["LEDGER_POSTGRES_SCHEMA"]}" CASCADE')


@pytest.mark.slow
@pytest.mark.parametrize("backend", DRILL_BACKENDS)
def test_restore_drill(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    with deployment(backend, tmp_path, monkeypatch) as made:
        made.import_example("general-case")
        document = tmp_path / "笔录.txt"
        document.write_text("询问笔录", encoding="utf-8")
        assert made.cli("documents", "add", str(document)) == 0
        assert made.cli("log", "checkpoint") == 0
        # the backup is taken while another writer records more steps
        writer = threading.Thread(target=lambda: [made.import_example(n) for n in ("summary-case", "no-penalty-case")])
        writer.start()
        try:
            assert made.cli("backup", "--to", str(tmp_path / "backup")) == 0
        finally:
            writer.join()
        manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
        assert made.cli("log", "checkpoint") == 0  # signed after the backup: not in it
        before = _log_state(made)

        _destroy(made)
        capsys.readouterr()
        assert made.cli("restore", "--from", str(tmp_path / "backup")) == 0
        out = capsys.readouterr().out
        assert "树在此大小的根 等于检查点的根" in out and "完好" in out

        assert made.cli("verify") == 0
        assert "完好" in capsys.readouterr().out
        events, size, root, tree = _log_state(made)
        assert (events, size, root) == (manifest["events"], manifest["checkpoint_size"], manifest["checkpoint_root"])
        assert tree == root
        assert events <= before[0] and size <= before[1]
        assert made.cli("log", "checkpoint", "--show", "--json") == 0
        assert json.loads(capsys.readouterr().out)["root"] == root
        stored = [p for p in (made.data / "documents").rglob("*") if p.is_file()]
        assert any(p.read_bytes() == "询问笔录".encode() for p in stored)
        # the restored ledger goes on: the log integrates what the backup held beyond its checkpoint
        assert made.cli("log", "checkpoint") == 0
        assert _log_state(made)[1] == events


def test_restore_never_writes_over_a_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with deployment("sqlite", tmp_path, monkeypatch) as made:
        assert made.cli("backup", "--to", str(tmp_path / "backup")) == 0
        before = (made.data / "ledger.sqlite").read_bytes()
        assert made.cli("restore", "--from", str(tmp_path / "backup")) == 2
        assert "从不覆盖账本" in capsys.readouterr().err
        assert (made.data / "ledger.sqlite").read_bytes() == before
        assert made.cli("backup", "--to", str(tmp_path / "backup")) == 2  # nor over a backup


def test_a_changed_backup_is_refused_before_anything_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    with deployment("sqlite", tmp_path, monkeypatch) as made:
        assert made.cli("backup", "--to", str(tmp_path / "backup")) == 0
        manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
        assert set(manifest["files"]) == {SQLITE_FILE, "keys.json", "log-origin"}
        copy = tmp_path / "copy"
        shutil.copytree(tmp_path / "backup", copy)
        target = tmp_path / "restored"
        with (copy / "log-origin").open("a", encoding="utf-8") as f:
            f.write("x")
        assert main(["--data", str(target), "restore", "--from", str(copy)]) == 2
        assert "哈希不符 ['log-origin']" in capsys.readouterr().err
        assert not target.exists()
        assert main(["--data", str(target), "restore", "--from", str(tmp_path / "backup")]) == 0
