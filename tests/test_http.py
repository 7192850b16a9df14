"""The HTTP service through the real app: recording, streams, roles, concurrency, errors.

One SQLite ledger per module (``init`` + the example registry + a few more agencies and
officers), a token for each role; every test works on case numbers of its own.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from fastapi import APIRouter

from api.server.state import Area
from domain.vocabulary import STEPS
from ledger.envelope import split
from ledger.keys import verify
from tests.helpers.http_world import (
    ADMIN,
    CLIENT,
    FAR,
    HEAD,
    OFFICER,
    OFFICER2,
    OTHER,
    REVIEWER,
    SUPERVISOR,
    World,
    bearer,
    case_steps,
    problem,
    sealed_envelope,
    world_at,
)

# --------------------------------------------------------------------------- health, schema, errors


def test_health_and_readiness(world: World) -> None:
    assert world.client.get("/healthz").json() == {"status": "ok"}
    ready = world.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    checks = {c["name"]: c for c in ready.json()["checks"]}
    assert checks["store"]["ok"] and checks["calendar"]["ok"]
    assert checks["calendar"]["detail"]["known_through"] >= "2026-12-31"


def test_openapi_has_every_step_as_a_discriminated_union(world: World) -> None:
    spec = world.client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    union = schemas["Step"]
    assert union["discriminator"]["propertyName"] == "type"
    assert set(union["discriminator"]["mapping"]) == set(STEPS)
    assert len(union["oneOf"]) == len(STEPS)
    inquiry = schemas["InquiryRecordedStep"]
    assert inquiry["properties"]["type"]["enum"] == ["InquiryRecorded"]
    assert {"officers", "record", "interviewee"} <= set(inquiry["properties"]["data"]["required"])
    assert "Document" in schemas and "Problem" in schemas
    body = spec["paths"]["/v1/steps"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/Step"} in body["oneOf"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert "500" in operation["responses"], (path, method)
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")) and code != "503":
                    assert "application/problem+json" in response["content"], (path, method, code)


def test_unknown_route_and_method_are_problems(world: World) -> None:
    problem(world.client.get("/v1/nothing-here"), 404)
    problem(world.client.delete("/v1/steps", headers=world.h(ADMIN)), 405)


def test_crash_is_a_bare_500_problem(tmp_path: Any) -> None:
    router = APIRouter()

    @router.get("/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail /etc/passwd")

    from api.server.app import default_areas

    with world_at(tmp_path, areas=[*default_areas(), Area("boom", router)]) as made:
        response = made.client.get("/v1/boom")
        body = problem(response, 500)
        assert "secret" not in response.text and "Traceback" not in response.text
        assert body["detail"] and "RuntimeError" not in body["detail"]
        # a plugged-in area's route is served beside the core ones
        assert made.client.get("/healthz").status_code == 200


# --------------------------------------------------------------------------- authentication


def test_unauthenticated_and_bad_tokens_are_401(world: World) -> None:
    step = case_steps(world.number(), 1)[0]
    body = problem(world.client.post("/v1/steps", json=step), 401)
    assert "Bearer" in body["detail"]
    assert world.client.post("/v1/steps", json=step).headers["www-authenticate"].startswith("Bearer")
    problem(world.client.post("/v1/steps", json=step, headers=bearer("elt_00000000_" + "A" * 43)), 401)
    problem(world.client.post("/v1/steps", json=step, headers=bearer("nonsense")), 401)
    problem(world.client.post("/v1/steps", json=step, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), 401)
    kind_id = "case/" + step["stream"].split("/", 1)[1]
    problem(world.client.get(f"/v1/streams/{kind_id}/events"), 401)
    problem(world.client.get(f"/v1/streams/{kind_id}/head"), 401)


def test_revoked_and_expired_tokens_are_401(world: World) -> None:
    from datetime import UTC, datetime, timedelta

    store = world.app.state.services.tokens
    record, secret = store.create(OFFICER, name="short-lived")
    assert world.client.get("/v1/streams/officer/admin/head", headers=bearer(secret)).status_code == 200
    store.revoke(record.id)
    problem(world.client.get("/v1/streams/officer/admin/head", headers=bearer(secret)), 401)
    past = datetime.now(UTC) - timedelta(days=2)
    _, expired = store.create(OFFICER, expires_at=past + timedelta(days=1), now=past)
    problem(world.client.get("/v1/streams/officer/admin/head", headers=bearer(expired)), 401)
    # a wrong secret for a real token id
    good_id = secret.split("_")[1]
    problem(world.client.get("/v1/streams/officer/admin/head", headers=bearer(f"elt_{good_id}_{'B' * 43}")), 401)


# --------------------------------------------------------------------------- recording


def _head(world: World, stream: str, who: str = ADMIN) -> int:
    response = world.client.get(f"/v1/streams/{stream}/head", headers=world.h(who))
    assert response.status_code == 200, response.text
    version: int = response.json()["version"]
    assert response.headers["etag"] == f'"{version}"'
    return version


def test_officer_records_own_steps_with_etag_and_location(world: World) -> None:
    number = world.number()
    steps = case_steps(number, 3)
    for version, step in enumerate(steps, start=1):
        response = world.post(OFFICER, step)
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["stream"] == f"case/{number}" and body["version"] == version and body["type"] == step["type"]
        assert len(body["hash"]) == 64
        assert response.headers["etag"] == f'"{version}"'
        assert response.headers["location"] == f"/v1/streams/case/{number}/events/{version}"
    head = world.client.get(f"/v1/streams/case/{number}/head", headers=world.h(OFFICER)).json()
    assert head["version"] == 3 and head["hash"] == body["hash"]


def test_step_for_another_identity_is_403(world: World) -> None:
    step = case_steps(world.number(), 1)[0]
    body = problem(world.post(OFFICER2, step), 403, "STRUCT-ACTOR")
    assert body["index"] == 0
    assert _head(world, step["stream"]) == 0


def test_role_and_agency_refusals_are_403(world: World) -> None:
    number = world.number()
    source, registered, inspection = case_steps(number, 3)
    assert world.post(OFFICER, source).status_code == 201
    assert world.post(OFFICER, registered).status_code == 201
    problem(world.post(REVIEWER, {**inspection, "by": REVIEWER}), 403, "STRUCT-ROLE")  # no officer role
    problem(world.post(OTHER, {**inspection, "by": OTHER}), 403, "STRUCT-ROLE")  # another agency
    problem(world.post(SUPERVISOR, {**inspection, "by": SUPERVISOR}), 403, "STRUCT-ROLE")
    assert _head(world, f"case/{number}") == 2


def test_gate_and_structure_refusals_are_422_with_rule(world: World) -> None:
    number = world.number()
    source, registered, inspection = case_steps(number, 3)
    world.post(OFFICER, source)
    world.post(OFFICER, registered)
    alone = copy.deepcopy(inspection)
    alone["data"]["officers"] = [OFFICER]
    body = problem(world.post(OFFICER, alone), 422, "PEN-04")
    assert body["basis"] and "行政处罚法" in body["basis"]
    broken = copy.deepcopy(inspection)
    del broken["data"]["place"]
    problem(world.post(OFFICER, broken), 422, "STRUCT-FIELD")
    problem(world.post(OFFICER, {**inspection, "type": "NoSuchStep"}), 422)
    problem(world.post(OFFICER, {**inspection, "extra": 1}), 422, "STRUCT-SHAPE")
    problem(world.post(OFFICER, [inspection]), 422, "STRUCT-SHAPE")
    huge = copy.deepcopy(inspection)
    huge["data"]["note_fen"] = 2**60
    assert problem(world.post(OFFICER, huge), 422)["rule"] in ("STRUCT-FIELD", "STRUCT-ENCODING")
    problem(world.client.post("/v1/steps", content=b"{not json", headers=world.h(OFFICER)), 400, "STRUCT-JSON")
    problem(world.client.post("/v1/steps", content=b"", headers=world.h(OFFICER)), 400, "STRUCT-JSON")
    assert _head(world, f"case/{number}") == 2


def test_admin_acts_for_an_officer_whose_key_the_server_keeps(world: World) -> None:
    number = world.number()
    source = case_steps(number, 1)[0]
    response = world.post(ADMIN, source)
    assert response.status_code == 201, response.text
    events = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(ADMIN)).json()["events"]
    assert events[0]["event"]["actor"] == ADMIN and events[0]["signer"]["id"] == OFFICER
    # not for an identity whose key only its client holds
    client_step = {**case_steps(world.number(), 1)[0], "by": CLIENT}
    problem(world.post(ADMIN, client_step), 422, "KEY-NOT-HELD")


def test_backfill_needs_an_admin_token_which_signs(world: World) -> None:
    number = world.number()
    source, registered = case_steps(number, 2)
    problem(world.post(OFFICER, source, params={"backfill": "true"}), 403, "STRUCT-BACKFILL")
    paper = copy.deepcopy(registered)
    paper["data"]["document"] = None  # a legal fact the paper lacks: allowed in 补录 only
    response = world.client.post("/v1/steps:batch", json={"steps": [source, paper]}, headers=world.h(ADMIN),
                                 params={"backfill": "true"})
    assert response.status_code == 201, response.text
    events = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(OFFICER)).json()["events"]
    assert [e["event"]["backfilled"] for e in events] == [True, True]
    assert {e["signer"]["id"] for e in events} == {ADMIN}
    assert events[1]["event"]["by"] == OFFICER
    live = copy.deepcopy(registered)
    live["stream"] = f"case/{world.number()}"
    live["data"]["document"] = None
    problem(world.post(OFFICER, live), 422, "STRUCT-FIELD")


# --------------------------------------------------------------------------- concurrency


def test_if_match_guards_the_stream_version(world: World) -> None:
    number = world.number()
    stream = f"case/{number}"
    source, registered, inspection = case_steps(number, 3)
    problem(world.post(OFFICER, source, headers={"If-Match": "*"}), 409, "VERSION-MISMATCH")
    assert world.post(OFFICER, source, headers={"If-Match": '"0"'}).status_code == 201
    problem(world.post(OFFICER, registered, headers={"If-Match": '"0"'}), 409, "VERSION-MISMATCH")
    assert _head(world, stream) == 1
    ok = world.post(OFFICER, registered, headers={"If-Match": '"1"'})
    assert ok.status_code == 201 and ok.headers["etag"] == '"2"'
    assert world.post(OFFICER, inspection, headers={"If-Match": "*"}).status_code == 201
    problem(world.post(OFFICER, inspection, headers={"If-Match": "W/\"3\""}), 400)
    problem(world.post(OFFICER, inspection, headers={"If-Match": '"1", "2"'}), 400)
    assert _head(world, stream) == 3


def test_batch_is_atomic(world: World) -> None:
    number = world.number()
    stream = f"case/{number}"
    steps = case_steps(number, 3)
    bad = copy.deepcopy(steps[2])
    bad["data"]["officers"] = [OFFICER]
    response = world.client.post("/v1/steps:batch", json={"steps": [*steps[:2], bad]}, headers=world.h(OFFICER))
    body = problem(response, 422, "PEN-04")
    assert body["index"] == 2
    assert _head(world, stream) == 0
    response = world.client.post("/v1/steps:batch", json={"steps": steps, "expect": {stream: 0}},
                                 headers=world.h(OFFICER))
    assert response.status_code == 201, response.text
    assert [e["version"] for e in response.json()["events"]] == [1, 2, 3]
    assert response.headers["etag"] == '"3"'


def test_batch_expectations_and_limits(world: World) -> None:
    first, second = world.number(), world.number()
    a = case_steps(first, 1)[0]
    b = case_steps(second, 1)[0]
    both = {"steps": [a, b], "expect": {f"case/{first}": 0, f"case/{second}": 1}}
    problem(world.client.post("/v1/steps:batch", json=both, headers=world.h(OFFICER)), 409, "VERSION-MISMATCH")
    assert _head(world, f"case/{first}") == 0
    problem(world.client.post("/v1/steps:batch", json={"steps": [a, b]}, headers={**world.h(OFFICER),
                                                                                  "If-Match": '"0"'}), 400)
    problem(world.client.post("/v1/steps:batch", json={"steps": [a], "expect": {"case/elsewhere": 0}},
                              headers=world.h(OFFICER)), 422, "STRUCT-SHAPE")
    problem(world.client.post("/v1/steps:batch", json={"steps": []}, headers=world.h(OFFICER)), 422)
    problem(world.client.post("/v1/steps:batch", json={"steps": [a], "more": 1}, headers=world.h(OFFICER)), 422)
    problem(world.client.post("/v1/steps:batch", json={"steps": [a] * 21}, headers=world.h(OFFICER)), 413)
    problem(world.client.post("/v1/steps:batch", json={"steps": [a, {**b, "by": OFFICER2}]},
                              headers=world.h(OFFICER)), 403, "STRUCT-ACTOR")
    ok = world.client.post("/v1/steps:batch", json={"steps": [a, b]}, headers=world.h(OFFICER))
    assert ok.status_code == 201 and "etag" not in ok.headers


def test_request_size_limits(world: World) -> None:
    step = case_steps(world.number(), 1)[0]
    step["data"]["summary"] = "长" * 30_000  # ~90 KB > 64 KiB
    problem(world.post(OFFICER, step), 413)

    def chunks() -> Any:
        for _ in range(100):
            yield b" " * 1024

    problem(world.client.post("/v1/steps", content=chunks(), headers=world.h(OFFICER)), 413)
    assert _head(world, step["stream"]) == 0


# --------------------------------------------------------------------------- client-signed envelopes


def _client_inspection(world: World) -> tuple[str, dict[str, Any]]:
    number = world.number()
    source, registered, inspection = case_steps(number, 3)
    assert world.post(OFFICER, source).status_code == 201
    assert world.post(OFFICER, registered).status_code == 201
    step = copy.deepcopy(inspection)
    step["by"] = CLIENT
    step["data"]["officers"] = [CLIENT, OFFICER]
    return f"case/{number}", step


def test_client_signed_envelope_is_recorded_as_signed(world: World) -> None:
    stream, step = _client_inspection(world)
    problem(world.post(CLIENT, step), 422, "KEY-NOT-HELD")  # the server cannot sign for it
    sealed = sealed_envelope(world, step)
    response = world.client.post("/v1/steps", content=sealed, headers={**world.h(CLIENT), "If-Match": '"2"'})
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 3 and response.headers["etag"] == '"3"'
    kind, ident = stream.split("/", 1)
    event = world.client.get(f"/v1/streams/{kind}/{ident}/events/3", headers=world.h(OFFICER)).json()
    assert event["sealed"].encode("utf-8") == sealed  # stored byte for byte
    assert event["signer"] == {"id": CLIENT, "key": world.client_key.key_id}
    unsigned, signature = split(sealed)
    assert verify(world.client_key.public_key, unsigned, signature)


def test_client_signed_envelope_refusals(world: World) -> None:
    stream, step = _client_inspection(world)
    good = sealed_envelope(world, step)
    tampered = good.replace("现场".encode(), "场外".encode(), 1) if "现场".encode() in good else None
    forged = good[:-6] + (b"AAAA" if good[-6:-2] != b"AAAA" else b"BBBB") + good[-2:]
    problem(world.client.post("/v1/steps", content=forged, headers=world.h(CLIENT)), 422, "SIG-INVALID")
    if tampered is not None:
        problem(world.client.post("/v1/steps", content=tampered, headers=world.h(CLIENT)), 422, "SIG-INVALID")
    problem(world.client.post("/v1/steps", content=good, headers=world.h(OFFICER)), 403, "STRUCT-ACTOR")
    problem(world.client.post("/v1/steps", content=good, headers=world.h(CLIENT), params={"backfill": "true"}),
            422, "STRUCT-ENVELOPE")
    stale = sealed_envelope(world, step, version=2, prev=None)
    problem(world.client.post("/v1/steps", content=stale, headers=world.h(CLIENT)), 409, "STALE-VERSION")
    problem(world.client.post("/v1/steps", content=good, headers={**world.h(CLIENT), "If-Match": '"5"'}),
            409, "VERSION-MISMATCH")
    from datetime import UTC, datetime, timedelta

    late = sealed_envelope(world, step, recorded_at=datetime.now(UTC) - timedelta(hours=1))
    problem(world.client.post("/v1/steps", content=late, headers=world.h(CLIENT)), 422, "CLOCK-SKEW")
    from ledger.keys import SigningKey

    wrong_key = sealed_envelope(world, step, key=SigningKey.generate())
    problem(world.client.post("/v1/steps", content=wrong_key, headers=world.h(CLIENT)), 422, "KEY-INVALID")
    spaced = good.replace(b'{"event":', b'{"event": ', 1)
    problem(world.client.post("/v1/steps", content=spaced, headers=world.h(CLIENT)), 422)
    assert _head(world, stream) == 2
    assert world.client.post("/v1/steps", content=good, headers=world.h(CLIENT)).status_code == 201
    problem(world.client.post("/v1/steps", content=good, headers=world.h(CLIENT)), 409, "STALE-VERSION")


# --------------------------------------------------------------------------- reading streams


def test_stream_events_carry_signatures_that_verify(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 3):
        world.post(OFFICER, step)
    response = world.client.get(f"/v1/streams/case/{number}/events", headers=world.h(OFFICER))
    assert response.status_code == 200 and response.headers["etag"] == '"3"'
    listing = response.json()
    assert listing["version"] == 3 and listing["next_after"] is None
    keys = world.client.get(f"/v1/streams/{OFFICER}/events", headers=world.h(OFFICER)).json()["events"]
    public_key = __import__("base64").b64decode(keys[0]["event"]["key"]["public_key"])
    prev = None
    for event in listing["events"]:
        sealed = event["sealed"].encode("utf-8")
        unsigned, signature = split(sealed)
        assert verify(public_key, unsigned, signature)
        assert hashlib.sha256(unsigned).hexdigest() == event["hash"]
        assert event["event"]["prev"] == prev
        prev = event["hash"]
    page = world.client.get(f"/v1/streams/case/{number}/events", params={"after": 1, "limit": 1},
                            headers=world.h(OFFICER)).json()
    assert [e["version"] for e in page["events"]] == [2] and page["next_after"] == 2
    cached = world.client.get(f"/v1/streams/case/{number}/events", headers={**world.h(OFFICER),
                                                                           "If-None-Match": '"3"'})
    assert cached.status_code == 304
    head = world.client.get(f"/v1/streams/case/{number}/head", headers={**world.h(OFFICER),
                                                                       "If-None-Match": '"3"'})
    assert head.status_code == 304


def test_who_reads_which_stream(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        world.post(OFFICER, step)
    path = f"/v1/streams/case/{number}/events"
    for who in (OFFICER, OFFICER2, HEAD, REVIEWER, SUPERVISOR, ADMIN, CLIENT):
        assert world.client.get(path, headers=world.h(who)).status_code == 200, who
    for who in (OTHER, FAR):
        problem(world.client.get(path, headers=world.h(who)), 403)
        problem(world.client.get(f"/v1/streams/case/{number}/head", headers=world.h(who)), 403)
    # registry streams: anyone authenticated
    assert world.client.get("/v1/streams/agency/DXH-CGJ/events", headers=world.h(FAR)).status_code == 200
    # a case of an agency supervised by someone else: not the district supervisor
    far_number = world.number("XYZ-ZFJ-2026-")
    far_steps = case_steps(far_number, 2)
    for step in far_steps:
        step["by"] = FAR
    far_steps[1]["data"].update(agency="agency/XYZ-ZFJ", handlers=[FAR], approved_by=FAR)
    response = world.client.post("/v1/steps:batch", json={"steps": far_steps}, headers=world.h(ADMIN),
                                 params={"backfill": "true"})
    assert response.status_code == 201, response.text
    far_path = f"/v1/streams/case/{far_number}/events"
    assert world.client.get(far_path, headers=world.h(FAR)).status_code == 200
    problem(world.client.get(far_path, headers=world.h(SUPERVISOR)), 403)
    problem(world.client.get(far_path, headers=world.h(OFFICER)), 403)
    assert world.client.get(far_path, headers=world.h(ADMIN)).status_code == 200


def test_review_streams_readers(world: World) -> None:
    number = world.number()
    for step in case_steps(number, 2):
        world.post(OFFICER, step)
    review = {"stream": f"review/R-{number}", "type": "ReconsiderationApplied", "at": "2026-05-06T09:00:00+08:00",
              "by": SUPERVISOR, "data": {"applicant": {"kind": "organisation", "name": "某公司"},
                                         "target": {"case": f"case/{number}", "document_no": "东城管罚〔2026〕1号"},
                                         "received_at": "2026-05-06T09:00:00+08:00"}}
    response = world.client.post("/v1/steps", json=review, headers=world.h(ADMIN), params={"backfill": "true"})
    assert response.status_code == 201, response.text
    path = f"/v1/streams/review/R-{number}/events"
    for who in (SUPERVISOR, OFFICER, ADMIN):
        assert world.client.get(path, headers=world.h(who)).status_code == 200, who
    for who in (OTHER, FAR):
        problem(world.client.get(path, headers=world.h(who)), 403)


def test_stream_lookup_errors(world: World) -> None:
    problem(world.client.get("/v1/streams/case/NO-SUCH-CASE/events", headers=world.h(ADMIN)), 404)
    # a stream the caller may not read: 403 whether or not it exists (issue 12, finding 11)
    problem(world.client.get("/v1/streams/case/NO-SUCH-CASE/events", headers=world.h(OFFICER)), 403)
    problem(world.client.get("/v1/streams/officer/admin/events/99", headers=world.h(OFFICER)), 404)
    problem(world.client.get("/v1/streams/nonsense/X/events", headers=world.h(OFFICER)), 422)
    problem(world.client.get("/v1/streams/calendar/20x6/head", headers=world.h(OFFICER)), 422)
    problem(world.client.get("/v1/streams/case/-bad-/head", headers=world.h(OFFICER)), 422)
    problem(world.client.get("/v1/streams/case/NOT-YET-OPENED/head", headers=world.h(FAR)), 403)
    empty = world.client.get("/v1/streams/case/NOT-YET-OPENED/head", headers=world.h(ADMIN))
    assert empty.status_code == 200 and empty.json() == {"stream": "case/NOT-YET-OPENED", "version": 0, "hash": None}


def test_principal_cache_holds_roles_for_its_ttl(tmp_path: Any) -> None:
    import time

    from api.server.config import HttpSettings

    http = HttpSettings(integrate_interval=0, auth_cache_seconds=0.5)
    with world_at(tmp_path, http=http) as made:
        store = made.app.state.services.tokens
        record, secret = store.create(OFFICER)
        path = "/v1/streams/officer/admin/head"
        assert made.client.get(path, headers=bearer(secret)).status_code == 200
        store.revoke(record.id)
        assert made.client.get(path, headers=bearer(secret)).status_code == 200  # remembered
        time.sleep(0.6)
        problem(made.client.get(path, headers=bearer(secret)), 401)
