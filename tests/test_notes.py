"""C2SP signed notes, checkpoints, cosignatures and tlog-proofs (ledger.notes).

Known answers come from golang.org/x/mod/sumdb/note (PeterNeumann, EnochRoot),
the signed-note spec (example.com/foo), transparency-dev/formats (cosignature
keys and timestamps) and a real cosigned CT checkpoint, so that our bytes are
the ecosystem's bytes.
"""

from __future__ import annotations

import base64
import hashlib

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle, notes
from tests.helpers.examples import scaled

FAST = settings(max_examples=scaled(300), deadline=None)

# golang.org/x/mod/sumdb/note documentation and tests.
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLo"
    "x33WWd1RvMc+QQ=\n"
)
PETER_NOTE = PETER_TEXT + "\n" + PETER_SIG

# c2sp.org/signed-note example key.
FOO_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
FOO_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRK"
    "uwHjG1Yu72IneyaQM=\n"
)

# transparency-dev/formats note tests: type 0x01 key whose base64 has a '+', type 0x04 key.
PLUS_VKEY = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6"
REMORA_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"

# A real checkpoint of a CT staging log, cosigned by several witnesses.
ARCHE_VKEY = (
    "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
)
ARCHE_CHECKPOINT = """arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
"""  # noqa: E501

# c2sp.org/tlog-cosignature example.
SOFA_TEXT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SOFA_WITNESS_SIG = (
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIU"
    "BkBIfZ+qnA=="
)

LOG = notes.Ed25519Signer("example.org/log", hashlib.sha256(b"log seed").digest())
OTHER = notes.Ed25519Signer("example.org/other", hashlib.sha256(b"other seed").digest())


def _witness(name: str, clock: float = 1_700_000_000) -> notes.CosignatureSigner:
    return notes.CosignatureSigner(name, hashlib.sha256(name.encode()).digest(), lambda: clock)


# --- keys ---------------------------------------------------------------------------


def test_go_signer_key_derives_the_published_verifier_key() -> None:
    signer = notes.parse_skey(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id == 0xC74F20A3
    assert signer.vkey() == PETER_VKEY
    assert signer.skey() == PETER_SKEY
    assert signer.verifier() == notes.parse_vkey(PETER_VKEY)


def test_key_id_is_sha256_of_name_newline_type_key() -> None:
    verifier = notes.parse_vkey(PETER_VKEY)
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()
    assert notes.key_id("PeterNeumann", 1, verifier.public_key) == int.from_bytes(digest[:4])
    assert verifier.key_id == 0xC74F20A3


@pytest.mark.parametrize("vkey", [PETER_VKEY, ENOCH_VKEY, FOO_VKEY, PLUS_VKEY, ARCHE_VKEY])
def test_ed25519_vkeys_round_trip(vkey: str) -> None:
    verifier = notes.parse_vkey(vkey)
    assert isinstance(verifier, notes.Ed25519Verifier)
    assert verifier.vkey() == vkey


def test_witness_vkey_uses_type_0x04() -> None:
    verifier = notes.parse_vkey(REMORA_VKEY)
    assert isinstance(verifier, notes.CosignatureVerifier)
    assert verifier.key_id == 0xDA77ADE7
    assert notes.witness_key_id("remora.n621.de", verifier.public_key) == 0xDA77ADE7
    assert verifier.vkey() == REMORA_VKEY
    # The same key as a plain Ed25519 note key has another ID.
    plain = notes.Ed25519Verifier("remora.n621.de", verifier.public_key)
    assert plain.key_id != verifier.key_id


def test_mangled_vkeys_are_refused() -> None:
    """Every proper substring and every one-byte change of a vkey fails (Go's test)."""
    b = PETER_VKEY.encode()
    for i in range(len(b) + 1):
        for j in range(i + 1, len(b) + 1):
            if (i, j) != (0, len(b)):
                with pytest.raises(notes.KeyFormatError):
                    notes.parse_vkey(b[i:j].decode())
    for i in range(len(b)):
        mangled = bytearray(b)
        mangled[i] += 1
        with pytest.raises(notes.KeyFormatError):
            notes.parse_vkey(mangled.decode())
    for bad in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ]:
        with pytest.raises(notes.KeyFormatError):
            notes.parse_vkey(bad)


