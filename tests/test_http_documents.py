"""Documents over HTTP and from the CLI: content addressing, hash and size checks, who reads them."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from api.cli import main
from tests.helpers.http_world import (
    ADMIN,
    FAR,
    HEAD,
    OFFICER,
    OTHER,
    REVIEWER,
    SUPERVISOR,
    World,
    problem,
)


def _put(world: World, who: str, content: bytes, sha: str | None = None, media_type: str = "application/pdf") -> object:
    sha = sha or hashlib.sha256(content).hexdigest()
    return world.client.put(f"/v1/documents/{sha}", content=content,
                            headers={**world.h(who), "Content-Type": media_type})


def test_upload_is_content_addressed_and_idempotent(world: World) -> None:
    content = b"%PDF-1.7 " + os.urandom(200)
    sha = hashlib.sha256(content).hexdigest()
    first = _put(world, OFFICER, content)
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    body = first.json()  # type: ignore[attr-defined]
    assert body == {"sha256": sha, "bytes": len(content), "media_type": "application/pdf",
                    "reference": {"sha256": sha, "bytes": len(content), "media_type": "application/pdf", "name": ""}}
    again = _put(world, OFFICER, content)
    assert again.status_code == 200  # type: ignore[attr-defined]
    stored = world.data / "documents" / sha[:2] / sha[2:4] / sha
    assert stored.read_bytes() == content
    assert not list((world.data / "documents" / "tmp").iterdir())


def test_hash_mismatch_and_size_limit(world: World) -> None:
    content = b"inquiry record " + os.urandom(64)
    wrong = hashlib.sha256(b"something else").hexdigest()
    body = problem(_put(world, OFFICER, content, sha=wrong), 422)
    assert body["actual"] == hashlib.sha256(content).hexdigest()
    assert not (world.data / "documents" / wrong[:2] / wrong[2:4] / wrong).exists()
    big = os.urandom(5000)  # the test app allows 4096 bytes
    problem(_put(world, OFFICER, big), 413)

    def chunks() -> object:
        for _ in range(10):
            yield os.urandom(1000)

    sha = hashlib.sha256(b"x").hexdigest()
    problem(world.client.put(f"/v1/documents/{sha}", content=chunks(), headers=world.h(OFFICER)), 413)  # type: ignore[arg-type]
    assert not list((world.data / "documents" / "tmp").iterdir())
    problem(world.client.put("/v1/documents/NOTAHASH", content=b"x", headers=world.h(OFFICER)), 422)
    problem(world.client.put(f"/v1/documents/{sha}", content=b"x"), 401)


def test_who_reads_a_document(world: World) -> None:
    content = b"decision " + os.urandom(100)
    sha = hashlib.sha256(content).hexdigest()
    assert _put(world, OFFICER, content, media_type="text/html").status_code == 201  # type: ignore[attr-defined]
    for who in (OFFICER, HEAD, REVIEWER, SUPERVISOR, ADMIN):
        response = world.client.get(f"/v1/documents/{sha}", headers=world.h(who))
        assert response.status_code == 200, (who, response.text)
        assert response.content == content
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["etag"] == f'"{sha}"'
    for who in (OTHER, FAR):
        problem(world.client.get(f"/v1/documents/{sha}", headers=world.h(who)), 403)
    problem(world.client.get(f"/v1/documents/{sha}"), 401)
    problem(world.client.get(f"/v1/documents/{'0' * 64}", headers=world.h(ADMIN)), 404)
    # a second agency uploading the same content may read it as well
    assert _put(world, OTHER, content).status_code == 200  # type: ignore[attr-defined]
    assert world.client.get(f"/v1/documents/{sha}", headers=world.h(OTHER)).status_code == 200
    problem(world.client.get(f"/v1/documents/{sha}", headers=world.h(FAR)), 403)


def test_document_references_let_stream_readers_in(world: World) -> None:
    content = b"referenced " + os.urandom(50)
    sha = hashlib.sha256(content).hexdigest()
    assert _put(world, OTHER, content).status_code == 201  # type: ignore[attr-defined]
    problem(world.client.get(f"/v1/documents/{sha}", headers=world.h(OFFICER)), 403)
    svc = world.app.state.services
    before = svc.document_references
    svc.document_references = lambda digest: ["agency/DXH-CGJ"] if digest == sha else []
    try:
        assert world.client.get(f"/v1/documents/{sha}", headers=world.h(OFFICER)).status_code == 200
    finally:
        svc.document_references = before


def test_cli_documents_add(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = tmp_path / "询问笔录.pdf"
    one.write_bytes(b"%PDF " + os.urandom(100))
    two = tmp_path / "执法记录仪.mp4"
    two.write_bytes(os.urandom(300))
    status = main(["--data", str(world.data), "--as", OFFICER, "documents", "add", str(one), str(two), "--json"])
    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["name"] for line in lines] == ["询问笔录.pdf", "执法记录仪.mp4"]
    assert lines[0]["media_type"] == "application/pdf" and lines[1]["media_type"] == "video/mp4"
    assert lines[0]["sha256"] == hashlib.sha256(one.read_bytes()).hexdigest() and lines[0]["created"]
    response = world.client.get(f"/v1/documents/{lines[1]['sha256']}", headers=world.h(HEAD))
    assert response.status_code == 200 and response.content == two.read_bytes()
    problem(world.client.get(f"/v1/documents/{lines[1]['sha256']}", headers=world.h(OTHER)), 403)
    too_big = tmp_path / "big.bin"
    too_big.write_bytes(os.urandom(5000))
    os.environ["LEDGER_MAX_DOCUMENT_BYTES"] = "4096"
    try:
        assert main(["--data", str(world.data), "documents", "add", str(too_big)]) == 1
    finally:
        del os.environ["LEDGER_MAX_DOCUMENT_BYTES"]
    assert "4096" in capsys.readouterr().err


def test_a_document_one_may_not_read_answers_alike_whether_it_exists_or_not(world: World) -> None:
    content = b"%PDF-1.7 " + os.urandom(100)
    sha = hashlib.sha256(content).hexdigest()
    assert _put(world, OFFICER, content).status_code == 201  # type: ignore[attr-defined]
    absent = hashlib.sha256(b"never uploaded " + os.urandom(16)).hexdigest()
    for who in (OTHER, FAR):
        existing = world.client.get(f"/v1/documents/{sha}", headers=world.h(who))
        missing = world.client.get(f"/v1/documents/{absent}", headers=world.h(who))
        assert existing.status_code == missing.status_code == 403, (existing.text, missing.text)
        assert existing.json()["detail"].replace(sha, "H") == missing.json()["detail"].replace(absent, "H")
    problem(world.client.get(f"/v1/documents/{absent}", headers=world.h(ADMIN)), 404)
