"""The dates and paths of the demo's 行政许可 files: new applications (with 补正, 核查, an excluded
expert review, a hearing the item requires), renewals and changes of earlier licences, decisions
on the spot, denials, non-acceptance, and the agency's 撤销/撤回 followed by 注销.

Why dates are placed with ``domain.licence_limits``: a lawful file must meet every LIC deadline the
audit computes, so each limit (LIC-03's deemed acceptance, LIC-10 with its excluded spans, LIC-13,
LIC-15, LIC-19) comes from the same functions, and a planned day is capped by it; a defect moves
exactly one day past its limit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from demo import licence_catalogue as lc
from demo import licence_files as f
from demo.draw import DAY, basis_rows, choice, rint, stamp
from demo.model import DefectKind, Raw
from domain.licence_limits import acceptance, cancellation_limit, decision_limit, hearing_notice_in_time
from domain.limits import ExcludedSpan

OPINIONS: Final = {k: "ok" for k in ("subject", "competence", "officers", "procedure", "facts", "evidence", "law",
                                     "discretion", "documents", "crime_transfer")}
COMMITTEE: Final = {"kind": "organisation", "name": "江岸区某社区居民委员会"}


@dataclass(frozen=True)
class LicenceSpec:
    """What is decided about an application before its dates are placed."""

    index: int
    path: str
    item: lc.LicenceItemSpec
    defect: DefectKind | None
    received: date
    seed: str


@dataclass(frozen=True)
class Grant:
    """A licence granted and issued by the demo (a later 撤销/撤回 names it)."""

    stream: str
    licence_no: str
    holder: Raw
    item: lc.LicenceItemSpec
    issued: date


class _File:
    """One application's state while it is written."""

    def __init__(self, world: f.LicenceWorld, spec: LicenceSpec, stream: str, serial: int, year: int) -> None:
        self.world, self.spec = world, spec
        self.rng = random.Random(spec.seed)
        officers = [o.id for o in world.agency.field_officers]
        self.staff = self.rng.sample(officers, 2)
        self.presider = next(o for o in officers if o not in self.staff)
        self.w = f.LicenceWriter(world, stream, self.staff[0])
        self.party = f.applicant(self.rng, spec.item)
        short = world.agency.spec.short
        self.number = f"{short}许字〔{year}〕第{serial:04d}号"
        self.licence_no = f"{short}{spec.item.word}字〔{year}〕第{serial:04d}号"
        self.archive_no = f"{lc.ARCHIVE_PREFIX}-XK-{year}-{serial:04d}"
        self.name = spec.defect.name if spec.defect is not None else ""


def application(world: f.LicenceWorld, spec: LicenceSpec, stream: str, serial: int,
                year: int) -> tuple[f.LicenceWriter, Grant | None]:
    """Write one application's file; the grant, when it was issued before ``as_of``."""
    file = _File(world, spec, stream, serial, year)
    if spec.path == "on_the_spot":
        return file.w, _on_the_spot(file)
    if spec.path == "not_accepted":
        _not_accepted(file)
        return file.w, None
    prior = _prior_licence(file) if spec.path in ("renewal", "change") else None
    accepted_on, cursor = _receive(file, prior)
    spans, cursor = _examine(file, cursor)
    return file.w, _decide(file, accepted_on, spans, cursor, prior)


def _prior_licence(file: _File) -> Raw:
    """An earlier licence (granted before the demo's year) a renewal or change names; a renewal
    is applied for well over 30 days before it expires (LIC-16)."""
    rng, item = file.rng, file.spec.item
    granted = file.spec.received - timedelta(days=rint(rng, 400, 1000))
    valid_to = (file.spec.received + timedelta(days=rint(rng, 40, 70)) if file.spec.path == "renewal"
                else file.spec.received + timedelta(days=rint(rng, 200, 600)))
    serial = rint(rng, 1, 400)
    return {"stream": f"licence/{file.world.agency.spec.code}-XK-{granted.year}-{serial:04d}",
            "licence_no": f"{file.world.agency.spec.short}{item.word}字〔{granted.year}〕第{serial:04d}号",
            "valid_to": valid_to.isoformat()}