def test_key_names() -> None:
    assert notes.is_valid_key_name("example.com/log")
    for bad in ["", "a b", "a+b", "a\tb", "a\u3000b", "a\nb"]:
        assert not notes.is_valid_key_name(bad)
    with pytest.raises(notes.KeyFormatError):
        notes.Ed25519Signer("a b", bytes(32))


def test_signer_repr_hides_the_seed() -> None:
    assert LOG.seed.hex() not in repr(LOG)


# --- signed notes --------------------------------------------------------------------


def test_go_note_is_reproduced_byte_for_byte() -> None:
    signer = notes.parse_skey(PETER_SKEY)
    assert notes.sign_note(PETER_TEXT, signer) == PETER_NOTE.encode()
    note = notes.open_note(PETER_NOTE, notes.parse_vkey(PETER_VKEY))
    assert note.text == PETER_TEXT
    assert [(s.name, s.key_id) for s in note.signatures] == [("PeterNeumann", 0xC74F20A3)]
    assert note.signatures[0].line() == PETER_SIG


def test_go_doubly_signed_note() -> None:
    msg = PETER_NOTE + ENOCH_SIG
    both = [notes.parse_vkey(PETER_VKEY), notes.parse_vkey(ENOCH_VKEY)]
    note = notes.open_note(msg, both)
    assert [s.name for s in note.signatures] == ["PeterNeumann", "EnochRoot"]
    # Known to one verifier only: the other signature is kept but unverified.
    note = notes.open_note(msg, notes.parse_vkey(ENOCH_VKEY))
    assert [s.name for s in note.signatures] == ["EnochRoot"]
    assert [s.name for s in note.unverified] == ["PeterNeumann"]


def test_spec_example_note() -> None:
    note = notes.open_note(FOO_NOTE.encode(), [notes.parse_vkey(FOO_VKEY)])
    assert note.text == "This is an example message.\n"


def test_round_trip_and_re_signing() -> None:
    text = "第一行\nsecond line\n\nafter an empty line\n"
    msg = notes.sign_note(text, LOG)
    assert msg.startswith(text.encode() + b"\n\xe2\x80\x94 example.org/log ")
    note = notes.open_note(msg, [LOG.verifier()])
    assert note.text == text
    both = notes.add_signatures(msg, OTHER)
    note = notes.open_note(both, [LOG.verifier(), OTHER.verifier()])
    assert [s.name for s in note.signatures] == [LOG.name, OTHER.name]
    # Signing again with the same key replaces, not duplicates, its line.
    assert notes.add_signatures(both, LOG).count(LOG.name.encode()) == 1


def test_text_ending_in_blank_line() -> None:
    msg = notes.sign_note("Note\n\n", LOG)
    assert notes.open_note(msg, LOG.verifier()).text == "Note\n\n"


def test_unknown_keys_are_ignored_but_one_known_is_required() -> None:
    msg = notes.sign_note("hello\n", LOG, OTHER)
    note = notes.open_note(msg, [OTHER.verifier()])
    assert [s.name for s in note.unverified] == [LOG.name]
    with pytest.raises(notes.UnverifiedNoteError) as info:
        notes.open_note(msg, [])
    assert len(info.value.note.unverified) == 2
    # Same name, other key: ignored, not failed.
    impostor = notes.Ed25519Signer(LOG.name, bytes(32))
    with pytest.raises(notes.UnverifiedNoteError):
        notes.open_note(notes.sign_note("hello\n", impostor), [LOG.verifier()])


def test_bad_signature_by_known_key_rejects_the_note() -> None:
    msg = notes.sign_note("hello\n", LOG)
    forged = notes.sign_note("hullo\n", LOG).split(b"\n\n")[1]
    with pytest.raises(notes.InvalidSignatureError) as info:
        notes.open_note(b"hello\n\n" + forged, [LOG.verifier()])
    assert info.value.key_id == LOG.key_id
    # Duplicate lines by one key are dropped, not double-counted.
    line = msg.split(b"\n\n")[1]
    note = notes.open_note(msg + line, [LOG.verifier()])
    assert len(note.signatures) == 1


def test_ambiguous_verifiers_are_an_error() -> None:
    msg = notes.sign_note("hello\n", LOG)
    with pytest.raises(notes.NoteError, match="ambiguous"):
        notes.open_note(msg, [LOG.verifier(), LOG.verifier()])


