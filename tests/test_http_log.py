"""The public log over HTTP: checkpoint, proofs, receipts, tiles and public event bytes, no token."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.log_settings import log_origin
from api.server.config import HttpSettings
from ledger import merkle, notes
from ledger.envelope import SealedEvent
from ledger.translog import ConsistencyProof, InclusionProof, TransparencyLog, log_signer
from tests.helpers.http_world import ADMIN, OFFICER, World, case_steps, problem, world_at

FUTURE = "2099-12-31"


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, dict[tuple[str, int], int]]]:
    """A world whose log holds the registry, a live case, and three backfilled publications."""
    with world_at(tmp_path_factory.mktemp("http-log")) as world:
        before = world.client.get("/v1/log/checkpoint")
        problem(before, 404)
        number = world.number()
        for step in case_steps(number, 2):
            assert world.post(OFFICER, step).status_code == 201
        backfill: list[dict[str, Any]] = []
        for suffix, extra in (("LIVE", []), ("WITHDRAWN", ["withdraw"]), ("EXPIRED", [])):
            registered = case_steps(f"{number}-{suffix}", 2)[1]
            published = {"stream": registered["stream"], "type": "DecisionPublished", "by": OFFICER,
                         "at": "2026-04-20T09:00:00+08:00",
                         "data": {"published_at": "2026-04-20T09:00:00+08:00", "channel": "门户网站",
                                  "text": "某公司超标排放油烟, 罚款 2 万元",
                                  "max_until": "2020-01-01" if suffix == "EXPIRED" else FUTURE}}
            corrected = {**published, "type": "PublicationCorrected", "at": "2026-04-22T09:00:00+08:00",
                         "data": {"corrected_at": "2026-04-22T09:00:00+08:00", "text": "更正后的文本"}}
            backfill += [registered, published, corrected]
            if "withdraw" in extra:
                backfill.append({**published, "type": "PublicationWithdrawn", "at": "2026-05-20T09:00:00+08:00",
                                 "data": {"withdrawn_at": "2026-05-20T09:00:00+08:00", "reason": "决定被撤销",
                                          "explanation": "复议决定撤销原处罚决定"}})
        response = world.client.post("/v1/steps:batch", json={"steps": backfill}, headers=world.h(ADMIN),
                                     params={"backfill": "true"})
        assert response.status_code == 201, response.text
        tlog = TransparencyLog(world.ledger.store, origin=log_origin(world.settings))
        assert world.ledger.keystore is not None
        log_signer(tlog, world.ledger.keystore)
        tlog.integrate()
        tlog.checkpoint()
        positions = {}
        for position in range(tlog.size):
            event = SealedEvent.from_stored(tlog.event_bytes(position))
            positions[(event.stream, event.version)] = position
        tlog.close()
        world.counter.append(int(number.rsplit("-", 1)[1]))
        world.ledger_case = number  # type: ignore[attr-defined]
        yield world, positions


def _event_bytes(world: World, position: int) -> bytes:
    tlog = TransparencyLog(world.ledger.store)
    try:
        return tlog.event_bytes(position)
    finally:
        tlog.close()


def test_checkpoint_and_key(logged: tuple[World, dict[tuple[str, int], int]]) -> None:
    world, positions = logged
    response = world.client.get("/v1/log/checkpoint")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    key = world.client.get("/v1/log/key").text.strip()
    verifier = notes.parse_vkey(key)
    checkpoint, _ = notes.open_checkpoint(response.content, verifier)
    assert checkpoint.size == len(positions)
    assert checkpoint.origin == log_origin(world.settings)


def test_inclusion_consistency_and_receipt(logged: tuple[World, dict[tuple[str, int], int]]) -> None:
    world, positions = logged
    size = len(positions)
    position = positions[("agency/DXH-CGJ", 1)]
    stored = _event_bytes(world, position)
    proof = InclusionProof.from_json(world.client.get("/v1/log/proof/inclusion", params={"position": position}).json())
    proof.verify()
    assert proof.leaf_hash == merkle.leaf_hash(hashlib.sha256(stored).digest()) and proof.tree_size == size
    problem(world.client.get("/v1/log/proof/inclusion", params={"position": size}), 404)
    problem(world.client.get("/v1/log/proof/inclusion", params={"position": -1}), 422)
    problem(world.client.get("/v1/log/proof/inclusion", params={"position": 0, "size": size - 1}), 404)
    consistency = world.client.get("/v1/log/proof/consistency", params={"from": 3})
    assert consistency.status_code == 200, consistency.text
    doc = consistency.json()
    assert doc["from"] == 3 and doc["to"] == size
    ConsistencyProof.from_json(doc).verify()
    problem(world.client.get("/v1/log/proof/consistency", params={"from": size + 1}), 422)
    problem(world.client.get("/v1/log/proof/consistency", params={"from": 1, "to": size - 1}), 404)
    problem(world.client.get("/v1/log/proof/consistency", params={"from": 0}), 422)
    receipt = world.client.get(f"/v1/log/receipt/{position}")
    assert receipt.status_code == 200
    verifier = notes.parse_vkey(world.client.get("/v1/log/key").text.strip())
    verified = notes.verify_tlog_proof(receipt.content, hashlib.sha256(stored).digest(), verifier, is_data=True)
    assert verified.index == position
    problem(world.client.get(f"/v1/log/receipt/{size}"), 404)


def test_tiles_match_the_static_export(logged: tuple[World, dict[tuple[str, int], int]], tmp_path: Path) -> None:
    world, positions = logged
    tlog = TransparencyLog(world.ledger.store)
    try:
        exported = tlog.export_tiles(tmp_path)
    finally:
        tlog.close()
    tiles = [p for p in exported.written if p.startswith("tile/")]
    assert any(p.startswith("tile/entries/") for p in tiles) and any(p.startswith("tile/0/") for p in tiles)
    for path in tiles:
        response = world.client.get(f"/v1/log/{path}")
        assert response.status_code == 200, (path, response.text)
        assert response.content == (tmp_path / path).read_bytes(), path
    size = len(positions)
    assert world.client.get("/v1/log/tile/0/000.p/1").status_code == 200  # an older, smaller width
    problem(world.client.get(f"/v1/log/tile/0/000.p/{size + 1}"), 404)
    problem(world.client.get("/v1/log/tile/0/001"), 404)
    problem(world.client.get("/v1/log/tile/0/x000/000"), 404)
    problem(world.client.get("/v1/log/tile/nonsense"), 404)


def test_public_event_bytes(logged: tuple[World, dict[tuple[str, int], int]]) -> None:
    world, positions = logged
    number = world.ledger_case  # type: ignore[attr-defined]
    registry = positions[("agency/DXH-CGJ", 1)]
    response = world.client.get(f"/v1/log/event/{registry}")
    assert response.status_code == 200
    assert response.content == _event_bytes(world, registry)
    officer = positions[(OFFICER, 1)]
    assert world.client.get(f"/v1/log/event/{officer}").status_code == 200
    problem(world.client.get(f"/v1/log/event/{positions[(f'case/{number}', 1)]}"), 403)
    problem(world.client.get(f"/v1/log/event/{positions[(f'case/{number}', 2)]}"), 403)
    live = f"case/{number}-LIVE"
    assert world.client.get(f"/v1/log/event/{positions[(live, 2)]}").status_code == 200
    assert world.client.get(f"/v1/log/event/{positions[(live, 3)]}").status_code == 200
    problem(world.client.get(f"/v1/log/event/{positions[(live, 1)]}"), 403)  # CaseRegistered: not public
    gone = f"case/{number}-WITHDRAWN"
    body = problem(world.client.get(f"/v1/log/event/{positions[(gone, 2)]}"), 410)
    assert "撤回" in body["detail"] and "决定被撤销" in body["detail"]
    problem(world.client.get(f"/v1/log/event/{positions[(gone, 3)]}"), 410)
    assert world.client.get(f"/v1/log/event/{positions[(gone, 4)]}").status_code == 200  # the withdrawal itself
    expired = f"case/{number}-EXPIRED"
    body = problem(world.client.get(f"/v1/log/event/{positions[(expired, 2)]}"), 410)
    assert "2020-01-01" in body["detail"]
    problem(world.client.get(f"/v1/log/event/{positions[(expired, 3)]}"), 410)
    problem(world.client.get(f"/v1/log/event/{len(positions)}"), 404)


def test_log_routes_need_no_token_and_grow_with_the_integrator(tmp_path: Path) -> None:
    http = HttpSettings(integrate_interval=0.2)
    with world_at(tmp_path, http=http, integrate=True) as world, TestClient(world.app) as client:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            response = client.get("/v1/log/checkpoint")
            if response.status_code == 200:
                break
            time.sleep(0.1)
        assert response.status_code == 200, response.text
        size = notes.parse_checkpoint(notes.parse_note(response.content).text).size
        assert size >= 20  # the registry, the extra agencies and officers
        proof = client.get("/v1/log/proof/inclusion", params={"position": size - 1})
        InclusionProof.from_json(proof.json()).verify()