def _receive(file: _File, prior: Raw | None) -> tuple[date, date]:
    """Application, 补正 (within 5 WD; the LIC-03 defect later) and acceptance: LIC-10's start
    (the deemed day when the 补正 notice was late) and the day of acceptance."""
    w, rng, world, spec = file.w, file.rng, file.world, file.spec
    d0 = spec.received
    needs = file.name == "late_supplement_notice" or (file.name == "" and rng.random() < 0.3)
    missing = choice(rng, spec.item.materials[1:]) if needs else None
    f.applied(w, rng, spec.item, d0, rint(rng, 9 * 60, 11 * 60), file.party, _application_kind(spec), missing, prior)
    notice_wd = world.config.licence.supplement_notice_wd
    asked: date | None = None
    if missing is not None:
        low, high = (notice_wd + 1, notice_wd + 3) if file.name == "late_supplement_notice" else (1, notice_wd - 1)
        asked = world.wd.add(d0, rint(rng, low, high))
        day = world.wd.add(asked, rint(rng, 1, 5))
        f.supplement(w, asked, day, missing)
    else:
        day = world.wd.add(d0, rint(rng, 1, notice_wd - 1))
    f.accepted(w, day)
    found = acceptance(world.calendar, d0, asked, day, notice_wd)
    assert found is not None
    return found.accepted_on, day


def _application_kind(spec: LicenceSpec) -> str:
    return spec.path if spec.path in ("renewal", "change") else "new"


def _examine(file: _File, cursor: date) -> tuple[tuple[ExcludedSpan, ...], date]:
    """核查 by two officers for most files, and the expert review: notified (its days excluded,
    第45条) or, for the LIC-10 defect, held without telling the applicant."""
    w, rng, wd, spec = file.w, file.rng, file.world.wd, file.spec
    if spec.item.hearing_required or rng.random() < 0.6:
        cursor = wd.add(cursor, rint(rng, 1, 3))
        f.verified(w, cursor, file.staff, str(file.party["address"]))
    if file.name == "excluded_not_notified":
        return (), wd.add(cursor, rint(rng, 14, 18))
    if file.name == "" and not spec.item.hearing_required and spec.path == "new" and rng.random() < 0.2:
        told = wd.add(cursor, rint(rng, 1, 2))
        first = wd.add(told, 1)
        until = wd.add(first, rint(rng, 2, 6))
        f.excluded(w, told, first, until)
        return (ExcludedSpan("expert_review", None, first, until, True),), until
    return (), cursor


def _decide(file: _File, accepted_on: date, spans: tuple[ExcludedSpan, ...], cursor: date,
            prior: Raw | None) -> Grant | None:
    """Review, then (a hearing,) the decision within LIC-10's limit — past it for the LIC-10
    defect — and for a grant the certificate and publication."""
    w, rng, world, spec = file.w, file.rng, file.world, file.spec
    limit = decision_limit(world.calendar, accepted_on, world.terms[spec.item.code], (), spans).due.due
    if prior is not None and spec.path == "renewal":
        limit = min(limit, world.wd.back(date.fromisoformat(prior["valid_to"])))
    deny = spec.path == "denied"
    review = world.wd.add(cursor, rint(rng, 1, 2))
    reasons = [choice(rng, lc.DENIAL_REASONS)] if deny else ["申请材料齐全，符合法定形式", "经审查符合法定条件、标准"]
    extra: Raw = {"interested_parties": [COMMITTEE]} if file.name == "hearing_not_held" else {}
    f.reviewed(w, review, "deny" if deny else "grant", reasons, **extra)
    after = review
    if file.name == "hearing_not_held":
        after = _hearing_requested(file, review)
    elif spec.item.hearing_required:
        after = _hearing(file, review)
    decided = min(world.wd.add(after, rint(rng, 1, 2)), limit)
    if file.name == "excluded_not_notified":
        decided = max(world.wd.add(after, 1), world.wd.add(limit, rint(rng, 1, 3)))
    if deny:
        _denied(file, decided, reasons)
        return None
    return _grant(file, decided, prior)


