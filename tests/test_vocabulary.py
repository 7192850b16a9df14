"""The step vocabulary against its contract (docs/spec/steps.md) and its examples.

steps.md is parsed here, so a type or field added to the contract and not to
``domain.vocabulary`` (or the other way round) fails a test.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.coercion_shapes import COERCION_SHAPES
from domain.fields import (
    BOOL,
    FLOAT,
    INT,
    LIST,
    NULL,
    OBJECT,
    STR,
    AnyOf,
    FieldType,
    ListOf,
    MalformedStream,
    Obj,
    OneOf,
    RequiredWhen,
    json_kind,
)
from domain.inspection_shapes import INSPECTION_SHAPES
from domain.kind_shapes import KIND_SHAPES
from domain.shapes import (
    ALL_SHAPES,
    DocumentRef,
    LegalBasis,
    Party,
    Penalty,
    Proposed,
    Remedies,
)
from domain.vocabulary import (
    STEPS,
    InvalidStepData,
    Problem,
    Proviso,
    Role,
    Scope,
    StepData,
    StreamKind,
    UnknownStepType,
    accepted_kinds_at,
    check_override,
    check_step_data,
    field_at,
    may_open_stream,
    parse_data,
    parse_override,
    parse_stream,
    record_rule,
    roles_may_record,
)
from tests.helpers.examples import scaled
from tests.helpers.json_copy import copy_json
from tests.helpers.spec_paths import EXAMPLES, STEPS_MD

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.jsonl"))


def _examples() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in EXAMPLE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                found.append((f"{path.name}:{number}", json.loads(line)))
    return found


EXAMPLES = _examples()
EXAMPLE_IDS = [name for name, _ in EXAMPLES]


# --------------------------------------------------------------------------- steps.md parser


@dataclass
class Listed:
    """A field as steps.md lists it: optional or not, and the members it lists, if any."""

    optional: bool
    children: dict[str, Listed] | None = None
    partial: bool = False  # the member list ends with "…"


_CLOSE = {"(": ")", "[": "]", "{": "}"}
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")


def _split_top(text: str, sep: str = " / ") -> list[str]:
    """Split at ``sep`` outside brackets (``a`, `b` / `c`` → two types' data)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char in _CLOSE:
            depth += 1
        elif char in _CLOSE.values():
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _matching(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start``."""
    stack = []
    for i in range(start, len(text)):
        if text[i] in _CLOSE:
            stack.append(_CLOSE[text[i]])
        elif stack and text[i] == stack[-1]:
            stack.pop()
            if not stack:
                return i
    raise ValueError(f"unbalanced: {text[start:]}")


def _parse_fields(text: str, *, nested: bool) -> dict[str, Listed]:
    """The backticked field names at this level of a data cell.

    Top level: every name outside brackets, and names in parentheses only when
    marked optional (``(…, with `correction_due`?)``). Nested (inside ``{}``): a
    name followed by ``,`` ``:`` ``?`` or a bracket, which leaves out values such
    as ``ok`` in "each `ok` or a text".
    """
    found: dict[str, Listed] = {}
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _CLOSE:
            stack.append(char)
            i += 1
            continue
        if char in _CLOSE.values():
            stack.pop()
            i += 1
            continue
        if char != "`":
            i += 1
            continue
        end = text.index("`", i + 1)
        name = text[i + 1:end]
        i = end + 1
        optional = text.startswith("?", i)
        after = i + 1 if optional else i
        if not _IDENT.fullmatch(name):
            continue
        if nested:
            if stack:
                continue
            rest = text[after:]
            if not (rest == "" or rest[0] in ",:}" or re.match(r" [\[{(]", rest)):
                continue
        elif stack and not (set(stack) == {"("} and optional):
            continue
        listed = Listed(optional)
        # members listed right after the name: {…} or [{…}]
        j = after
        while j < len(text) and text[j] == " ":
            j += 1
        if text.startswith("[{", j):
            j += 1
        if j < len(text) and text[j] == "{":
            close = _matching(text, j)
            inner = text[j + 1:close]
            listed.children = _parse_fields(inner, nested=True)
            bare = re.match(r"([a-z_]+(?:, [a-z_]+)+):", inner)
            if not listed.children and bare:  # {subject, competence, …: each `ok` or a text}
                listed.children = {name: Listed(False) for name in bare.group(1).split(", ")}
            listed.partial = "…" in inner
        found[name] = listed
    return found


_AS_IN = re.compile(r"as in the (case|licence|coercion) table")
_ADDS = re.compile(r"`(\w+)` adds `(\w+)`(\?)?")


def parse_steps_md() -> tuple[dict[str, dict[str, Listed]], dict[str, str],
                              dict[str, dict[str, dict[str, Listed]]]]:
    """From the tables of steps.md: step type → listed fields, step type → home stream kind,
    and step type → the other kinds its rows allow ("as in the case table", "as in the coercion
    table") → the fields that
    kind adds (``on licence streams `HearingRequested` adds `requested_by```)."""
    fields: dict[str, dict[str, Listed]] = {}
    streams: dict[str, str] = {}
    elsewhere: dict[str, dict[str, dict[str, Listed]]] = {}
    section_stream: str | None = None
    in_vocabulary = False
    for line in STEPS_MD.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_vocabulary = not line.startswith("## Who may record")
            match = re.search(r"stream `(\w+)/", line)
            section_stream = match.group(1) if match else None
            continue
        if not (in_vocabulary and line.startswith("| `")):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3:
            type_cell, stream, data_cell = cells
        else:
            (type_cell, data_cell), stream = cells, section_stream or ""
        names = re.findall(r"`(\w+)`", type_cell)
        if _AS_IN.match(data_cell):
            adds = {(name, added): Listed(bool(mark)) for name, added, mark in _ADDS.findall(data_cell)}
            for name in names:
                elsewhere.setdefault(name, {})[stream] = {
                    added: listed for (owner, added), listed in adds.items() if owner == name}
            continue
        datas = _split_top(data_cell) if len(names) > 1 else [data_cell]
        if len(datas) == 1:  # one data list shared by the types of the row
            datas *= len(names)
        assert len(datas) == len(names), line
        for name, data in zip(names, datas, strict=True):
            assert name not in fields, f"{name} is defined twice in steps.md"
            fields[name] = _parse_fields(data, nested=False)
            streams[name] = stream
    return fields, streams, elsewhere


LISTED, LISTED_STREAMS, LISTED_ELSEWHERE = parse_steps_md()


def _opening_types() -> set[str]:
    text = " ".join(STEPS_MD.read_text(encoding="utf-8").split())
    start = text.index("opening step comes first (") + len("opening step comes first ")
    inner = text[start:_matching(text, start) + 1]
    names = set(re.findall(r"`(\w+)`", inner))
    if "any supervision step" in inner:
        names |= {name for name, stream in LISTED_STREAMS.items() if stream == "supervision"}
    return names


# --------------------------------------------------------------------------- contract


def test_steps_md_parses_to_the_whole_vocabulary() -> None:
    assert len(LISTED) > 60
    assert set(LISTED) == set(STEPS)


@pytest.mark.parametrize("step_type", sorted(LISTED))
def test_listed_fields_are_the_specs(step_type: str) -> None:
    step = STEPS[step_type]
    listed = LISTED[step_type]
    assert set(listed) == set(step.fields), step_type
    conditional = {name for c in step.conditions for name in
                   (c.names if isinstance(c, AnyOf) else (c.name,))}
    for name, entry in listed.items():
        member = step.fields[name]
        if entry.optional:
            assert not member.required, f"{step_type}.{name} is optional in steps.md"
        else:
            assert member.required or name in conditional, f"{step_type}.{name} is required"
    _compare_members(step_type, listed, step.data)


def _obj_of(kind: FieldType) -> Obj | None:
    if isinstance(kind, ListOf):
        return _obj_of(kind.item)
    if isinstance(kind, OneOf):
        objs = [o for o in (_obj_of(option) for option in kind.options) if o is not None]
        return objs[0] if objs else None
    return kind if isinstance(kind, Obj) else None


def _compare_members(where: str, listed: dict[str, Listed], obj: Obj) -> None:
    for name, entry in listed.items():
        if entry.children is None:
            continue
        inner = _obj_of(obj.by_name[name].type)
        assert inner is not None, f"{where}.{name} lists members but is not an object"
        if entry.partial:
            assert set(entry.children) <= set(inner.by_name), f"{where}.{name}"
        else:
            assert set(entry.children) == set(inner.by_name), f"{where}.{name}"
        for child, child_entry in entry.children.items():
            assert child_entry.optional == (not inner.by_name[child].required), (
                f"{where}.{name}.{child}"
            )
        _compare_members(f"{where}.{name}", entry.children, inner)


def test_streams_match_steps_md() -> None:
    for step_type, stream in LISTED_STREAMS.items():
        step = STEPS[step_type]
        assert step.home == StreamKind(stream), step_type
        others = {StreamKind(kind) for kind in LISTED_ELSEWHERE.get(step_type, {})}
        assert step.streams == {step.home} | others, step_type


def test_fields_added_on_other_kinds_match_steps_md() -> None:
    assert LISTED_ELSEWHERE["HearingRequested"]["licence"].keys() == {"requested_by"}
    assert LISTED_ELSEWHERE["CaseClosed"].keys() == {"licence", "complaint", "coercion", "inspection"}
    assert LISTED_ELSEWHERE["SeizureImposed"].keys() == {"case"}
    assert LISTED_ELSEWHERE["ExcludedPeriodNotified"].keys() == {"case", "coercion"}
    assert LISTED_ELSEWHERE["PaymentDemanded"].keys() == {"coercion"}
    for step_type, kinds in LISTED_ELSEWHERE.items():
        for kind, added in kinds.items():
            placement = STEPS[step_type].on(StreamKind(kind))
            assert placement is not None, (step_type, kind)
            assert set(placement.added) == set(added), (step_type, kind)
            for name, entry in added.items():
                assert placement.data.by_name[name].required != entry.optional, (step_type, name)
            assert set(placement.data.by_name) == set(STEPS[step_type].fields) | set(added)


def test_opening_steps_match_steps_md() -> None:
    opening = _opening_types()
    assert {"AgencyRegistered", "CaseRegistered", "HolidayNoticePublished",
            "RectificationReported"} <= opening
    assert {name for name in STEPS if may_open_stream(name)} == opening
    assert not may_open_stream("DecisionMade")


def test_parser_reads_the_tricky_cells() -> None:
    assert LISTED["DecisionMade"]["correction_due"].optional
    assert "TransferDecided" not in LISTED["DecisionMade"]
    assert "self" not in LISTED["DecisionCorrected"]
    assert {"signed_by_interviewee", "refusal_noted"} <= set(LISTED["InquiryRecorded"])
    assert LISTED["ReconsiderationRejected"].keys() == {"decided_at", "reason"}
    assert LISTED["KeyRotated"]["public_key"].optional
    violation = LISTED["CaseRegistered"]["violation"].children
    assert violation is not None and violation["started_on"].optional
    opinions = LISTED["LegalReviewCompleted"]["opinions"].children
    assert opinions is not None and "ok" not in opinions and "crime_transfer" in opinions


ROLE_GROUPS = {
    frozenset({"admin"}): {"AgencyRegistered", "EnforcementItemPublished",
                           "LegalReviewCatalogPublished", "OfficerRegistered",
                           "CredentialRenewed", "CredentialRevoked", "KeyRotated",
                           "KeyRevoked", "HolidayNoticePublished"},
    frozenset({"legal_reviewer"}): {"LegalReviewCompleted"},
    frozenset({"supervisor", "legal_reviewer"}): {"CaseFileEvaluated"},
    frozenset({"supervisor"}): {"RectificationOrdered", "RectificationReported"},
}


def test_who_may_record_what() -> None:
    for roles, types in ROLE_GROUPS.items():
        for step_type in types:
            assert roles_may_record(step_type) == roles, step_type
    for step_type, step in STEPS.items():
        file_kinds = {StreamKind.CASE, StreamKind.LICENCE, StreamKind.COERCION, StreamKind.SPOTCHECK,
                      StreamKind.INSPECTION}
        for kind in file_kinds & step.streams:
            if step_type == "DirectorySnapshotTaken":
                assert roles_may_record(step_type, kind) == {"officer", "head", "admin"}
            elif step_type != "LegalReviewCompleted":
                assert roles_may_record(step_type, kind) == {"officer", "head"}, step_type
            assert record_rule(step_type, kind).scope is Scope.FILE_AGENCY, step_type
        if StreamKind.COMPLAINT in step.streams and step_type != "ComplaintAgencyReported":
            assert roles_may_record(step_type, StreamKind.COMPLAINT) == {"supervisor"}, step_type
            assert record_rule(step_type, StreamKind.COMPLAINT).scope is Scope.SUPERVISING
        if step.home is StreamKind.REVIEW and step_type != "AnswerFiled":
            assert roles_may_record(step_type) == {"reconsideration_staff"}, step_type
        if step.home is StreamKind.LITIGATION:
            assert roles_may_record(step_type) == {"officer", "head"}
            assert record_rule(step_type).scope is Scope.DEFENDANT_AGENCY
    assert record_rule("AnswerFiled").scope is Scope.RESPONDENT_AGENCY
    assert roles_may_record("AnswerFiled") == {"officer", "head"}
    assert Proviso.OWN_KEY in record_rule("KeyRotated").provisos
    assert Proviso.OWN_KEY not in record_rule("KeyRevoked").provisos
    assert Proviso.NOT_HANDLER in record_rule("LegalReviewCompleted").provisos
    assert Proviso.NOT_HANDLER in record_rule("HearingHeld").provisos
    assert roles_may_record("HearingHeld") == {"head", "officer"}
    for step_type in ("CaseRegistered", "DecisionMade", "CaseClosed", "TransferDecided",
                      "CollectiveDiscussionHeld", "PaymentDeferred", "RecusalDecided"):
        heads = [f for f in STEPS[step_type].fields.values() if f.must_hold == Role.HEAD]
        assert heads, step_type
    assert record_rule("ComplaintAgencyReported").scope is Scope.COMPLAINED_AGENCY
    assert roles_may_record("ComplaintAgencyReported") == {"officer", "head"}
    for kind in (StreamKind.CASE, StreamKind.LICENCE):
        assert Proviso.NOT_HANDLER in record_rule("HearingHeld", kind).provisos
    for kind in (StreamKind.CASE, StreamKind.LICENCE, StreamKind.COERCION, StreamKind.INSPECTION):
        assert Proviso.NOT_HANDLER in record_rule("LegalReviewCompleted", kind).provisos
    for step_type, names in (("CoercionApprovalDecided", ["decided_by"]), ("CoercionExtended", ["approved_by"]),
                             ("EnforcementDecided", ["approved_by"]), ("EnforcementSuspended", ["decided_by"]),
                             ("SpotCheckPlanned", ["approved_by"]), ("InspectionOpened", ["approved_by"]),
                             ("InspectionReferred", ["decided_by"])):
        named = [f.name for f in STEPS[step_type].fields.values() if f.must_hold == Role.HEAD]
        assert named == names, step_type
    for step_type in ("LicenceGranted", "LicenceDenied", "LicenceWithdrawn", "LicenceRevoked",
                      "LicenceProceedingOpened"):
        heads = [f for f in STEPS[step_type].fields.values() if f.must_hold == Role.HEAD]
        assert [f.name for f in heads] == ["approved_by"], step_type
    with pytest.raises(KeyError):
        record_rule("DecisionMade", StreamKind.LICENCE)
    assert set(Role) == {"officer", "legal_reviewer", "head", "supervisor",
                         "reconsideration_staff", "admin"}


def test_unknown_step_type() -> None:
    assert check_step_data("CaseOpened", {}) == [
        Problem("type", "未知的步骤类型: 'CaseOpened'")
    ]
    with pytest.raises(UnknownStepType):
        roles_may_record("CaseOpened")
    with pytest.raises(UnknownStepType):
        may_open_stream("CaseOpened")


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize(("where", "step"), EXAMPLES, ids=EXAMPLE_IDS)
def test_examples_pass(where: str, step: dict[str, Any]) -> None:
    assert check_step_data(step["type"], step["data"]) == []
    assert check_step_data(step["type"], step["data"], stream=step["stream"]) == []
    assert check_step_data(step["type"], step["data"], backfill=True) == []
    assert check_override(step.get("override")) == []
    parsed = parse_data(step["type"], step["data"], backfill=False)
    assert set(parsed) <= set(step["data"])


def _members(obj: Obj, value: Mapping[str, Any], path: str) -> Iterator[tuple[str, Obj, Any]]:
    """(path, spec, container) of every known member present, at any depth."""
    for name, member in obj.by_name.items():
        if name not in value:
            continue
        yield f"{path}.{name}", obj, value
        yield from _members_of(member.type, value[name], f"{path}.{name}")


def _members_of(kind: FieldType, value: Any, path: str) -> Iterator[tuple[str, Obj, Any]]:
    if isinstance(kind, Obj) and isinstance(value, Mapping):
        yield from _members(kind, value, path)
    elif isinstance(kind, ListOf) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _members_of(kind.item, item, f"{path}[{index}]")
    elif isinstance(kind, OneOf):
        for option in kind.options:
            if json_kind(value) in option.kinds:
                yield from _members_of(option, value, path)


def _still_required(obj: Obj, container: Mapping[str, Any], name: str) -> bool:
    """Whether removing ``name`` from ``container`` must be reported."""
    if obj.by_name[name].required:
        return True
    rest = {key: val for key, val in container.items() if key != name}
    for condition in obj.conditions:
        if isinstance(condition, AnyOf) and name in condition.names:
            if not any(rest.get(other) is not None for other in condition.names):
                return True
        if isinstance(condition, RequiredWhen) and condition.name == name:
            if rest.get(condition.when) in condition.values:
                return True
    return False


def _locate(data: Any, path: str) -> tuple[Any, str | int]:
    """The container holding ``path`` and the key within it."""
    tokens: list[str | int] = [
        key if key else int(index)
        for key, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", path[len("data"):])
    ]
    node = data
    for token in tokens[:-1]:
        node = node[token]
    return node, tokens[-1]


REMOVALS = [
    (where, step, path, _still_required(obj, container, path.rsplit(".", 1)[1]))
    for where, step in EXAMPLES
    for path, obj, container in _members(STEPS[step["type"]].data, step["data"], "data")
]


def test_removals_cover_nested_fields() -> None:
    paths = {path for _, _, path, _ in REMOVALS}
    assert {"data.party.kind", "data.proposed.basis", "data.basis[0].law",
            "data.remedies.court", "data.record.sha256"} <= paths
    assert len(REMOVALS) > 500


def test_removing_a_field_is_reported_exactly_there() -> None:
    for where, step, path, required in REMOVALS:
        data = copy_json(step["data"])
        container, key = _locate(data, path)
        del container[key]
        problems = check_step_data(step["type"], data)
        expected = [path] if required else []
        assert [p.path for p in problems] == expected, (where, path, problems)
        if required:
            assert "缺少必填字段" in problems[0].message


def test_conditional_requirements() -> None:
    inquiry = next(s for _, s in EXAMPLES if s["type"] == "InquiryRecorded")
    data = {k: v for k, v in inquiry["data"].items() if k != "signed_by_interviewee"}
    assert [p.path for p in check_step_data("InquiryRecorded", data)] == [
        "data.signed_by_interviewee"
    ]
    assert check_step_data("InquiryRecorded", {**data, "refusal_noted": True}) == []
    summary_case = next(s for _, s in EXAMPLES
                        if s["type"] == "CaseRegistered" and s["data"]["procedure"] == "summary")
    assert "approved_by" not in summary_case["data"]
    general = {**summary_case["data"], "procedure": "general"}
    assert [p.path for p in check_step_data("CaseRegistered", general)] == ["data.approved_by"]
    deferred = {"approved_by": "officer/1"}
    assert [p.path for p in check_step_data("PaymentDeferred", deferred)] == ["data.until"]
    assert check_step_data("PaymentDeferred", {**deferred, "until": "2026-06-30"}) == []
    both = {**deferred, "until": "2026-06-30",
            "instalments": [{"due": "2026-06-30", "amount_fen": 100}]}
    assert [p.path for p in check_step_data("PaymentDeferred", both)] == ["data.instalments"]


def test_bootstrap_officer_needs_no_agency() -> None:
    data = {"name": "系统管理员", "roles": ["admin"]}
    assert [p.path for p in check_step_data("OfficerRegistered", data)] == ["data.agency"]
    assert check_step_data("OfficerRegistered", data, stream="officer/admin") == []
    assert [p.path for p in check_step_data("OfficerRegistered", data,
                                            stream="officer/42011219001")] == ["data.agency"]


def test_stream_must_fit_the_type() -> None:
    step = EXAMPLES[0][1]
    problems = check_step_data(step["type"], step["data"], stream="review/DXH-FY-2026-0002")
    assert [p.path for p in problems] == ["stream"]
    problems = check_step_data(step["type"], step["data"], stream="case/")
    assert [p.path for p in problems] == ["stream"]
    notice = {"year": 2026, "holidays": ["2026-01-01"], "workdays": ["2026-01-04"],
              "source": "国务院办公厅关于2026年部分节假日安排的通知"}
    assert check_step_data("HolidayNoticePublished", notice, stream="calendar/2026") == []
    problems = check_step_data("HolidayNoticePublished", notice, stream="calendar/2027")
    assert [p.path for p in problems] == ["data.year"]


# --------------------------------------------------------------------------- wrong types


def _example(step_type: str) -> dict[str, Any]:
    """The step's data in the general case when it has one (the tests below read its values), else the first."""
    found = [s["data"] for where, s in EXAMPLES if s["type"] == step_type]
    general = [s["data"] for where, s in EXAMPLES if s["type"] == step_type and where.startswith("general-case")]
    return copy_json((general or found)[0])


def _paths(step_type: str, data: Mapping[str, Any], **options: Any) -> list[str]:
    return [p.path for p in check_step_data(step_type, data, **options)]


@pytest.mark.parametrize(
    ("step_type", "path", "value", "message"),
    [
        ("PaymentRecorded", "data.amount_fen", 3000000.0, "浮点数"),
        ("PaymentRecorded", "data.amount_fen", True, "整数"),
        ("PaymentRecorded", "data.amount_fen", -1, "不小于 0"),
        ("PaymentRecorded", "data.amount_fen", "3000000", "整数"),
        ("PaymentRecorded", "data.amount_fen", 2**64, "64 位"),
        ("PaymentRecorded", "data.paid_at", "2026-04-24T11:00:00", "RFC 3339"),
        ("PaymentRecorded", "data.paid_at", "2026-04-24 11:00:00+08:00", "RFC 3339"),
        ("PaymentRecorded", "data.paid_at", "2026-02-30T11:00:00+08:00", "RFC 3339"),
        ("PaymentRecorded", "data.paid_at", "2026-04-24", "RFC 3339"),
        ("PaymentRecorded", "data.channel", "cash", "取值之一"),
        ("CaseRegistered", "data.violation.discovered_on", "2026-02-30", "日期 YYYY-MM-DD"),
        ("CaseRegistered", "data.violation.discovered_on", "2026/03/02", "日期 YYYY-MM-DD"),
        ("CaseRegistered", "data.violation.discovered_on", "2026-03-02T00:00:00+08:00",
         "日期 YYYY-MM-DD"),
        ("CaseRegistered", "data.party.kind", "company", "取值之一"),
        ("CaseRegistered", "data.party", "黄建国", "当事人"),
        ("CaseRegistered", "data.handlers", "officer/42011219001", "列表"),
        ("CaseRegistered", "data.handlers[0]", "42011219001", "officer/<编号>"),
        ("CaseRegistered", "data.approved_by", "agency/DXH-CGJ", "officer/<编号>"),
        ("CaseRegistered", "data.agency", "officer/42011219001", "agency/<编号>"),
        ("CaseRegistered", "data.item", "", "空字符串"),
        ("CaseRegistered", "data.document.sha256", "1F1DBB56" * 8, "SHA-256"),
        ("CaseRegistered", "data.document.bytes", True, "整数"),
        ("CaseRegistered", "data.document.bytes", 1.5, "浮点数"),
        ("CaseRegistered", "data.document.media_type", "pdf", "媒体类型"),
        ("InspectionRecorded", "data.credentials_shown", 1, "布尔值"),
        ("InspectionRecorded", "data.credentials_shown", "true", "布尔值"),
        ("InspectionRecorded", "data.credentials_shown", None, "null"),
        ("DecisionMade", "data.basis[0].article", "118", "整数"),
        ("DecisionMade", "data.basis[0].clause", 1.0, "浮点数"),
        ("DecisionMade", "data.basis[0]", None, "null"),
        ("DecisionMade", "data.sealed_by", None, "补录"),
        ("DecisionMade", "data.remedies.reconsideration_days", 60.0, "浮点数"),
        ("DecisionMade", "data.penalties[0].type", "罚款", "取值之一"),
        ("DecisionMade", "data.unknown_extra", 1.5, "浮点数"),
        ("LegalReviewCompleted", "data.opinions.law", True, "字符串"),
        ("DecisionCorrected", "data.triggered_by", "case/DXH-CGJ-2026-0012", "引用"),
    ],
)
def test_wrong_values_are_caught(step_type: str, path: str, value: Any, message: str) -> None:
    data = _example(step_type) if step_type not in {"DecisionCorrected"} else {
        "kind": "revoked", "triggered_by": "self", "effective_at": "2026-06-15T10:00:00+08:00"}
    container, key = _locate(data, path)
    container[key] = value
    problems = [p for p in check_step_data(step_type, data) if p.path == path]
    assert problems, (path, check_step_data(step_type, data))
    assert message in problems[0].message, problems


def test_nulls_live_and_backfilled() -> None:
    data = _example("DecisionMade")
    for name in ("sealed_by", "approved_by", "approval_form", "basis", "document",
                 "remedies", "surcharge_told", "document_no"):
        data[name] = None
    assert len(_paths("DecisionMade", data)) == 8
    assert _paths("DecisionMade", data, backfill=True) == []
    data["outcome"] = None  # not a legal fact: never null
    assert _paths("DecisionMade", data, backfill=True) == ["data.outcome"]
    inquiry = _example("InquiryRecorded")
    inquiry["credentials_shown"] = None
    inquiry["signed_by_interviewee"] = None
    inquiry["record"] = None
    assert _paths("InquiryRecorded", inquiry, backfill=True) == []
    assert len(_paths("InquiryRecorded", inquiry)) == 4  # three nulls, and no signature given
    basis = _example("DecisionMade")["basis"][0]
    assert basis["item"] is None  # nullable by the contract, live too
    published = {**_example("DecisionPublished"), "url": None}  # optional is not nullable
    assert _paths("DecisionPublished", published) == ["data.url"]
    assert _paths("DecisionPublished", published, backfill=True) == ["data.url"]


def test_extra_fields_are_free_json() -> None:
    data = _example("PaymentRecorded")
    data["note"] = {"who": ["张伟"], "n": 3, "flag": None}
    assert check_step_data("PaymentRecorded", data) == []
    data["note"] = {"deep": [1, 2.5]}
    assert _paths("PaymentRecorded", data) == ["data.note.deep[1]"]
    data["note"] = {"bad": "\ud800"}
    assert _paths("PaymentRecorded", data) == ["data.note.bad"]
    assert _paths("PaymentRecorded", {**_example("PaymentRecorded"), "x": object()}) == ["data.x"]
    assert _paths("PaymentRecorded", "not an object") == ["data"]  # type: ignore[arg-type]


def test_public_key_format() -> None:
    data = {"name": "张伟", "agency": "agency/DXH-CGJ", "roles": ["officer"],
            "public_key": "A" * 43 + "="}
    assert check_step_data("OfficerRegistered", data) == []
    data["public_key"] = "not base64!"
    assert _paths("OfficerRegistered", data) == ["data.public_key"]
    data["public_key"] = "AAAA"
    assert _paths("OfficerRegistered", data) == ["data.public_key"]
    data.pop("public_key")
    data["roles"] = ["officer", "chief"]
    assert _paths("OfficerRegistered", data) == ["data.roles[1]"]
    data["roles"] = []
    assert _paths("OfficerRegistered", data) == ["data.roles"]


def test_text_or_document_fields() -> None:
    base = {"to": "agency/DXH-CGJ", "issued_at": "2026-06-15T10:00:00+08:00"}
    assert check_step_data("OpinionLetterIssued", {**base, "content": "请依法纠正"}) == []
    document = _example("CaseRegistered")["document"]
    assert check_step_data("OpinionLetterIssued", {**base, "content": document}) == []
    assert _paths("OpinionLetterIssued", {**base, "content": {**document, "bytes": "1"}}) == [
        "data.content.bytes"
    ]
    assert _paths("OpinionLetterIssued", {**base, "content": 7}) == ["data.content"]


# --------------------------------------------------------------------------- streams, overrides


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        ("case/DXH-CGJ-2026-0012", (StreamKind.CASE, "DXH-CGJ-2026-0012")),
        ("officer/admin", (StreamKind.OFFICER, "admin")),
        ("officer/SFJ-0001", (StreamKind.OFFICER, "SFJ-0001")),
        ("calendar/2026", (StreamKind.CALENDAR, "2026")),
        ("supervision/DXH-JD-2026-1", (StreamKind.SUPERVISION, "DXH-JD-2026-1")),
    ],
)
def test_parse_stream(stream: str, expected: tuple[StreamKind, str]) -> None:
    assert parse_stream(stream) == expected
    assert parse_stream(stream)[0] == stream.split("/")[0]


@pytest.mark.parametrize(
    "stream",
    ["case", "case/", "/x", "cases/1", "Case/1", "case/a/b", "case/a b", "case/-a", "case/a-",
     "calendar/26", "calendar/year", "case/东城-1", "case/x\n", "", "agency/DXH CGJ"],
)
def test_parse_stream_rejects(stream: str) -> None:
    with pytest.raises(MalformedStream) as caught:
        parse_stream(stream)
    assert isinstance(caught.value, ValueError)
    assert caught.value.rule == "STRUCT-STREAM"


def test_overrides() -> None:
    one = {"rule": "PEN-10", "justification": "当事人书面放弃陈述期限", "authorized_by": "officer/1"}
    assert check_override(None) == []
    assert check_override(one) == []
    assert check_override([one, {**one, "rule": "PEN-16"}]) == []
    assert [p.path for p in check_override([one, one])] == ["override[1].rule"]
    assert [p.path for p in check_override([])] == ["override"]
    assert [p.path for p in check_override("PEN-10")] == ["override"]
    assert [p.path for p in check_override({**one, "rule": "pen10"})] == ["override.rule"]
    assert [p.path for p in check_override({"rule": "PEN-10"})] == [
        "override.justification", "override.authorized_by"]
    assert [p.path for p in check_override(one, gate_rules={"PEN-01"})] == ["override.rule"]
    assert [p.path for p in check_override([None])] == ["override[0]"]
    (parsed,) = parse_override(one)
    assert (parsed.rule, parsed.authorized_by) == ("PEN-10", "officer/1")
    assert parse_override(None) == ()
    with pytest.raises(InvalidStepData):
        parse_override([one, one])


# --------------------------------------------------------------------------- models


def test_shapes_match_their_dataclasses() -> None:
    for shape in (*ALL_SHAPES, *KIND_SHAPES, *COERCION_SHAPES, *INSPECTION_SHAPES):
        assert shape.model is not None
        assert dataclasses.is_dataclass(shape.model)
        names = [f.name for f in dataclasses.fields(shape.model)]
        assert sorted(names) == sorted(shape.by_name), shape.model
        assert shape.model.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_parse_data_reads_typed_models() -> None:
    decision = parse_data("DecisionMade", _example("DecisionMade"))
    assert isinstance(decision, StepData)
    (basis,) = decision.items("basis", LegalBasis)
    assert basis == LegalBasis("中华人民共和国大气污染防治法", 118, 1, None)
    assert decision.items("penalties", Penalty) == (Penalty("fine", 3000000),)
    remedies = decision.require("remedies", Remedies)
    assert remedies.reconsideration_days == 60
    assert remedies.reconsideration_bodies == ("武汉市东西湖区人民政府",)
    assert decision.require("document", DocumentRef).name == "行政处罚决定书"
    assert decision.get("correction_due", date) is None
    assert decision.require("payment_due_days", int) == 15
    with pytest.raises(TypeError):
        decision.get("outcome", int)
    with pytest.raises(KeyError):
        decision.require("no_penalty_grounds", tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        basis.article = 119  # type: ignore[misc]
    with pytest.raises(TypeError):
        decision.values["outcome"] = "x"  # type: ignore[index]

    case = parse_data("CaseRegistered", _example("CaseRegistered"))
    party = case.require("party", Party)
    assert party.kind == "organisation" and party.birth_date is None
    served = parse_data("PaymentRecorded", _example("PaymentRecorded"))
    paid_at = served.require("paid_at", datetime)
    assert paid_at.utcoffset() is not None and paid_at.hour == 11
    concluded = parse_data("InvestigationConcluded", _example("InvestigationConcluded"))
    proposed = concluded.require("proposed", Proposed)
    assert proposed.penalties[0].amount_fen == 3000000

    backfilled = {**_example("DecisionMade"), "sealed_by": None, "note": [1, {"a": 2}]}
    read = parse_data("DecisionMade", backfilled)
    assert "sealed_by" not in read and read.get("sealed_by", str) is None
    assert read.extra["note"] == (1, {"a": 2})
    with pytest.raises(InvalidStepData) as caught:
        parse_data("DecisionMade", backfilled, backfill=False)
    assert caught.value.problems[0].path == "data.sealed_by"


def test_field_at_and_kinds() -> None:
    found = field_at("DecisionMade", "data.basis[0].article")
    assert found is not None and found[1] is not None and found[1].name == "article"
    assert accepted_kinds_at("DecisionMade", "data.basis[0].item") == {INT, NULL}
    assert accepted_kinds_at("DecisionMade", "data.sealed_by") == {STR}
    assert accepted_kinds_at("DecisionMade", "data.sealed_by", backfill=True) == {STR, NULL}
    assert NULL in accepted_kinds_at("DecisionMade", "data.not_listed")
    assert accepted_kinds_at("RecordCorrected", "data.old") >= {STR, INT, OBJECT}


# --------------------------------------------------------------------------- mutations


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


LEAVES = [(index, path, leaf) for index, (_, step) in enumerate(EXAMPLES)
          for path, leaf in _leaves(step["data"], "data")]
SAMPLES: dict[str, Any] = {NULL: None, BOOL: True, INT: 7, FLOAT: 7.5, STR: "x",
                           LIST: ["x"], OBJECT: {"x": 1}}
KIND_VALUES = {
    NULL: st.none(),
    BOOL: st.booleans(),
    INT: st.integers(),
    FLOAT: st.floats(allow_nan=False, allow_infinity=False),
    STR: st.text(max_size=8),
    LIST: st.lists(st.one_of(st.integers(), st.text(max_size=3)), max_size=2),
    OBJECT: st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
}


def _mutated_problems(index: int, path: str, value: Any, backfill: bool) -> list[Problem]:
    step = EXAMPLES[index][1]
    data = copy_json(step["data"])
    container, key = _locate(data, path)
    container[key] = value
    return check_step_data(step["type"], data, backfill=backfill)


def _assert_reported(index: int, path: str, value: Any, backfill: bool) -> None:
    step_type = EXAMPLES[index][1]["type"]
    kind = json_kind(value)
    if kind in accepted_kinds_at(step_type, path, backfill=backfill):
        return  # open-typed here (or null allowed): nothing to assert
    problems = _mutated_problems(index, path, value, backfill)
    assert path in {p.path for p in problems}, (EXAMPLES[index][0], path, value, problems)


def test_every_leaf_mutated_to_every_other_kind() -> None:
    assert len(LEAVES) > 700
    for index, path, leaf in LEAVES:
        for kind, sample in SAMPLES.items():
            if kind != json_kind(leaf):
                _assert_reported(index, path, sample, backfill=False)


@st.composite
def _mutations(draw: st.DrawFn) -> tuple[int, str, Any]:
    index, path, leaf = draw(st.sampled_from(LEAVES))
    kind = draw(st.sampled_from(sorted(set(KIND_VALUES) - {json_kind(leaf) or ""})))
    return index, path, draw(KIND_VALUES[kind])


@settings(max_examples=scaled(400), deadline=None)
@given(_mutations(), st.booleans())
def test_property_a_mutated_leaf_is_open_or_reported(
    mutation: tuple[int, str, Any], backfill: bool
) -> None:
    index, path, value = mutation
    _assert_reported(index, path, value, backfill)
