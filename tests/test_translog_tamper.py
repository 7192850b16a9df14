"""What only the transparency log catches: deletions and rewrites that keep every chain intact.

Per-stream hash chains cannot see the newest event of a stream disappear, nor an
event being rewritten and re-signed with a valid key when nothing follows it in
its stream. Once a checkpoint covers such an event, ``verify_log`` and the
witness must.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import canonical, notes
from ledger.envelope import SealedEvent, seal
from ledger.service import Ledger
from ledger.translog import TransparencyLog, verify_log
from ledger.verify import verify_store
from ledger.witness import InconsistentCheckpointError, Witness
from tests.helpers.stores import OFFICER, bootstrap, make_ledger, sample_step, store_config
from tests.helpers.translog_ledgers import ORIGIN, sql, table

KEY = notes.Ed25519Signer(ORIGIN, hashlib.sha256(b"tamper test log key").digest())


@pytest.fixture
def ledger(backend: str, tmp_path: Path) -> Iterator[Ledger]:
    with store_config(backend, tmp_path) as config:
        led = make_ledger(config, tmp_path / "keys.json")
        bootstrap(led, OFFICER)
        # case/A ends early in the global order; the other cases go on after it
        led.record([sample_step("case/A", n) for n in range(1, 4)], actor=OFFICER)
        for n in range(1, 6):
            led.record([sample_step("case/B", n), sample_step("case/C", n)], actor=OFFICER)
        yield led
        led.close()


def position_of(ledger: Ledger, stream: str, version: int) -> tuple[int, int]:
    """(position, notification id) of an event, in notification order."""
    for position, row in enumerate(ledger.store.notifications()):
        if row.originator_id == stream and row.originator_version == version:
            return position, row.id
    raise KeyError((stream, version))


def rewrite(ledger: Ledger, stream: str, version: int, data: dict[str, object]) -> None:
    """Replace an event's data in the database, re-signed with its signer's real key."""
    event = next(e for e in ledger.store.stream(stream) if e.version == version)
    envelope = dict(event.envelope)
    envelope["data"] = data
    unsigned = canonical.encode(envelope)
    assert ledger.keystore is not None
    key = ledger.keystore.get(envelope["signer"]["key"])
    stored = seal(unsigned, key.sign(unsigned))
    SealedEvent.from_stored(stored)
    sql(ledger.store, "UPDATE {events} SET state = ? WHERE originator_id = ? AND originator_version = ?",
        (stored, stream, version))


def delete(ledger: Ledger, stream: str, version: int) -> None:
    sql(ledger.store, "DELETE FROM {events} WHERE originator_id = ? AND originator_version = ?", (stream, version))


def test_an_untouched_ledger_has_no_log_problems(ledger: Ledger) -> None:
    log = TransparencyLog(ledger.store, origin=ORIGIN, signer=KEY)
    log.integrate()
    log.checkpoint()
    assert verify_log(ledger.store, KEY.vkey()) == []
    assert verify_log(ledger.store) == []  # the log's own recorded key is not known here: no vkey stored
    assert verify_store(ledger.store).ok


def test_deleting_the_newest_event_of_a_stream_is_caught_once_checkpointed(ledger: Ledger) -> None:
    log = TransparencyLog(ledger.store, origin=ORIGIN, signer=KEY)
    log.integrate()
    log.checkpoint()
    position, _ = position_of(ledger, "case/A", 3)
    delete(ledger, "case/A", 3)
    assert verify_store(ledger.store).ok  # the chains cannot see it
    problems = verify_log(ledger.store, KEY.vkey())
    assert problems and problems[0].position == position
    assert any(p.position == position and "删除" in p.what for p in problems)
    # rebuilding the tree from what is left does not hide it: the checkpoint remembers
    log.rebuild()
    problems = verify_log(ledger.store, KEY.vkey())
    assert any("检查点" in p.what and "删除" in p.what for p in problems)


def test_rewriting_an_old_event_fails_consistency_in_verify_and_in_the_witness(
    ledger: Ledger, tmp_path: Path
) -> None:
    log = TransparencyLog(ledger.store, origin=ORIGIN, signer=KEY)
    log.integrate()
    old = log.checkpoint()
    witness = Witness.init(tmp_path / "w", "witness.test", [KEY.vkey()])
    witness.cosign(old.signed)
    log.register_witness(witness.vkey())
    ledger.record([sample_step("case/D", 1)], actor=OFFICER)
    log.integrate()
    witness.cosign(log.checkpoint().signed, log.consistency_proof)

    position, _ = position_of(ledger, "case/A", 3)
    assert position < old.size
    rewrite(ledger, "case/A", 3, {"n": 3, "amount_fen": 1, "note": "改写"})
    assert verify_store(ledger.store).ok  # a valid signature by the right key, the chain intact
    problems = verify_log(ledger.store, KEY.vkey())
    assert any(p.position == position and "改写" in p.what for p in problems)

    # The operator rebuilds the tree over the rewritten history and signs a new checkpoint.
    log.rebuild()
    ledger.record([sample_step("case/D", 2)], actor=OFFICER)
    log.integrate()
    new = log.checkpoint()
    problems = verify_log(ledger.store, KEY.vkey())
    assert any("不一致" in p.what for p in problems), problems
    assert any(f"大小 {old.size})" in p.what and "改写" in p.what for p in problems)
    with pytest.raises(InconsistentCheckpointError):
        witness.cosign(new.signed, log.consistency_proof)
    # Even with every old checkpoint deleted, the witness still holds its own.
    sql(ledger.store, f"DELETE FROM {table(ledger.store, 'cosignatures')}")
    sql(ledger.store, f"DELETE FROM {table(ledger.store, 'checkpoints')} WHERE tree_size < ?", (new.size,))
    with pytest.raises(InconsistentCheckpointError):
        witness.cosign(new.signed, log.consistency_proof)


def test_forged_checkpoint_rows_are_caught(ledger: Ledger) -> None:
    log = TransparencyLog(ledger.store, origin=ORIGIN, signer=KEY)
    log.integrate()
    log.checkpoint()
    other = notes.Ed25519Signer(ORIGIN, hashlib.sha256(b"someone else").digest())
    forged = notes.sign_checkpoint(notes.Checkpoint(ORIGIN, 2, log.root(2)), other)
    sql(ledger.store, f"INSERT INTO {table(ledger.store, 'checkpoints')} VALUES (?, ?, ?, ?)",
        (2, log.root(2), forged.decode(), "2026-01-01T00:00:00Z"))
    problems = verify_log(ledger.store, KEY.vkey())
    assert [p.position for p in problems] == [1]
    assert "签名无效" in problems[0].what


def test_a_changed_stored_node_is_caught(ledger: Ledger) -> None:
    log = TransparencyLog(ledger.store, origin=ORIGIN, signer=KEY)
    log.integrate()
    log.checkpoint()
    sql(ledger.store, f"UPDATE {table(ledger.store, 'nodes')} SET hash = ? WHERE level = 1 AND idx = 2",
        (bytes(32),))
    problems = verify_log(ledger.store, KEY.vkey())
    assert any(p.position == 4 and "(1, 2)" in p.what for p in problems)
    with pytest.raises(Exception, match="verify"):
        TransparencyLog(ledger.store).prove(7)  # its path uses node (1, 2)


def test_a_row_rewritten_as_text_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    """SQLite keeps whatever type is written: a tamperer's TEXT state must be reported, not raise."""
    with store_config("sqlite", tmp_path) as config:
        led = make_ledger(config, tmp_path / "keys.json")
        bootstrap(led, OFFICER)
        led.record([sample_step("case/A", n) for n in range(1, 3)], actor=OFFICER)
        log = TransparencyLog(led.store, origin=ORIGIN, signer=KEY)
        log.integrate()
        log.checkpoint()
        sql(led.store, "UPDATE {events} SET state = CAST(state AS TEXT) || ' ' "
            "WHERE originator_id = 'case/A' AND originator_version = 1", ())
        problems = verify_log(led.store, KEY.verifier())
        position, _ = position_of(led, "case/A", 1)
        assert (problems[0].position, problems[0].stream, problems[0].version) == (position, "case/A", 1)
        assert "改写" in problems[0].what
        led.close()