def _hearing_requested(file: _File, review: date) -> date:
    """The LIC-08 defect: an interested party told of the application and of the right to a hearing,
    asks within the 5 WD; no hearing is held."""
    w, rng, wd = file.w, file.rng, file.world.wd
    told = wd.add(review, 1)
    w.add(told, 11 * 60, "InterestedPartyNotified", {"party": COMMITTEE, "method": "in_person", "served_at": ...,
                                                      "document": w.doc("利害关系人告知书")})
    w.add(told, 11 * 60 + 30, "HearingRightsNotified", {"to": [_named(file.party), COMMITTEE], "method": "in_person",
                                                         "served_at": ..., "document": w.doc("听证权利告知书")})
    asked = wd.add(told, rint(rng, 1, file.world.config.licence.hearing_request_wd - 1))
    w.add(asked, 10 * 60, "HearingRequested", {"requested_at": ..., "requested_by": COMMITTEE})
    return asked


def _named(party: Raw) -> Raw:
    return {"kind": party["kind"], "name": party["name"], "credit_code": party["credit_code"]}


def _hearing(file: _File, review: date) -> date:
    """第46条: the hearing the item requires — announced, noticed at least 7 WD ahead (LIC-09), held
    by an officer who did not examine the file, then reviewed by the 法制审核 reviewer (TS-10)."""
    w, world = file.w, file.world
    served = world.wd.add(review, 1)
    held = world.wd.add(served, world.config.licence.hearing_notice_wd + 1)
    assert hearing_notice_in_time(world.calendar, served, held, world.config.licence.hearing_notice_wd)
    w.add(served, 9 * 60, "HearingAnnounced", {"published_at": ..., "channel": lc.CHANNEL,
                                                "document": w.doc("听证公告")})
    w.add(served, 10 * 60, "HearingNoticeServed", {"served_at": ..., "hearing_at": stamp(held, 9 * 60),
                                                    "place": "区行政审批局听证室", "document": w.doc("听证通知书"),
                                                    "receipt": w.doc("送达回证")})
    w.add(held, 9 * 60, "HearingHeld", {"presider": file.presider, "record": w.doc("听证笔录"),
                                         "report": w.doc("听证报告"), "public": True, "record_confirmed": True},
          by=file.presider)
    reviewer = world.agency.reviewers[0].id
    w.add(held, 15 * 60, "LegalReviewCompleted", {"reviewer": reviewer, "outcome": "approved", "opinions": OPINIONS,
                                                   "document": w.doc("法制审核意见书")}, by=reviewer)
    return held


def _grant(file: _File, decided: date, prior: Raw | None) -> Grant | None:
    w, rng, world, spec = file.w, file.rng, file.world, file.spec
    valid_from: date | None = decided
    content = f"准予{spec.item.name}：" + str(w.steps[0]["data"]["summary"])
    if prior is not None:
        valid_from = date.fromisoformat(prior["valid_to"]) + DAY if spec.path == "renewal" else None
        content = ("准予延续" if spec.path == "renewal" else "准予变更") + f"{prior['licence_no']}：" + content
    f.granted(w, decided, spec.item, file.number, content, valid_from=valid_from,
              heard=spec.item.hearing_required and file.name == "")
    cfg = world.config
    issue = min(world.wd.add(decided, rint(rng, 0, 4)), world.due(decided, cfg.licence.issue_wd))
    show = min(world.wd.add(decided, rint(rng, 1, 5)), world.due(decided, cfg.publication.licence_wd))
    text = (f"{file.number}：准予{f.holder_text(file.party)}{spec.item.name}，许可证号{file.licence_no}，"
            f"许可机关{world.agency.spec.name}。")
    for day, act in sorted([(issue, 0), (show, 1)]):
        if act == 0:
            f.issued(w, day, spec.item, file.licence_no)
        else:
            f.published(w, day, text)
    f.closed_and_archived(w, rng, max(issue, show), "准予许可，证件已颁发并公示，办结", file.archive_no)
    if any(s["type"] == "LicenceIssued" for s in w.steps):
        return Grant(w.stream, file.licence_no, file.party, spec.item, issue)
    return None


