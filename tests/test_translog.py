"""The stored transparency log on real stores (SQLite file, PostgreSQL schema).

Integration (tracked, exactly-once, resumable, rebuildable), proofs against the
stored tree (property tests on trees of up to 2,000 leaves), checkpoints,
receipts, cosignatures and tiles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle, notes, tiles
from ledger.keys import KeyStore
from ledger.store import EventStore, StoreConfig
from ledger.translog import (
    APPLICATION_NAME,
    ConsistencyProof,
    InclusionProof,
    Integrator,
    LogError,
    NotCoveredError,
    TransparencyLog,
    log_signer,
    verify_log,
)
from ledger.witness import Witness
from tests.helpers.examples import scaled
from tests.helpers.stores import store_config
from tests.helpers.translog_ledgers import (
    ORIGIN,
    delete_notifications,
    fill,
    notification_ids,
    reference_leaves,
    reference_tree,
    sql,
    table,
)

BIG = 2000


class Crash(Exception):
    """Stands for the process dying."""


def signer() -> notes.Ed25519Signer:
    return notes.Ed25519Signer(ORIGIN, hashlib.sha256(b"test log key").digest())


@pytest.fixture
def config(backend: str, tmp_path: Path) -> Iterator[StoreConfig]:
    with store_config(backend, tmp_path) as cfg:
        yield cfg


@pytest.fixture
def store(config: StoreConfig) -> Iterator[EventStore]:
    s = EventStore(config)
    yield s
    s.close()


def open_log(store: EventStore, **kwargs: object) -> TransparencyLog:
    return TransparencyLog(store, origin=ORIGIN, signer=signer(), **kwargs)  # type: ignore[arg-type]


# --- integration -----------------------------------------------------------------------------


def test_integrates_in_notification_order_despite_gaps(store: EventStore) -> None:
    fill(store, 300)
    ids = notification_ids(store)
    delete_notifications(store, [ids[0], ids[17], ids[18], ids[150]])  # gaps, even before the first
    log = open_log(store)
    assert log.integrate(batch=64) == 296
    ref = reference_tree(store)
    assert log.size == 296 and log.root() == ref.root()
    kept = notification_ids(store)
    assert log.tracked_notification_id == kept[-1]
    for position in (0, 17, 150, 295):
        leaf = log.leaf(position)
        assert leaf.notification_id == kept[position]
        assert leaf.leaf_hash == ref.get_node(0, position) == merkle.leaf_hash(leaf.commitment)
        assert log.position_of(kept[position]) == position
        assert hashlib.sha256(log.event_bytes(position)).digest() == leaf.commitment
    assert log.position_of(ids[17]) is None
    assert log.integrate() == 0  # nothing new
    fill(store, 5, salt="more")
    assert log.integrate() == 5
    assert log.root() == reference_tree(store).root()
    for size in (1, 2, 3, 255, 256, 257, 301):
        assert log.root(size) == reference_tree(store).root(size)


def test_crash_between_batches_then_restart_reaches_the_same_root(store: EventStore) -> None:
    fill(store, 700)
    batches = []

    def die_after_three(size: int) -> None:
        batches.append(size)
        if len(batches) == 3:
            raise Crash

    with pytest.raises(Crash):
        Integrator(open_log(store), batch=50, after_batch=die_after_three).run_once()
    restarted = open_log(store)  # a new process: state only from the database
    assert restarted.size == 150
    assert restarted.tracked_notification_id == notification_ids(store)[149]
    restarted.integrate(batch=33)
    assert restarted.root() == reference_tree(store).root()
    uninterrupted = restarted.root()
    restarted.reset()
    assert restarted.size == 0
    restarted.integrate(batch=1000)
    assert restarted.root() == uninterrupted


def test_crash_inside_a_batch_writes_nothing_of_it(store: EventStore) -> None:
    fill(store, 120)
    calls = []

    def die_in_second(*_: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise Crash

    with pytest.raises(Crash):
        Integrator(open_log(store), batch=40, before_commit=die_in_second).run_once()
    after = open_log(store)
    assert after.size == 40  # the second batch's leaves, nodes and tracking rolled back together
    assert sql(store, f"SELECT COUNT(*) FROM {table(store, 'leaves')}")[0][0] == 40
    after.integrate()
    assert after.root() == reference_tree(store).root()


def test_tracking_is_eventsourcing_tracking(store: EventStore) -> None:
    fill(store, 10)
    log = open_log(store)
    log.integrate()
    assert log.tracking.max_tracking_id(APPLICATION_NAME) == notification_ids(store)[-1]


def test_two_integrators_never_append_twice(store: EventStore) -> None:
    fill(store, 200)
    a, b = open_log(store), open_log(store)
    a.integrate(batch=30)
    fill(store, 50, salt="x")
    assert b.integrate(batch=30) == 50  # b was stale: it reloads instead of appending again
    a.reload()
    assert a.size == b.size == 250
    assert a.root() == b.root() == reference_tree(store).root()


def test_rebuild_after_dropping_the_tables_gives_the_same_root(store: EventStore) -> None:
    fill(store, 333)
    log = open_log(store)
    log.integrate(batch=100)
    before = log.root()
    cp = log.checkpoint()
    sql(store, f"DROP TABLE {table(store, 'leaves')}")
    sql(store, f"DROP TABLE {table(store, 'nodes')}")
    tracking = log.sql.names["tracking"]
    sql(store, f"DELETE FROM {tracking} WHERE application_name = ?", (APPLICATION_NAME,))
    again = open_log(store)
    assert again.size == 0
    again.integrate(batch=7)
    assert again.root() == before
    assert again.latest_checkpoint() == cp
    assert verify_log(store, signer().vkey()) == []


def test_tracking_without_leaves_is_refused_until_rebuilt(store: EventStore) -> None:
    fill(store, 20)
    log = open_log(store)
    log.integrate()
    sql(store, f"DELETE FROM {table(store, 'leaves')} WHERE position >= ?", (10,))
    with pytest.raises(LogError, match="rebuild"):
        open_log(store)
    log.rebuild()
    assert open_log(store).root() == reference_tree(store).root()


# --- proofs on trees of up to 2,000 leaves ------------------------------------------------------


class Big:
    def __init__(self, log: TransparencyLog, ref: merkle.MemoryTree) -> None:
        self.log, self.ref = log, ref
        self.roots = [ref.root(n) for n in range(ref.size + 1)]


@pytest.fixture(scope="module")
def big(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    with store_config(backend, tmp_path_factory.mktemp("big")) as cfg:
        s = EventStore(cfg)
        fill(s, BIG + 20)
        ids = notification_ids(s)
        delete_notifications(s, ids[5:45:2])  # 20 gaps
        log = open_log(s)
        log.integrate(batch=97)
        yield Big(log, reference_tree(s))
        s.close()


def _flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[(bit // 8) % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


PROPS = settings(max_examples=scaled(100), deadline=None)


@PROPS
@given(data=st.data())
def test_every_inclusion_proof_verifies_and_tampering_fails(big: Big, data: st.DataObject) -> None:
    size = data.draw(st.integers(1, BIG), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf = big.ref.get_node(0, index)
    proof = big.log.inclusion_proof(index, size)
    assert proof == big.ref.inclusion_proof(index, size)
    merkle.verify_inclusion(leaf, index, size, proof, big.roots[size])
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bit = data.draw(st.integers(0, 255))
        bad = [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]]
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaf, index, size, bad, big.roots[size])
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(_flip(leaf, data.draw(st.integers(0, 255))), index, size, proof, big.roots[size])
    other = data.draw(st.integers(0, BIG).filter(lambda j: j != index), label="other index")
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, other, size, proof, big.roots[size])
    other_size = data.draw(st.integers(1, BIG).filter(lambda n: n != size), label="other size")
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(leaf, index, other_size, proof, big.roots[other_size])


@PROPS
@given(data=st.data())
def test_every_consistency_proof_verifies_and_tampering_fails(big: Big, data: st.DataObject) -> None:
    new = data.draw(st.integers(1, BIG), label="new")
    old = data.draw(st.integers(1, new), label="old")
    proof = big.log.consistency_proof(old, new)
    assert proof == big.ref.consistency_proof(old, new)
    merkle.verify_consistency(old, new, big.roots[old], big.roots[new], proof)
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1))
        bad = [*proof[:k], _flip(proof[k], data.draw(st.integers(0, 255))), *proof[k + 1 :]]
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(old, new, big.roots[old], big.roots[new], bad)
    other = data.draw(st.integers(1, BIG).filter(lambda m: m != old), label="other old")
    if other <= new:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(other, new, big.roots[other], big.roots[new], proof)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(old, new, _flip(big.roots[old], 3), big.roots[new], proof)


def test_roots_of_every_prefix(big: Big) -> None:
    for size in [*range(1, 70), *range(250, 262), 511, 512, 513, 1024, 1999, BIG]:
        assert big.log.root(size) == big.roots[size]
    assert big.log.root() == big.roots[BIG]


def test_proof_requests_out_of_range_are_refused(big: Big) -> None:
    with pytest.raises(NotCoveredError):
        big.log.inclusion_proof(BIG, BIG)
    with pytest.raises(NotCoveredError):
        big.log.inclusion_proof(0, BIG + 1)
    with pytest.raises(LogError):
        big.log.consistency_proof(0, 10)
    with pytest.raises(LogError):
        big.log.consistency_proof(11, 10)
    with pytest.raises(LogError):
        big.log.leaf(-1)


# --- checkpoints, receipts, witnesses, tiles ---------------------------------------------------


def test_checkpoints_are_signed_kept_and_not_duplicated(store: EventStore) -> None:
    fill(store, 50)
    log = open_log(store)
    log.integrate()
    first = log.checkpoint()
    assert log.checkpoint() == first  # same size: the same note
    cp, _ = notes.open_checkpoint(first.note, signer().verifier(), origin=ORIGIN)
    assert (cp.size, cp.root_hash) == (50, reference_tree(store).root())
    fill(store, 10, salt="b")
    log.integrate()
    second = log.checkpoint()
    assert [c.size for c in log.checkpoints()] == [50, 60]
    assert log.latest_checkpoint() == second
    proof = log.prove_consistency(50)
    assert (proof.old_checkpoint, proof.new_checkpoint) == (first.signed, second.signed)
    proof.verify()
    assert ConsistencyProof.from_json(proof.as_json()) == proof
    assert verify_log(store, signer().vkey()) == []


def test_checkpoint_needs_a_key(store: EventStore) -> None:
    log = TransparencyLog(store, origin=ORIGIN)
    with pytest.raises(LogError):
        log.checkpoint()


def test_maybe_checkpoint_follows_the_interval(store: EventStore) -> None:
    log = open_log(store)
    first = log.maybe_checkpoint(300)
    assert first is not None and first.size == 0
    fill(store, 3)
    log.integrate()
    assert log.maybe_checkpoint(300) is None  # too soon
    later = datetime.now(UTC) + timedelta(seconds=301)
    made = log.maybe_checkpoint(300, now=later)
    assert made is not None and made.size == 3
    assert log.maybe_checkpoint(300, now=later + timedelta(days=1)) is None  # nothing new


def test_inclusion_proof_json_and_receipt(store: EventStore) -> None:
    fill(store, 77)
    log = open_log(store)
    log.integrate()
    with pytest.raises(NotCoveredError):
        log.prove(3)
    log.checkpoint()
    fill(store, 5, salt="late")
    log.integrate()
    with pytest.raises(NotCoveredError, match="log checkpoint"):
        log.prove(80)  # integrated, but no checkpoint covers it yet
    proof = log.prove(42)
    doc = proof.as_json()
    assert set(doc) == {"index", "tree_size", "leaf_hash", "proof", "root", "checkpoint"}
    assert doc["tree_size"] == 77 and doc["index"] == 42
    again = InclusionProof.from_json(doc)
    assert again == proof
    again.verify()
    receipt = log.receipt(42)
    event = log.event_bytes(42)
    verified = notes.verify_tlog_proof(receipt, hashlib.sha256(event).digest(), signer().verifier(), is_data=True)
    assert verified.index == 42 and verified.checkpoint.size == 77
    with pytest.raises(ValueError):
        notes.verify_tlog_proof(receipt, hashlib.sha256(event + b" ").digest(), signer().verifier(), is_data=True)


def test_origin_is_fixed_at_first_use(store: EventStore) -> None:
    open_log(store)
    with pytest.raises(LogError, match="origin"):
        TransparencyLog(store, origin="another.example/log")
    assert TransparencyLog(store).origin == ORIGIN


def test_log_key_lives_in_the_key_store(store: EventStore, tmp_path: Path) -> None:
    keystore = KeyStore.create(tmp_path / "keys.json", "pw", work_factor=2**10)
    log = TransparencyLog(store, origin=ORIGIN)
    s1 = log_signer(log, keystore)
    s2 = log_signer(TransparencyLog(store), KeyStore(tmp_path / "keys.json", "pw"))
    assert s1.vkey() == s2.vkey() == log.vkey()
    assert notes.parse_vkey(s1.vkey()).name == ORIGIN


def test_witness_cosignatures_are_stored_and_served(store: EventStore, tmp_path: Path) -> None:
    fill(store, 30)
    log = open_log(store)
    log.integrate()
    cp1 = log.checkpoint()
    alice = Witness.init(tmp_path / "alice", "witness.alice", [signer().vkey()], clock=lambda: 1_700_000_000)
    bob = Witness.init(tmp_path / "bob", "witness.bob", [signer().vkey()])
    log.register_witness(alice.vkey())
    assert log.add_cosignatures(alice.cosign(cp1.signed)) == ["witness.alice"]
    assert log.add_cosignatures(bob.cosign(cp1.signed)) == []  # not registered: ignored
    served = log.latest_checkpoint()
    assert served is not None and len(served.cosignatures) == 1
    cp, _ = notes.open_checkpoint(served.signed, signer().verifier(), witnesses=[alice.signer.verifier()],
                                  min_cosignatures=1)
    assert cp.size == 30
    fill(store, 30, salt="b")
    log.integrate()
    cp2 = log.checkpoint()
    cosigned = alice.cosign(cp2.signed, log.consistency_proof)
    log.add_cosignatures(cosigned)
    assert verify_log(store, signer().vkey()) == []
    # a forged cosignature by a registered witness is refused
    sig = alice.cosignature(cosigned)
    forged = notes.sign_note(cp2.text, existing=[*notes.parse_note(cp2.note).unverified,
                                                 notes.NoteSignature(sig.name, sig.key_id, _flip(sig.signature, 99))])
    with pytest.raises(LogError):
        log.add_cosignatures(forged)
    # cosignatures must be on a checkpoint the log signed
    other = notes.sign_checkpoint(notes.Checkpoint(ORIGIN, 30, bytes(32)), signer())
    with pytest.raises(LogError):
        log.add_cosignatures(notes.cosign_checkpoint(other, alice.signer))


def test_export_tiles_is_incremental_and_refuses_rewrites(store: EventStore, tmp_path: Path) -> None:
    fill(store, 600)
    log = open_log(store)
    log.integrate()
    log.checkpoint()
    out = tmp_path / "tiles"
    first = log.export_tiles(out)
    assert first.since == 0 and "tile/0/000" in first.written and "tile/0/002.p/88" in first.written
    assert "tile/entries/001" in first.written and "tile/1/000.p/2" in first.written
    leaves = reference_leaves(store)
    expected = tiles.hash_tiles_from_leaves(leaves)
    for path, data in expected.items():
        assert (out / path).read_bytes() == data
    entries = tiles.decode_entry_bundle((out / "tile/entries/001").read_bytes())
    assert [merkle.leaf_hash(e) for e in entries] == leaves[256:512]
    fill(store, 200, salt="b")
    log.integrate()
    log.checkpoint()
    second = log.export_tiles(out)
    assert second.since == 600 and "tile/0/000" not in second.written and "tile/0/002" in second.written
    assert "tile/0/003.p/32" in second.written and "tile/1/000.p/3" in second.written
    assert notes.parse_checkpoint(notes.parse_note((out / "checkpoint").read_bytes()).text).size == 800
    (out / "tile/0/000").write_bytes(bytes(8192))
    with pytest.raises(LogError, match="改写"):
        log.export_tiles(out, since=0)