@pytest.mark.parametrize(
    "msg",
    [
        b"",
        b"hello\n",
        b"hello\n\n",
        b"hello\n\n\xe2\x80\x94 example.org/log AAAAAAA=",  # no final newline
        b"hello\n\n- example.org/log AAAAAAAA\n",  # hyphen, not em dash
        b"hello\n\n\xe2\x80\x94 example.org/log\n",  # no signature
        b"hello\n\n\xe2\x80\x94 example.org/log \n",
        b"hello\n\n\xe2\x80\x94 example.org/log AAAA\n",  # too short
        b"hello\n\n\xe2\x80\x94 example.org/log AAAAAAA\n",  # bad padding
        b"hello\n\n\xe2\x80\x94 example.org/log AAAAAAB=\n",  # non-canonical
        b"hello\n\n\xe2\x80\x94 example.org/log AAAAAAA= \n",
        b"hello\n\n\xe2\x80\x94 example.org/log  AAAAAAA=\n",
        b"hello\n\n\xe2\x80\x94 a+b AAAAAAA=\n",
        b"he\tllo\n\n\xe2\x80\x94 example.org/log AAAAAAA=\n",  # control character
        b"he\xffllo\n\n\xe2\x80\x94 example.org/log AAAAAAA=\n",  # not UTF-8
        b"hello\r\n\n\xe2\x80\x94 example.org/log AAAAAAA=\n",
    ],
)
def test_malformed_notes(msg: bytes) -> None:
    with pytest.raises(notes.MalformedNoteError):
        notes.open_note(msg, [LOG.verifier()])


def test_signature_count_limit() -> None:
    signers = [notes.Ed25519Signer(f"k{i}", bytes([i]) * 32) for i in range(16)]
    msg = notes.sign_note("hello\n", *signers)
    assert len(notes.open_note(msg, [s.verifier() for s in signers]).signatures) == 16
    line = msg.split(b"\n\n")[1].split(b"\n")[0] + b"\n"
    with pytest.raises(notes.MalformedNoteError):
        notes.parse_note(b"hello\n\n" + line * (notes.MAX_SIGNATURES + 1))


def test_sign_refuses_bad_text() -> None:
    with pytest.raises(notes.MalformedNoteError):
        notes.sign_note("no newline", LOG)
    with pytest.raises(notes.MalformedNoteError):
        notes.sign_note("bell\a\n", LOG)


SIGNED_TEXT = "example.org/log\n42\n" + "A" * 43 + "=\nextension\n"
SIGNED = notes.sign_note(SIGNED_TEXT, LOG, OTHER)


def _check_tampered(tampered: bytes) -> None:
    """A tampered note must be refused, or at most lose the signature whose line changed.

    Renaming a key or changing its ID turns that line into an unknown signature,
    which signed-note says to ignore; the text must then still be the signed one.
    """
    try:
        opened = notes.open_note(tampered, [LOG.verifier(), OTHER.verifier()])
    except notes.NoteError:
        return
    assert len(opened.signatures) < 2, "a tampered note kept both signatures"
    assert opened.text == SIGNED_TEXT


@FAST
@given(data=st.data())
def test_any_changed_byte_fails_verification(data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(SIGNED) - 1))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != SIGNED[pos]))
    _check_tampered(SIGNED[:pos] + bytes([new]) + SIGNED[pos + 1 :])


@FAST
@given(data=st.data())
def test_any_deleted_or_inserted_byte_fails(data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(SIGNED) - 1))
    if data.draw(st.booleans()):
        _check_tampered(SIGNED[:pos] + SIGNED[pos + 1 :])
    else:
        _check_tampered(SIGNED[:pos] + bytes([data.draw(st.integers(0, 255))]) + SIGNED[pos:])


def test_every_single_byte_change_of_the_text_fails() -> None:
    """Exhaustively over the signed text: every position, a few replacement bytes."""
    for pos in range(len(SIGNED_TEXT)):
        for new in (0x00, 0x0A, 0x41, 0x61, 0xFF, SIGNED[pos] ^ 1):
            if new != SIGNED[pos]:
                with pytest.raises(notes.NoteError):
                    notes.open_note(SIGNED[:pos] + bytes([new]) + SIGNED[pos + 1 :], LOG.verifier())


# --- checkpoints ------------------------------------------------------------------------

ROOT = hashlib.sha256(b"root").digest()


