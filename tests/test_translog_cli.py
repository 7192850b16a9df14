"""The ``log`` command group, through ``api.cli.log.register`` and ``api.cli.log.run``."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api import log_settings
from api.cli import log as cli_log
from api.settings import Settings
from api.wiring import open_keystore
from ledger import merkle, notes
from ledger.service import Ledger
from ledger.store import EventStore
from tests.helpers.stores import OFFICER, bootstrap, sample_step, store_config, validator_for_tests
from tests.helpers.translog_ledgers import sql


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="enforcement-ledger")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_log.register(sub)
    return parser.parse_args(argv)


class Cli:
    def __init__(self, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
        self.settings, self.capsys = settings, capsys

    def __call__(self, *argv: str) -> tuple[int, str]:
        self.capsys.readouterr()
        code = cli_log.run(self.settings, parse(["log", *argv]))
        return code, self.capsys.readouterr().out


@pytest.fixture
def cli(backend: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    monkeypatch.setenv("LEDGER_KEY_PASSPHRASE", "test-pass")
    monkeypatch.delenv("LEDGER_LOG_ORIGIN", raising=False)
    data = tmp_path / "ledger-data"
    data.mkdir()
    with store_config(backend, data) as config:
        settings = Settings(data=data, postgres_dsn=config.postgres_dsn,
                            postgres_schema=config.postgres_schema)
        led = ledger_of(settings)
        bootstrap(led, OFFICER)
        led.record([sample_step("case/CLI-1", n) for n in range(1, 6)], actor=OFFICER)
        led.close()
        yield Cli(settings, capsys)


def ledger_of(settings: Settings) -> Ledger:
    """The ledger with the key store the CLI uses (on PostgreSQL: in the database)."""
    store = EventStore(settings.store_config())
    create = bool(settings.postgres_dsn) or not settings.keystore_path.exists()
    return Ledger(store, open_keystore(settings, store, create=create), validator=validator_for_tests)


def record(cli: Cli, stream: str, *versions: int) -> None:
    led = ledger_of(cli.settings)
    led.record([sample_step(stream, n) for n in versions], actor=OFFICER)
    led.close()


def test_origin_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_LOG_ORIGIN", raising=False)
    assert log_settings.log_origin(Settings(data=tmp_path / "my data")) == "enforcement-ledger.local/my-data"
    monkeypatch.setenv("LEDGER_LOG_ORIGIN", "ledger.example.gov.cn/district")
    assert log_settings.log_origin(Settings(data=tmp_path)) == "ledger.example.gov.cn/district"
    monkeypatch.setenv("LEDGER_LOG_CHECKPOINT_INTERVAL", "60")
    assert log_settings.checkpoint_interval() == 60
    monkeypatch.setenv("LEDGER_LOG_BATCH", "0")
    with pytest.raises(Exception, match="LEDGER_LOG_BATCH"):
        log_settings.batch_size()


def test_checkpoint_prove_consistency_receipt_event(cli: Cli, tmp_path: Path) -> None:
    code, vkey = cli("key")
    assert code == 0
    vkey = vkey.strip()
    verifier = notes.parse_vkey(vkey)
    assert verifier.name == "enforcement-ledger.local/ledger-data"
    assert cli("key") == (0, vkey + "\n")  # the same key every time

    code, out = cli("checkpoint")
    assert code == 0
    cp, _ = notes.open_checkpoint(out, verifier)
    assert cp.size == 7  # two registrations and five steps

    code, out = cli("prove", "--position", "4", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["index"] == 4 and doc["tree_size"] == 7
    leaf = base64.b64decode(doc["leaf_hash"])
    root = base64.b64decode(doc["root"])
    merkle.verify_inclusion(leaf, 4, 7, [base64.b64decode(h) for h in doc["proof"]], root)
    assert notes.open_checkpoint(doc["checkpoint"], verifier)[0].root_hash == root
    assert cli("prove", "--position", "4")[0] == 0

    receipt, event = tmp_path / "receipt.txt", tmp_path / "event.bin"
    assert cli("receipt", "--position", "4", "--out", str(receipt))[0] == 0
    assert cli("event", "--position", "4", "--out", str(event))[0] == 0
    assert merkle.leaf_hash(hashlib.sha256(event.read_bytes()).digest()) == leaf
    assert receipt.read_bytes().startswith(b"c2sp.org/tlog-proof@v1\n")
    code, out = cli("verify-receipt", str(receipt), "--key", vkey, "--event", str(event))
    assert code == 0 and "有效" in out
    key_file = tmp_path / "log.vkey"
    key_file.write_text(vkey + "\n")
    assert cli("verify-receipt", str(receipt), "--key", str(key_file), "--event", str(event), "--json")[0] == 0
    event.write_bytes(event.read_bytes().replace(b'"n":3', b'"n":4'))
    code, out = cli("verify-receipt", str(receipt), "--key", vkey, "--event", str(event), "--json")
    assert code == 1 and json.loads(out)["valid"] is False
    other = notes.Ed25519Signer.generate(verifier.name).vkey()
    assert cli("verify-receipt", str(receipt), "--key", other, "--event", str(event))[0] == 1

    record(cli, "case/CLI-2", 1, 2, 3)
    assert cli("checkpoint")[0] == 0
    code, out = cli("consistency", "--from", "7", "--json")
    doc = json.loads(out)
    assert code == 0 and (doc["from"], doc["to"]) == (7, 10)
    merkle.verify_consistency(7, 10, base64.b64decode(doc["old_root"]), base64.b64decode(doc["new_root"]),
                              [base64.b64decode(h) for h in doc["proof"]])
    assert doc["old_checkpoint"] and doc["new_checkpoint"]
    assert cli("consistency", "--from", "3", "--to", "9")[0] == 0

    assert cli("prove", "--position", "10")[0] == 1  # not covered
    code, out = cli("checkpoint", "--show", "--json")
    assert code == 0 and json.loads(out)["size"] == 10
    assert cli("checkpoint", "--size", "7")[0] == 0
    assert cli("checkpoint", "--size", "8")[0] == 1
    assert cli("verify")[0] == 0


def test_integrate_schedule_rebuild_and_tiles(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = cli("integrate", "--json")
    assert code == 0 and json.loads(out)["size"] == 7
    code, out = cli("integrate", "--checkpoint", "--json")
    assert json.loads(out)["checkpoint"]["size"] == 7  # the first one: no earlier checkpoint
    record(cli, "case/CLI-3", 1)
    code, out = cli("integrate", "--checkpoint", "--json")
    assert json.loads(out)["checkpoint"] is None  # within the interval
    monkeypatch.setenv("LEDGER_LOG_CHECKPOINT_INTERVAL", "0.000001")
    code, out = cli("integrate", "--checkpoint", "--rebuild", "--json")
    doc = json.loads(out)
    assert doc["added"] == 8 and doc["checkpoint"]["size"] == 8
    out_dir = tmp_path / "tiles"
    code, out = cli("export-tiles", str(out_dir), "--json")
    assert code == 0 and json.loads(out)["size"] == 8
    assert (out_dir / "tile/0/000.p/8").stat().st_size == 8 * 32
    assert len((out_dir / "tile/entries/000.p/8").read_bytes()) == 8 * 34
    assert (out_dir / "checkpoint").read_bytes().startswith(b"enforcement-ledger.local/ledger-data\n8\n")


def test_witness_flow_and_a_rewritten_log(cli: Cli, tmp_path: Path) -> None:
    state = tmp_path / "witness"
    code, wkey = cli("witness", "init", "--state", str(state), "--name", "witness.district")
    assert code == 0
    wkey = wkey.strip()
    assert cli("witness", "key", "--state", str(state)) == (0, wkey + "\n")
    assert cli("witness", "register", wkey)[0] == 0
    code, out = cli("witness", "list", "--json")
    assert json.loads(out) == [{"name": "witness.district", "vkey": wkey}]
    assert cli("witness", "cosign", "--state", str(state))[0] == 1  # no checkpoint yet
    assert cli("checkpoint")[0] == 0
    code, out = cli("witness", "cosign", "--state", str(state), "--submit")
    assert code == 0 and "— witness.district " in out
    code, out = cli("checkpoint", "--show")
    _, vkey = cli("key")
    cp, _ = notes.open_checkpoint(out, notes.parse_vkey(vkey.strip()), witnesses=[notes.parse_vkey(wkey)],
                                  min_cosignatures=1)
    assert cp.size == 7

    # a checkpoint file and a proof file, as a witness elsewhere would receive them
    record(cli, "case/CLI-1", 6)
    _, signed = cli("checkpoint")
    (tmp_path / "cp.txt").write_text(signed)
    _, proof = cli("consistency", "--from", "7", "--to", "8", "--json")
    (tmp_path / "proof.json").write_text(proof)
    cosigned = tmp_path / "cosigned.txt"
    assert cli("witness", "cosign", str(tmp_path / "cp.txt"), "--state", str(state),
               "--proof", str(tmp_path / "proof.json"), "--out", str(cosigned))[0] == 0
    assert cli("witness", "submit", str(cosigned))[0] == 0
    assert cli("verify")[0] == 0

    # The operator deletes the newest event of a case, rebuilds the tree and signs again.
    store = EventStore(cli.settings.store_config())
    sql(store, "DELETE FROM {events} WHERE originator_id = ? AND originator_version = ?", ("case/CLI-1", 6))
    store.close()
    record(cli, "case/CLI-9", 1, 2)
    assert cli("integrate", "--rebuild")[0] == 0
    code, rewritten = cli("checkpoint")
    assert code == 0
    (tmp_path / "cp2.txt").write_text(rewritten)
    code, _ = cli("witness", "cosign", str(tmp_path / "cp2.txt"), "--state", str(state))
    assert code == 1
    code, out = cli("verify", "--json")
    assert code == 1 and json.loads(out)["problems"]

