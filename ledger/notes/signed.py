"""c2sp.org/signed-note: parsing, opening (verifying) and signing notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ledger.notes.base import (
    _EM_DASH_PREFIX,
    MAX_SIGNATURES,
    InvalidSignatureError,
    KeyFormatError,
    MalformedNoteError,
    NoteError,
    UnverifiedNoteError,
    _as_bytes,
    _b64,
    _check_text,
    _unb64,
    is_valid_key_name,
)
from ledger.notes.keys import Signer, Verifier

__all__ = [
    "Note",
    "NoteSignature",
    "add_signatures",
    "open_note",
    "parse_note",
    "sign_note",
]

# --- notes ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def encoded(self) -> str:
        """base64(key ID || signature), as it appears on the line."""
        return _b64(self.key_id.to_bytes(4, "big") + self.signature)

    def line(self) -> str:
        """The full signature line, with the em dash and the final newline."""
        return f"{_EM_DASH_PREFIX}{self.name} {self.encoded()}\n"


@dataclass(frozen=True)
class Note:
    """A note's text with its signatures, split by whether a known key verified them."""

    text: str
    signatures: tuple[NoteSignature, ...] = ()
    unverified: tuple[NoteSignature, ...] = ()


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(_EM_DASH_PREFIX):
        raise MalformedNoteError(f"signature line does not start with an em dash: {line!r}")
    name, space, b64 = line[len(_EM_DASH_PREFIX) :].partition(" ")
    if not space or not is_valid_key_name(name):
        raise MalformedNoteError(f"malformed signature line: {line!r}")
    raw = _unb64(b64, "signature")
    if len(raw) < 5:
        raise MalformedNoteError(f"signature is too short: {line!r}")
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse_note(msg: bytes | str) -> Note:
    """Split a signed note into text and signatures, verifying nothing (all ``unverified``)."""
    raw = _as_bytes(msg, "note", MalformedNoteError)
    whole = _check_text(raw, "note", MalformedNoteError)
    split = whole.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNoteError("note does not end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs = tuple(_parse_signature_line(line) for line in lines)
    return Note(text, (), sigs)


def _verifier_map(verifiers: Iterable[Verifier]) -> dict[tuple[str, int], list[Verifier]]:
    known: dict[tuple[str, int], list[Verifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), []).append(v)
    return known


def _as_verifiers(verifiers: Verifier | Iterable[Verifier]) -> list[Verifier]:
    if isinstance(verifiers, Iterable):
        return list(verifiers)
    return [verifiers]


def open_note(msg: bytes | str, verifiers: Verifier | Iterable[Verifier]) -> Note:
    """Parse a signed note and verify its signatures by the known ``verifiers``.

    As signed-note requires: signatures by unknown keys are ignored (kept in
    ``unverified``), a failing signature by a known key rejects the note
    (:class:`InvalidSignatureError`), and a note that no known key signed is
    rejected (:class:`UnverifiedNoteError`). Repeated signatures are dropped.
    """
    parsed = parse_note(msg)
    known = _verifier_map(_as_verifiers(verifiers))
    text = parsed.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for sig in parsed.unverified:
        key = (sig.name, sig.key_id)
        candidates = known.get(key)
        if not candidates:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if len(candidates) > 1:
            raise NoteError(f"ambiguous key {sig.name}+{sig.key_id:08x}: several verifiers match")
        if key in seen:
            continue
        seen.add(key)
        if not candidates[0].verify(text, sig.signature):
            raise InvalidSignatureError(sig.name, sig.key_id)
        verified.append(sig)
    note = Note(parsed.text, tuple(verified), tuple(unverified))
    if not verified:
        raise UnverifiedNoteError(note)
    return note


def sign_note(text: str, *signers: Signer, existing: Sequence[NoteSignature] = ()) -> bytes:
    """Sign ``text`` (which must end in a newline) and encode the signed note.

    ``existing`` signatures are kept first, except those by a key that signs
    again here, mirroring Go's ``note.Sign``.
    """
    if not isinstance(text, str):
        raise TypeError("note text is a str")
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    body = _as_bytes(text, "note text", MalformedNoteError)
    _check_text(body, "note text", MalformedNoteError)
    if not signers and not existing:
        raise ValueError("a signed note needs at least one signature")
    new: list[NoteSignature] = []
    for s in signers:
        if not is_valid_key_name(s.name):
            raise KeyFormatError(f"invalid signer name: {s.name!r}")
        new.append(NoteSignature(s.name, s.key_id, s.sign(body)))
    replaced = {(sig.name, sig.key_id) for sig in new}
    kept = [sig for sig in existing if (sig.name, sig.key_id) not in replaced]
    for sig in kept:
        if not is_valid_key_name(sig.name):
            raise MalformedNoteError(f"invalid key name in existing signature: {sig.name!r}")
    if len(kept) + len(new) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note carries at most {MAX_SIGNATURES} signatures")
    return (text + "\n" + "".join(sig.line() for sig in [*kept, *new])).encode("utf-8")


def add_signatures(msg: bytes | str, *signers: Signer) -> bytes:
    """Add (or replace) signatures on an already signed note, keeping the others."""
    parsed = parse_note(msg)
    return sign_note(parsed.text, *signers, existing=parsed.unverified)