def test_checkpoint_text_and_parse() -> None:
    cp = notes.Checkpoint("example.org/log", 20852163, ROOT, ("ext one",))
    text = cp.text()
    assert text == f"example.org/log\n20852163\n{base64.b64encode(ROOT).decode()}\next one\n"
    assert notes.parse_checkpoint(text) == cp
    sofa = notes.parse_checkpoint(SOFA_TEXT)
    assert (sofa.origin, sofa.size, sofa.extensions) == ("example.com/behind-the-sofa", 20852163, ())
    assert sofa.text() == SOFA_TEXT
    empty = notes.Checkpoint("o", 0, merkle.EMPTY_ROOT)
    assert notes.parse_checkpoint(empty.text()) == empty


@pytest.mark.parametrize(
    "text",
    [
        "origin\n1\n",
        "origin\n1\n" + base64.b64encode(ROOT).decode(),  # no final newline
        "\n1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n01\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n+1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n 1\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n1\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "origin\n1\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n",
        "origin\n1\n" + base64.b64encode(ROOT).decode() + "\n\next\n",
        "origin\n18446744073709551616\n" + base64.b64encode(ROOT).decode() + "\n",
    ],
)
def test_malformed_checkpoints(text: str) -> None:
    with pytest.raises(notes.CheckpointError):
        notes.parse_checkpoint(text)


def test_signed_checkpoint_with_origin_checks() -> None:
    log = notes.Ed25519Signer("example.org/log", LOG.seed)
    cp = notes.Checkpoint("example.org/log", 5, ROOT)
    msg = notes.sign_checkpoint(cp, log)
    got, note = notes.open_checkpoint(msg, log.verifier())
    assert got == cp and note.signatures[0].name == "example.org/log"
    with pytest.raises(notes.CheckpointError):
        notes.open_checkpoint(msg, log.verifier(), origin="example.org/other")
    # A log key named differently from the origin needs the origin spelled out.
    elsewhere = notes.sign_checkpoint(notes.Checkpoint("example.org/elsewhere", 5, ROOT), log)
    with pytest.raises(notes.CheckpointError):
        notes.open_checkpoint(elsewhere, log.verifier())
    assert notes.open_checkpoint(elsewhere, log.verifier(), origin="example.org/elsewhere")
    # A witness alone is not the log.
    witness = _witness("w.example")
    cosigned_only = notes.sign_checkpoint(cp, witness)
    with pytest.raises(notes.UnverifiedNoteError):
        notes.open_checkpoint(cosigned_only, log.verifier(), witnesses=[witness.verifier()])


def test_real_cosigned_checkpoint() -> None:
    log = notes.parse_vkey(ARCHE_VKEY)
    witness = notes.parse_vkey(REMORA_VKEY)
    assert isinstance(witness, notes.CosignatureVerifier)
    cp, note = notes.open_checkpoint(
        ARCHE_CHECKPOINT, log, witnesses=[witness], min_cosignatures=1
    )
    assert cp.size == 1432088532
    assert [s.name for s in note.signatures] == [log.name, witness.name]
    assert len(note.unverified) == 4  # an ECDSA log signature and three other witnesses
    line = next(x for x in ARCHE_CHECKPOINT.splitlines() if x.startswith("— remora"))
    assert notes.verify_cosignature(note.text, line, witness) == 1779573024
    with pytest.raises(notes.UnverifiedNoteError):
        notes.open_checkpoint(ARCHE_CHECKPOINT, log, witnesses=[witness], min_cosignatures=2)


# --- cosignatures ---------------------------------------------------------------------------


