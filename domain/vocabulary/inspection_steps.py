"""The inspection table of steps.md (行政检查 and 双随机、一公开): a ``spotcheck/<number>`` stream is one
抽查任务 (plan, directory snapshots, draw, end); each inspected object has its own
``inspection/<number>`` stream; and the case steps also recorded on an inspection stream."""

from __future__ import annotations

from typing import Final

from domain.coercion_shapes import WITNESS
from domain.fields import AnyOf, Choice, Integer, ListOf, RequiredWhen, StreamKind, Timestamp
from domain.inspection_shapes import (
    BEACON,
    CORRECTION,
    DRAW_ALGORITHMS,
    DRAWN_INSPECTORS,
    DRAWN_OBJECT,
    EXCLUDED,
    HEX,
    INSPECTED_OBJECT,
    INSPECTION_FINDING,
    INSPECTION_ORIGIN,
    PERIOD,
)
from domain.shapes import (
    AGENCY,
    BOOL,
    CASE,
    COUNT,
    DATE,
    DOCUMENT,
    DOCUMENTS,
    OFFICER,
    OFFICERS,
    SHA256,
    TEXT,
    TEXTS,
    opt,
    req,
)
from domain.vocabulary.records import FILE_RULE, SNAPSHOT_RULE, Role
from domain.vocabulary.spec import StepSpec, also, step

TS: Final = Timestamp()
HEAD: Final = Role.HEAD.value

_SC, _IN = StreamKind.SPOTCHECK, StreamKind.INSPECTION
_DIRECTORIES: Final = ("objects", "inspectors")

SPOTCHECK_STEPS: Final[tuple[StepSpec, ...]] = (
    step("SpotCheckPlanned", _SC, FILE_RULE,
         req("agency", AGENCY), req("items", ListOf(TEXT, min_items=1), note="inspection item codes"),
         opt("joint_agencies", ListOf(AGENCY), note="部门联合"), req("population", TEXT),
         req("sample_size", Integer(minimum=1)), req("inspectors_per_object", Integer(minimum=1), note="≥ 2"),
         req("period", PERIOD), req("approved_by", OFFICER, fact=True, must_hold=HEAD),
         req("document", DOCUMENT, fact=True, note="抽查工作方案"),
         req("seed_commitment", SHA256, note="SHA-256 of the secret"), req("algorithm", Choice(DRAW_ALGORITHMS)),
         opt("filed_at", TS, note="备案"), opt("published_at", TS, note="检查计划 公布"),
         opens=True, note="抽查计划 / 任务"),
    step("DirectorySnapshotTaken", _SC, SNAPSHOT_RULE,
         req("directory", Choice(_DIRECTORIES)), req("taken_at", TS), req("source", TEXT), req("count", COUNT),
         opt("snapshot", DOCUMENT, note="objects: one key per line, sorted by UTF-8 bytes"),
         opt("officers", OFFICERS, note="inspectors"), opt("excluded", ListOf(EXCLUDED)),
         conditions=(RequiredWhen("snapshot", "directory", ("objects",), "对象名录须有快照文件"),
                     RequiredWhen("officers", "directory", ("inspectors",), "检查人员名录须列明人员")),
         note="名录库 snapshot"),
    step("RandomDrawPerformed", _SC, FILE_RULE,
         req("seed_secret", HEX), req("beacon", BEACON), req("seed", SHA256), req("objects_snapshot", SHA256),
         req("objects_drawn", ListOf(DRAWN_OBJECT)), req("inspectors_drawn", ListOf(DRAWN_INSPECTORS)),
         opt("witnesses", TEXTS, note="names or officer ids"), opt("av", DOCUMENTS, fact=True),
         req("record", DOCUMENT, fact=True), note="ledger-draw-v1 (INS-02)"),
    step("InspectorReplaced", _SC, FILE_RULE,
         req("object_index", COUNT), req("officer", OFFICER), req("reason", Choice(("conflict", "unavailable"))),
         req("replacement", OFFICER, note="the next officer of that object's permutation"),
         note="回避 / 不能到场"),
    step("DrawnObjectSkipped", _SC, FILE_RULE,
         req("object_index", COUNT), req("key", TEXT), req("reason", Choice(("deregistered", "not_found", "other"))),
         req("evidence", DOCUMENT, fact=True)),
    step("SpotCheckCompleted", _SC, FILE_RULE,
         req("completed_on", DATE), req("summary", TEXT), opt("report", DOCUMENT, fact=True)),
)

INSPECTION_STEPS: Final[tuple[StepSpec, ...]] = (
    step("InspectionOpened", _IN, FILE_RULE,
         req("agency", AGENCY), req("item", TEXT, note="an inspection item"), req("object", INSPECTED_OBJECT),
         req("origin", INSPECTION_ORIGIN), req("officers", OFFICERS),
         req("approved_by", OFFICER, fact=True, must_hold=HEAD), req("approved_at", TS, fact=True),
         opt("urgent", BOOL, note="approval after the fact"),
         req("plan", DOCUMENT, fact=True, note="检查方案 / 行政检查审批表"),
         opt("check_code", TEXT, note="武汉: 检查码"), opt("remote", BOOL, note="非现场检查"),
         opens=True, note="检查审批"),
    step("SiteInspectionRecorded", _IN, FILE_RULE,
         req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True),
         req("notice", DOCUMENT, fact=True, note="行政检查通知书"), opt("check_code", TEXT), req("place", TEXT),
         req("started_at", TS), req("ended_at", TS), req("items_checked", TEXTS),
         req("record", DOCUMENT, fact=True, note="现场检查笔录"), opt("signed_by_party", BOOL, fact=True),
         opt("refusal_noted", BOOL, fact=True), opt("witness", WITNESS), opt("av", DOCUMENTS, fact=True),
         conditions=(AnyOf(("signed_by_party", "refusal_noted")),), note="现场检查"),
    step("RemoteCheckRecorded", _IN, FILE_RULE,
         req("check_method", Choice(("documents", "data", "monitoring", "other"))), req("checked_at", TS),
         req("record", DOCUMENT, fact=True), note="非现场检查"),
    step("InspectionConcluded", _IN, FILE_RULE,
         req("result", Choice(("compliant", "corrected_on_spot", "correction_ordered", "violation_found",
                               "unreachable", "other"))),
         req("findings", ListOf(INSPECTION_FINDING)), opt("correction", CORRECTION, note="责令改正"),
         opt("notice", DOCUMENT, fact=True, note="检查结果告知书"), opt("served_at", TS), note="检查结果"),
    step("CorrectionVerified", _IN, FILE_RULE,
         req("officers", OFFICERS), req("credentials_shown", BOOL, fact=True), req("verified_at", TS),
         req("result", Choice(("corrected", "not_corrected"))), req("record", DOCUMENT, fact=True),
         note="整改复查"),
    step("InspectionReferred", _IN, FILE_RULE,
         req("to", Choice(("case", "agency", "judicial"))), opt("case", CASE), opt("agency", AGENCY),
         opt("organ", TEXT), req("referred_at", TS),
         opt("decided_by", OFFICER, fact=True, must_hold=HEAD), req("materials", DOCUMENTS, fact=True),
         note="移送立案 / 移送"),
)

INSPECTION_ALSO: Final = tuple(
    also(name, _IN) for name in (
        "InquiryRecorded", "EvidenceCollected", "LegalReviewRequested", "LegalReviewCompleted",
        "DecisionPublished", "PublicationSuppressed", "PublicationWithdrawn", "RecordCorrected", "CaseClosed",
        "CaseArchived")
)
"""The case steps also recorded on an inspection stream."""