def _denied(file: _File, decided: date, reasons: list[str]) -> None:
    w, rng, world = file.w, file.rng, file.world
    number = file.number.replace("许字", "不许字")
    w.add(decided, 16 * 60, "LicenceDenied", {
        "document_no": number, "reasons": reasons,
        "basis": [{**basis_rows((file.spec.item.basis,))[0], "rank": file.spec.item.rank}],
        "remedies": world.remedies, "approved_by": world.agency.heads[0].id,
        "approval_form": w.doc("行政许可审批表"), "sealed_by": world.agency.stream,
        "document": w.doc("不予行政许可决定书"),
        **({"hearing_record_considered": True} if file.spec.item.hearing_required else {})})
    served = world.wd.add(decided, rint(rng, 0, 2))
    w.add(served, 10 * 60, "DecisionServed", {"method": "in_person", "served_at": ..., "receipt": w.doc("送达回证"),
                                               "document_no": number})
    f.closed_and_archived(w, rng, served, "不予许可，决定书已送达，办结", file.archive_no)


def _on_the_spot(file: _File) -> Grant | None:
    """第34条第2款: complete materials in legal form, decided and issued at the counter."""
    w, rng, world, spec = file.w, file.rng, file.world, file.spec
    d0 = spec.received
    f.applied(w, rng, spec.item, d0, rint(rng, 9 * 60, 10 * 60), file.party, "new", None)
    f.granted(w, d0, spec.item, file.number, "当场准予" + str(w.steps[0]["data"]["summary"]), valid_from=d0,
              on_the_spot=True)
    f.issued(w, d0, spec.item, file.licence_no)
    show = min(world.wd.add(d0, rint(rng, 1, 4)), world.due(d0, world.config.publication.licence_wd))
    f.published(w, show, f"{file.number}：准予{f.holder_text(file.party)}{spec.item.name}，"
                         f"许可证号{file.licence_no}，许可机关{world.agency.spec.name}。")
    f.closed_and_archived(w, rng, show, "当场准予许可，证件已颁发并公示，办结", file.archive_no)
    return Grant(w.stream, file.licence_no, file.party, spec.item, d0) if len(w.steps) > 2 else None


def _not_accepted(file: _File) -> None:
    """第32条第1款第2项: not this agency's licence, refused on the day with where to apply."""
    w, rng, world, spec = file.w, file.rng, file.world, file.spec
    d0 = spec.received
    f.applied(w, rng, spec.item, d0, rint(rng, 9 * 60, 11 * 60), file.party, "new", None)
    explanation, body = choice(rng, lc.NOT_COMPETENT)
    w.add(d0, 15 * 60, "LicenceNotAccepted", {
        "reason": "not_competent", "explanation": explanation, "competent_body": body,
        "basis": [{"law": lc.LICENSING_LAW, "article": 32, "clause": 1, "item": 2, "rank": "law"}],
        "notice": w.doc("不予受理决定书"), "sealed_by": world.agency.stream, "remedies": world.remedies,
        "method": "in_person", "served_at": ...})
    f.closed_and_archived(w, rng, d0, "不予受理，已告知向有关机关申请，办结", file.archive_no)


