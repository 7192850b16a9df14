"""Recording, reading and refusing on real stores (SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import itertools
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.errors import StepRefused
from ledger import canonical
from ledger.envelope import SealedEvent, content_hash, seal, split
from ledger.keys import SigningKey
from ledger.service import Ledger, format_time
from ledger.verify import verify_store
from tests.helpers.stores import ADMIN, OFFICER, bootstrap, make_ledger, sample_step, step, store_config


@pytest.fixture
def ledger(backend: str, tmp_path: Path):
    with store_config(backend, tmp_path) as config:
        led = make_ledger(config, tmp_path / "keys.json")
        bootstrap(led, OFFICER)
        yield led
        led.close()


def count(led: Ledger) -> int:
    return led.store.count()


def test_records_chain_and_verify(ledger: Ledger) -> None:
    appended = ledger.record([sample_step("case/A-1", i) for i in range(1, 6)], actor=OFFICER)
    assert [a.version for a in appended] == [1, 2, 3, 4, 5]
    events = ledger.read("case/A-1")
    assert [e.version for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev is None
    for before, after in itertools.pairwise(events):
        assert after.prev == content_hash(before.unsigned).hex()
    assert events[2].step() == sample_step("case/A-1", 3)
    report = verify_store(ledger.store)
    assert report.ok, report.problems
    assert report.events == 2 + 5


def test_admin_acting_for_officer_is_recorded(ledger: Ledger) -> None:
    (_a,) = ledger.record([sample_step("case/A-2", 1)], actor=ADMIN)
    event = ledger.read("case/A-2")[0]
    assert event.envelope["actor"] == ADMIN
    assert event.signer[0] == OFFICER


@pytest.mark.parametrize(
    "mutate, rule",
    [
        (lambda s: s.update(by="officer/unknown"), "STRUCT-BY"),
        (lambda s: s.update(at="2026-03-04T10:15:00"), "STRUCT-TIME"),
        (lambda s: s.update(stream="case"), "STRUCT-STREAM"),
        (lambda s: s.update(type="NoSuchStep"), "STRUCT-TYPE"),
    ],
)
def test_bad_steps_refused_and_nothing_written(ledger: Ledger, mutate, rule: str) -> None:
    before = count(ledger)
    bad = sample_step("case/A-3", 1)
    mutate(bad)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/A-3", 0), bad], actor=ADMIN)
    assert exc.value.rule == rule
    assert count(ledger) == before


def test_officer_may_not_act_for_another(ledger: Ledger) -> None:
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/A-4", 1, by=ADMIN)], actor=OFFICER)
    assert exc.value.rule == "STRUCT-ACTOR"
    assert count(ledger) == before


def test_rotated_key_retires_old_one(ledger: Ledger) -> None:
    old = ledger.keyring(OFFICER).active_key(OFFICER)
    assert old is not None
    ledger.record([step(OFFICER, "KeyRotated", OFFICER, {})], actor=OFFICER)
    new = ledger.keyring(OFFICER).active_key(OFFICER)
    assert new is not None and new.key_id != old.key_id
    ledger.record([sample_step("case/A-5", 1)], actor=OFFICER)
    assert ledger.read("case/A-5")[0].signer[1] == new.key_id
    assert verify_store(ledger.store).ok


def test_revoked_key_cannot_sign(ledger: Ledger) -> None:
    record = ledger.keyring(OFFICER).active_key(OFFICER)
    assert record is not None
    ledger.record([step(OFFICER, "KeyRevoked", ADMIN, {"key_id": record.key_id, "reason": "retired"})], actor=ADMIN)
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/A-6", 1)], actor=OFFICER)
    assert exc.value.rule == "KEY-NONE"
    assert count(ledger) == before


def test_compromise_dated_back_flags_events_since(ledger: Ledger) -> None:
    ledger.record([sample_step("case/A-7", 1)], actor=OFFICER)
    cutoff = datetime.now(UTC)
    ledger.record([sample_step("case/A-7", 2)], actor=OFFICER)
    ledger.record([sample_step("case/A-8", 1)], actor=OFFICER)
    kid = ledger.keyring(OFFICER).active_key(OFFICER).key_id
    ledger.record(
        [step(OFFICER, "KeyRevoked", ADMIN, {"key_id": kid, "reason": "compromised"}, at=cutoff.isoformat())],
        actor=ADMIN,
    )
    report = verify_store(ledger.store)
    flagged = {(p.stream, p.version) for p in report.problems}
    assert flagged == {("case/A-7", 2), ("case/A-8", 1)}
    assert all("泄露" in p.what for p in report.problems)


# -- client-signed envelopes ---------------------------------------------------------

def client_envelope(ledger: Ledger, key: SigningKey, stream: str, n: int, *, skew: timedelta = timedelta(0),
                    version_offset: int = 0) -> bytes:
    version, head = ledger.stream_head(stream)
    envelope = dict(sample_step(stream, n, by="officer/42011219009"))
    envelope.update(
        format=1, recorded_at=format_time(datetime.now(UTC) + skew), version=version + 1 + version_offset,
        prev=head, nonce=base64.b64encode(os.urandom(16)).decode(),
        signer={"id": "officer/42011219009", "key": key.key_id},
    )
    unsigned = canonical.encode(envelope)
    return seal(unsigned, key.sign(unsigned))


@pytest.fixture
def client_key(ledger: Ledger) -> SigningKey:
    key = SigningKey.generate()
    ledger.record([step("officer/42011219009", "OfficerRegistered", ADMIN,
                        {"name": "李四", "agency": "agency/DXH-CGJ", "roles": ["officer"],
                         "public_key": base64.b64encode(key.public_key).decode()})], actor=ADMIN)
    return key


def test_client_signed_envelope_accepted(ledger: Ledger, client_key: SigningKey) -> None:
    ledger.submit_sealed(client_envelope(ledger, client_key, "case/C-1", 1))
    ledger.submit_sealed(client_envelope(ledger, client_key, "case/C-1", 2))
    assert [e.version for e in ledger.read("case/C-1")] == [1, 2]
    assert verify_store(ledger.store).ok


def test_server_does_not_sign_for_client_held_key(ledger: Ledger, client_key: SigningKey) -> None:
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/C-2", 1, by="officer/42011219009")], actor="officer/42011219009")
    assert exc.value.rule == "KEY-NOT-HELD"


@pytest.mark.parametrize(
    "tamper, rule",
    [
        ("signature", "SIG-INVALID"),
        ("stale", "STALE-VERSION"),
        ("skew", "CLOCK-SKEW"),
        ("wrong-key", "SIG-INVALID"),
    ],
)
def test_client_envelope_refusals(ledger: Ledger, client_key: SigningKey, tamper: str, rule: str) -> None:
    ledger.submit_sealed(client_envelope(ledger, client_key, "case/C-3", 1))
    before = count(ledger)
    if tamper == "signature":
        stored = client_envelope(ledger, client_key, "case/C-3", 2)
        unsigned, sig = split(stored)
        stored = seal(unsigned, bytes([sig[0] ^ 1]) + sig[1:])
    elif tamper == "stale":
        stored = client_envelope(ledger, client_key, "case/C-3", 2, version_offset=-1)
    elif tamper == "skew":
        stored = client_envelope(ledger, client_key, "case/C-3", 2, skew=timedelta(minutes=6))
    else:
        other = SigningKey.generate()
        unsigned, _ = split(client_envelope(ledger, client_key, "case/C-3", 2))
        stored = seal(unsigned, other.sign(unsigned))
    with pytest.raises(StepRefused) as exc:
        ledger.submit_sealed(stored)
    assert exc.value.rule == rule
    assert count(ledger) == before


def test_stale_cache_cannot_break_chain(ledger: Ledger, tmp_path: Path) -> None:
    """Two ledger instances on one store: the append transaction re-checks the link."""
    ledger.record([sample_step("case/R-1", 1)], actor=OFFICER)
    other = make_ledger(ledger.store.config, tmp_path / "keys.json")
    try:
        other.read("case/R-1")
        other.cached("case/R-1")
        ledger.record([sample_step("case/R-1", 2)], actor=OFFICER)
        appended = other.record([sample_step("case/R-1", 3)], actor=OFFICER)  # fast-forwards first
        assert appended[0].version == 3
    finally:
        other.close()
    assert verify_store(ledger.store).ok


def test_sealed_event_exposes_step(ledger: Ledger) -> None:
    ledger.record([sample_step("case/S-1", 1)], actor=OFFICER)
    event = ledger.read("case/S-1")[0]
    again = SealedEvent.from_stored(event.stored)
    assert again.step() == event.step()
    assert canonical.decode(event.stored)["event"] == event.envelope


def test_client_envelope_with_retired_key_refused(ledger: Ledger, client_key: SigningKey) -> None:
    ledger.submit_sealed(client_envelope(ledger, client_key, "case/C-9", 1))
    new_key = SigningKey.generate()
    ledger.record([step("officer/42011219009", "KeyRotated", ADMIN,
                        {"public_key": base64.b64encode(new_key.public_key).decode()})], actor=ADMIN)
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.submit_sealed(client_envelope(ledger, client_key, "case/C-9", 2))
    assert exc.value.rule == "KEY-INVALID" and "停用" in exc.value.message
    assert count(ledger) == before
    ledger.submit_sealed(client_envelope(ledger, new_key, "case/C-9", 2))
    assert verify_store(ledger.store).ok


def test_unknown_signer_key_refused(ledger: Ledger, client_key: SigningKey) -> None:
    stranger = SigningKey.generate()
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.submit_sealed(client_envelope(ledger, stranger, "case/C-10", 1))
    assert exc.value.rule == "KEY-INVALID" and "未在账本中登记" in exc.value.message
    assert count(ledger) == before


def test_refusal_by_the_signer_rules_names_its_place_in_the_batch(ledger: Ledger, client_key: SigningKey) -> None:
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/I-1", 1), sample_step("case/I-1", 2, by="officer/42011219009")],
                      actor="officer/42011219009")
    assert exc.value.rule in ("KEY-NOT-HELD", "STRUCT-ACTOR") and exc.value.index in (0, 1)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/I-2", 1), sample_step("case/I-2", 2, by="officer/42011219009")],
                      actor=OFFICER)
    assert (exc.value.rule, exc.value.index) == ("STRUCT-ACTOR", 1)
    assert count(ledger) == before


@pytest.mark.parametrize("value", [1.5, 2**53, float("nan")])
def test_values_without_canonical_bytes_refused_with_their_index(ledger: Ledger, value: object) -> None:
    bad = sample_step("case/F-1", 2)
    bad["data"]["amount_fen"] = value
    before = count(ledger)
    with pytest.raises(StepRefused) as exc:
        ledger.record([sample_step("case/F-1", 1), bad], actor=OFFICER)
    assert (exc.value.rule, exc.value.index) == ("STRUCT-FIELD", 1)
    assert count(ledger) == before
