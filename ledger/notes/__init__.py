"""C2SP signed notes, checkpoints, cosignatures and tlog-proofs.

The formats are those of c2sp.org/signed-note, tlog-checkpoint,
tlog-cosignature (cosignature/v1, Ed25519) and tlog-proof, byte for byte
compatible with golang.org/x/mod/sumdb/note and transparency-dev, so that
anyone can check our checkpoints and proofs with off-the-shelf tools.

Wire formats (signed notes, proofs) are ``bytes``; inputs accept ``str`` too.
Base64 is always the standard alphabet with padding, and parsing insists on
the canonical encoding so that no two byte strings carry the same signature.
Nothing here performs I/O; the only ambient input is the clock a cosigner
reads when no timestamp is given.
"""

from __future__ import annotations

from ledger.notes.base import (
    COSIGNATURE_V1_HEADER,
    MAX_SIGNATURES,
    SIG_TYPE_COSIGNATURE_V1,
    SIG_TYPE_ED25519,
    TLOG_PROOF_HEADER,
    CheckpointError,
    InvalidSignatureError,
    KeyFormatError,
    MalformedNoteError,
    NoteError,
    TlogProofError,
    UnverifiedNoteError,
    encode_vkey,
    is_valid_key_name,
    key_id,
    witness_key_id,
)
from ledger.notes.checkpoints import (
    Checkpoint,
    cosign_checkpoint,
    cosignature_timestamp,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verify_cosignature,
)
from ledger.notes.keys import (
    CosignatureSigner,
    CosignatureVerifier,
    Ed25519Signer,
    Ed25519Verifier,
    Signer,
    Verifier,
    cosignature_message,
    parse_skey,
    parse_vkey,
)
from ledger.notes.proofs import TlogProof, VerifiedTlogProof, format_tlog_proof, parse_tlog_proof, verify_tlog_proof
from ledger.notes.signed import Note, NoteSignature, add_signatures, open_note, parse_note, sign_note

__all__ = [
    "COSIGNATURE_V1_HEADER",
    "MAX_SIGNATURES",
    "SIG_TYPE_COSIGNATURE_V1",
    "SIG_TYPE_ED25519",
    "TLOG_PROOF_HEADER",
    "Checkpoint",
    "CheckpointError",
    "CosignatureSigner",
    "CosignatureVerifier",
    "Ed25519Signer",
    "Ed25519Verifier",
    "InvalidSignatureError",
    "KeyFormatError",
    "MalformedNoteError",
    "Note",
    "NoteError",
    "NoteSignature",
    "Signer",
    "TlogProof",
    "TlogProofError",
    "UnverifiedNoteError",
    "VerifiedTlogProof",
    "Verifier",
    "add_signatures",
    "cosign_checkpoint",
    "cosignature_message",
    "cosignature_timestamp",
    "encode_vkey",
    "format_tlog_proof",
    "is_valid_key_name",
    "key_id",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_note",
    "parse_skey",
    "parse_tlog_proof",
    "parse_vkey",
    "sign_checkpoint",
    "sign_note",
    "verify_cosignature",
    "verify_tlog_proof",
    "witness_key_id",
]