def proceeding(world: f.LicenceWorld, grant: Grant, action: str, opened: date, stream: str, serial: int,
               year: int, seed: str) -> f.LicenceWriter:
    """The agency's 撤销 (第69条) or 撤回 (第8条) of a licence it granted: opened with the head's
    approval, the holder told and heard, decided, published, then 注销 (第70条) within LIC-19's
    limit and published too."""
    rng = random.Random(seed)
    head = world.agency.heads[0].id
    w = f.LicenceWriter(world, stream, choice(rng, [o.id for o in world.agency.field_officers]))
    revoke = action == "revocation"
    grounds = [choice(rng, lc.REVOCATION_GROUNDS if revoke else lc.WITHDRAWAL_REASONS)]
    basis = ([{"law": lc.LICENSING_LAW, "article": 69, "clause": 1, "item": 4, "rank": "law"}] if revoke
             else [{"law": lc.LICENSING_LAW, "article": 8, "clause": 2, "item": None, "rank": "law"}])
    w.add(opened, 10 * 60, "LicenceProceedingOpened", {
        "agency": world.agency.stream, "action": action,
        "licence": {"stream": grant.stream, "licence_no": grant.licence_no}, "holder": _named(grant.holder),
        "trigger": "interested_party" if revoke else "ex_officio", "grounds": grounds, "approved_by": head,
        "document": w.doc("撤销立案审批表" if revoke else "撤回立案审批表")})
    told = world.wd.add(opened, rint(rng, 1, 2))
    w.add(told, 10 * 60, "ProposedActionNoticeServed", {
        "proposed": {"action": action, "grounds": grounds, "basis": basis},
        "rights": {"statement": True, "hearing": False}, "method": "in_person", "served_at": ...,
        "document": w.doc("拟撤销行政许可告知书" if revoke else "拟撤回行政许可告知书"), "receipt": w.doc("送达回证")})
    decided = world.wd.add(told, rint(rng, 6, 9))
    number = f"{world.agency.spec.short}{'撤' if revoke else '回'}字〔{year}〕第{serial:04d}号"
    _revoked_or_withdrawn(w, rng, world, revoke, decided, number, basis)
    words = "撤销" if revoke else "撤回"
    show = min(world.wd.add(decided, rint(rng, 1, 3)), world.due(decided, world.config.publication.licence_wd))
    f.published(w, show, f"{number}：{words}{f.holder_text(grant.holder)}{grant.item.name}许可"
                         f"（{grant.licence_no}），{words}日期{decided.isoformat()}。")
    _cancelled(w, rng, world, grant, decided, show)
    f.closed_and_archived(w, rng, _last_day(w, decided), f"{words}并注销，办结",
                          f"{lc.ARCHIVE_PREFIX}-CX-{year}-{serial:04d}")
    return w


def _last_day(w: f.LicenceWriter, default: date) -> date:
    return date.fromisoformat(w.steps[-1]["at"][:10]) if w.steps else default


def _revoked_or_withdrawn(w: f.LicenceWriter, rng: random.Random, world: f.LicenceWorld, revoke: bool,
                          decided: date, number: str, basis: list[Raw]) -> None:
    common: Raw = {"effective_on": decided.isoformat(), "document_no": number, "basis": basis,
                   "remedies": world.remedies, "approved_by": world.agency.heads[0].id,
                   "sealed_by": world.agency.stream}
    if revoke:
        w.add(decided, 10 * 60, "LicenceRevoked", {
            "ground": "unqualified", "paragraph": 1, "public_interest_check": "撤销不会对公共利益造成重大损害",
            "compensation": {"decided": True, "amount_fen": 0, "reasons": "被许可人无合法权益受损"}, **common,
            "document": w.doc("撤销行政许可决定书")})
    else:
        w.add(decided, 10 * 60, "LicenceWithdrawn", {
            "ground": "circumstances_changed", "public_interest": choice(rng, lc.WITHDRAWAL_REASONS),
            "compensation": {"decided": True, "amount_fen": rint(rng, 20, 300) * 100_000}, **common,
            "document": w.doc("撤回行政许可决定书")})


def _cancelled(w: f.LicenceWriter, rng: random.Random, world: f.LicenceWorld, grant: Grant, decided: date,
               after: date) -> None:
    """注销 within LIC-19's working days of the decision, published within LIC-15's."""
    day = world.wd.add(after, rint(rng, 0, 1))
    day = min(day, cancellation_limit(world.calendar, decided, world.config, day).due.due)
    w.add(day, 14 * 60, "LicenceCancelled", {
        "ground": "revoked_or_withdrawn", "cancelled_on": day.isoformat(), "sealed_by": world.agency.stream,
        "basis": [{"law": lc.LICENSING_LAW, "article": 70, "clause": None, "item": 4, "rank": "law"}],
        "document": w.doc("注销行政许可决定书")})
    show = min(world.wd.add(day, rint(rng, 1, 3)), world.due(day, world.config.publication.licence_wd))
    f.published(w, show, f"注销{f.holder_text(grant.holder)}{grant.item.name}许可（{grant.licence_no}），"
                         f"注销日期{day.isoformat()}。")