def test_cosignature_message_is_exactly_the_spec_example() -> None:
    assert notes.cosignature_message(SOFA_TEXT, 1679315147) == (
        b"cosignature/v1\ntime 1679315147\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    raw = base64.b64decode(SOFA_WITNESS_SIG)
    assert notes.cosignature_timestamp(raw[4:]) == 1679315147
    formats_sig = base64.b64decode(
        "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFi"
        "EBYJXORmnFBOBA=="
    )
    assert notes.cosignature_timestamp(formats_sig[4:]) == 1727964367
    with pytest.raises(notes.NoteError):
        notes.cosignature_timestamp(formats_sig)


def test_cosignature_is_timestamp_then_ed25519_over_the_message() -> None:
    witness = _witness("witness.example/w1", clock=1679315147.9)
    msg = notes.cosign_checkpoint(notes.sign_checkpoint(notes.parse_checkpoint(SOFA_TEXT), LOG), witness)
    sig = notes.parse_note(msg).unverified[-1]
    assert (sig.name, sig.key_id) == (witness.name, witness.key_id)
    assert len(sig.signature) == 72
    assert sig.signature[:8] == (1679315147).to_bytes(8, "big")
    expected = b"cosignature/v1\ntime 1679315147\n" + SOFA_TEXT.encode()
    nacl.signing.VerifyKey(witness.public_key).verify(expected, sig.signature[8:])
    assert notes.verify_cosignature(SOFA_TEXT, sig.line(), witness.verifier()) == 1679315147
    assert notes.verify_cosignature(SOFA_TEXT, sig, witness.verifier()) == 1679315147


def test_cosignature_tampering_and_confusion() -> None:
    witness = _witness("witness.example/w1")
    sig = notes.NoteSignature(witness.name, witness.key_id, witness.sign_at(SOFA_TEXT.encode(), 7))
    later = notes.NoteSignature(sig.name, sig.key_id, (8).to_bytes(8, "big") + sig.signature[8:])
    with pytest.raises(notes.InvalidSignatureError):
        notes.verify_cosignature(SOFA_TEXT, later, witness.verifier())
    with pytest.raises(notes.InvalidSignatureError):
        notes.verify_cosignature(SOFA_TEXT.replace("20852163", "20852164"), sig, witness.verifier())
    with pytest.raises(notes.NoteError, match="not by the witness"):
        notes.verify_cosignature(SOFA_TEXT, sig, _witness("other.example").verifier())
    # The same key as a plain note key does not accept cosignatures, nor the reverse.
    plain = notes.Ed25519Verifier(witness.name, witness.public_key)
    msg = notes.sign_note(SOFA_TEXT, witness)
    with pytest.raises(notes.UnverifiedNoteError):
        notes.open_note(msg, plain)
    assert notes.open_note(msg, witness.verifier()).signatures
    with pytest.raises(ValueError):
        witness.sign_at(SOFA_TEXT.encode(), 2**63)


def test_witness_quorum() -> None:
    cp = notes.Checkpoint("example.org/log", 3, ROOT)
    log = notes.Ed25519Signer("example.org/log", LOG.seed)
    w1, w2, w3 = (_witness(f"w{i}.example", clock=1000 + i) for i in range(3))
    msg = notes.sign_checkpoint(cp, log)
    for w in (w1, w2):
        msg = notes.cosign_checkpoint(msg, w)
    msg = notes.cosign_checkpoint(msg, w1, timestamp=5000)  # replaces w1's line
    assert msg.count(b"w0.example") == 1
    sigs = notes.parse_note(msg).unverified
    assert notes.cosignature_timestamp(sigs[-1]) == 5000
    wits = [w1.verifier(), w2.verifier(), w3.verifier()]
    _, note = notes.open_checkpoint(msg, log.verifier(), witnesses=wits, min_cosignatures=2)
    assert len(note.signatures) == 3
    with pytest.raises(notes.UnverifiedNoteError):
        notes.open_checkpoint(msg, log.verifier(), witnesses=wits, min_cosignatures=3)
    with pytest.raises(notes.CheckpointError):
        notes.cosign_checkpoint(notes.sign_note("not a checkpoint\n", log), w3)


# --- tlog-proof ------------------------------------------------------------------------------

ENTRIES = [f"entry {i}".encode() for i in range(21)]
TREE = merkle.MemoryTree(merkle.leaf_hash(e) for e in ENTRIES)
LOG_CP = notes.Ed25519Signer("example.org/log", LOG.seed)
CP_NOTE = notes.sign_checkpoint(notes.Checkpoint(LOG_CP.name, TREE.size, TREE.root()), LOG_CP)


def _proof(index: int, extra: bytes | None = None) -> bytes:
    return notes.format_tlog_proof(index, TREE.inclusion_proof(index), CP_NOTE, extra)


def test_tlog_proof_layout() -> None:
    text = _proof(5, extra=b"context").decode()
    lines = text.split("\n")
    assert lines[0] == "c2sp.org/tlog-proof@v1"
    assert lines[1] == "extra " + base64.b64encode(b"context").decode()
    assert lines[2] == "index 5"
    hashes = TREE.inclusion_proof(5)
    assert lines[3 : 3 + len(hashes)] == [base64.b64encode(h).decode() for h in hashes]
    assert lines[3 + len(hashes)] == ""
    assert text.endswith("\n\n".join(["", CP_NOTE.decode()]))
    parsed = notes.parse_tlog_proof(text)
    assert parsed == notes.TlogProof(5, tuple(hashes), CP_NOTE, b"context")
    assert parsed.encode() == text.encode()
    assert notes.parse_tlog_proof(_proof(5)).extra is None


def test_every_tlog_proof_verifies_offline() -> None:
    for i, entry in enumerate(ENTRIES):
        text = _proof(i)
        got = notes.verify_tlog_proof(text, entry, LOG_CP.verifier(), is_data=True)
        assert (got.index, got.checkpoint.size) == (i, TREE.size)
        assert got.leaf_hash == merkle.leaf_hash(entry)
        notes.verify_tlog_proof(text.decode(), merkle.leaf_hash(entry), [LOG_CP.verifier()])


def test_single_leaf_tree_has_no_proof_lines() -> None:
    tree = merkle.MemoryTree([merkle.leaf_hash(b"only")])
    cp = notes.sign_checkpoint(notes.Checkpoint(LOG_CP.name, 1, tree.root()), LOG_CP)
    text = notes.format_tlog_proof(0, [], cp)
    assert text.startswith(b"c2sp.org/tlog-proof@v1\nindex 0\n\n")
    notes.verify_tlog_proof(text, b"only", LOG_CP.verifier(), is_data=True)


def test_tlog_proof_failures() -> None:
    text = _proof(7)
    verifier = LOG_CP.verifier()
    with pytest.raises(merkle.ProofError):
        notes.verify_tlog_proof(text, ENTRIES[8], verifier, is_data=True)
    with pytest.raises(merkle.ProofError):
        notes.verify_tlog_proof(text.replace(b"index 7", b"index 6"), ENTRIES[7], verifier, is_data=True)
    with pytest.raises(merkle.ProofError):
        notes.verify_tlog_proof(text, ENTRIES[7], verifier)  # data passed as a hash
    with pytest.raises(notes.UnverifiedNoteError):
        notes.verify_tlog_proof(text, ENTRIES[7], OTHER.verifier(), is_data=True)
    with pytest.raises(notes.UnverifiedNoteError):
        notes.verify_tlog_proof(text, ENTRIES[7], verifier, is_data=True, min_cosignatures=1)
    hashes = TREE.inclusion_proof(7)
    wrong = notes.format_tlog_proof(7, [*hashes[:-1], hashlib.sha256(b"x").digest()], CP_NOTE)
    with pytest.raises(merkle.ProofError):
        notes.verify_tlog_proof(wrong, ENTRIES[7], verifier, is_data=True)
    with pytest.raises(merkle.ProofError):
        short = notes.format_tlog_proof(7, hashes[:-1], CP_NOTE)
        notes.verify_tlog_proof(short, ENTRIES[7], verifier, is_data=True)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace(b"c2sp.org/tlog-proof@v1", b"c2sp.org/tlog-proof@v2"),
        lambda t: t.replace(b"index 7\n", b"index 07\n"),
        lambda t: t.replace(b"index 7\n", b"index -7\n"),
        lambda t: t.replace(b"index 7\n", b"\n"),
        lambda t: t.replace(b"index 7\n", b"extra AAAA\n"),
        lambda t: t.replace(b"index 7\n", b"index 7\nnot base64\n"),
        lambda t: t.replace(b"index 7\n", b"index 7\nAAAA\n"),
        lambda t: t.replace(b"index 7\n", b"index 7\n\n"),
        lambda t: t.split(b"\n\n")[0],
        lambda t: t + b"trailing garbage",
    ],
)
def test_malformed_tlog_proofs(mangle: object) -> None:
    assert callable(mangle)
    with pytest.raises(notes.NoteError):
        notes.verify_tlog_proof(mangle(_proof(7)), ENTRIES[7], LOG_CP.verifier(), is_data=True)


def test_tlog_proof_with_witnesses() -> None:
    witness = _witness("w.example")
    cosigned = notes.cosign_checkpoint(CP_NOTE, witness)
    text = notes.format_tlog_proof(3, TREE.inclusion_proof(3), cosigned)
    got = notes.verify_tlog_proof(
        text,
        ENTRIES[3],
        LOG_CP.verifier(),
        is_data=True,
        witnesses=[witness.verifier()],
        min_cosignatures=1,
    )
    assert [s.name for s in got.note.signatures] == [LOG_CP.name, witness.name]
