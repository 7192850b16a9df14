"""The demo's 行政强制 files on ``coercion/`` streams: 查封、扣押 taken on patrol or during a check
(emergency ones with the head's approval within 24 hours, or a refusal and an immediate release;
approved ones with an extension now and then), released and returned or destroyed by the agency's
own 处理决定; and 代履行 of obstructions the 城管 ordered removed (催告, 代履行决定, the 3-WD 催告,
the removal on a working day). A ``defect_share`` of them carries one of the brief's defects.

Why dates come from ``domain``: a lawful file must meet COE-04's 24 hours, COE-07/08's 30 days
without roll-forward (``coercion_limits.measure_end``), ENF-02/08's 催告 periods and ENF-06's
working daytime, as the gates and the audit count them. Drawn from their own seeded generators
(``…|coercion i``), so the penalty cases stay as they were.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Final

from demo import kind_catalogue as kc
from demo.draw import DAY, basis_rows, choice, firm, person_name, resident_id, rint, stamp
from demo.kind_files import KindWorld, KindWriter, lapsed, masked, steady
from demo.model import COERCION_DEFECT_KINDS, ENFORCEMENT_DEFECT_KINDS, DefectKind, DemoFile, DemoStream, Raw
from demo.registry import Agency
from domain.coercion_limits import measure_end

MEASURE_PATHS: Final = ("emergency", "approved", "not_approved", "extended")
_MEASURE_WEIGHTS: Final = ((0, 40), (1, 42), (2, 4), (3, 14))
ENFORCEMENT_PATHS: Final = ("substitute",)
_STREETS: Final = ("球场街", "永清街", "后湖街", "台北街")
DEFECT_LEAD: Final = 75
"""A defective file starts at least this many days before ``as_of``, so its defect is complete."""
_LAW_19: Final = {"law": kc.COERCION_LAW, "article": 19, "clause": None, "item": None}
_LAW_27: Final = {"law": kc.COERCION_LAW, "article": 27, "clause": None, "item": None}
_LAW_50: Final = {"law": kc.COERCION_LAW, "article": 50, "clause": None, "item": None, "rank": "law"}


def build_coercions(measures: int, enforcements: int, key: str, defect_share: float, world: KindWorld,
                    low: date) -> tuple[list[DemoStream], dict[str, DemoFile]]:
    """``measures`` measure files and ``enforcements`` 代履行 files, a ``defect_share`` of each defective."""
    planned: list[tuple[date, int, str, DefectKind | None, random.Random]] = []
    span = (world.last - low).days
    for kinds, count, label in ((COERCION_DEFECT_KINDS, measures, "coercion"),
                                (ENFORCEMENT_DEFECT_KINDS, enforcements, "enforcement")):
        rng = random.Random(f"{key}|{label}s")
        defective = round(count * defect_share)
        marked = sorted(rng.sample(range(count), defective)) if defective else []
        for index in range(count):
            own = random.Random(f"{key}|{label} {index}")
            kind = kinds[marked.index(index) % len(kinds)] if index in marked else None
            if label == "coercion":
                path = ("freeze" if kind is not None and kind.name == "freeze_without_law" else
                        "emergency" if kind is not None else
                        MEASURE_PATHS[index] if index < len(MEASURE_PATHS) else
                        MEASURE_PATHS[_weighted(own, _MEASURE_WEIGHTS)])
            else:
                path = "enforcement" if kind is not None and kind.name == "no_power" else "substitute"
            # an emergency measure is approved within 24 hours: none on the last day, whose approval would
            # come on ``as_of``
            lead = DEFECT_LEAD if kind is not None else 2 if path in MEASURE_PATHS else 0
            day = low + timedelta(days=rint(own, 0, max(0, span - lead)))
            if kind is not None and kind.name == "expired_credential":
                day = max(day, _lapse_day(world) + timedelta(days=3))
            if day <= world.last:
                planned.append((day, index if label == "coercion" else 10_000 + index, path, kind, own))
    planned.sort(key=lambda p: (p[0], p[1]))
    serials: dict[tuple[str, int], int] = {}
    out: list[DemoStream] = []
    documents: dict[str, DemoFile] = {}
    for day, _, path, kind, own in planned:
        agency = _agency(world, path, kind, own)
        number_key = (agency.spec.code, day.year)
        serials[number_key] = serials.get(number_key, 0) + 1
        serial = serials[number_key]
        stream = f"coercion/{agency.spec.code}-QZ-{day.year}-{serial:04d}"
        file = _Coercion(world, agency, stream, serial, own, kind)
        if path in ("substitute", "enforcement"):
            file.enforcement(day, path)
        elif path == "freeze":
            file.freeze(day)
        else:
            file.measure(day, path)
        documents.update(file.w.files)
        out.append(file.w.result(path, kind))
    out.sort(key=lambda f: f.stream)
    return out, documents


def _weighted(rng: random.Random, weights: tuple[tuple[int, int], ...]) -> int:
    pick = rng.random() * sum(w for _, w in weights)
    for value, weight in weights:
        pick -= weight
        if pick < 0:
            return value
    return weights[-1][0]


def _lapse_day(world: KindWorld) -> date:
    officer = lapsed(world.agencies["JA-CGJ"])
    assert officer is not None and officer.valid_to is not None
    return officer.valid_to


def _agency(world: KindWorld, path: str, kind: DefectKind | None, rng: random.Random) -> Agency:
    if path in ("substitute", "enforcement") or (kind is not None and kind.name == "expired_credential"):
        return world.agencies[kc.SUBSTITUTE_AGENCY]
    if path == "freeze":
        return world.agencies["JA-SCJ"]
    return world.agencies[choice(rng, kc.COERCION_ITEMS).agency]


class _Coercion:
    """One coercion file while it is written."""

    def __init__(self, world: KindWorld, agency: Agency, stream: str, serial: int, rng: random.Random,
                 kind: DefectKind | None) -> None:
        self.world, self.agency, self.stream, self.serial = world, agency, stream, serial
        self.rng, self.kind = rng, kind
        self.name = kind.name if kind is not None else ""
        self.officers = [o.id for o in rng.sample(steady(agency), 2)]
        self.head = agency.heads[0].id
        self.w = KindWriter(world, stream, agency, self.officers[0])
        self.item = next((c for c in kc.COERCION_ITEMS if c.agency == agency.spec.code), None)
        self.year = int(stream.split("-")[-2])

    def _no(self, word: str) -> str:
        return f"{self.agency.spec.short}{word}字〔{self.year}〕第{self.serial:04d}号"

    def _party(self, industry: str) -> Raw:
        rng = self.rng
        if industry == "catering" and rng.random() < 0.5:
            born = date(rint(rng, 1965, 2000), rint(rng, 1, 12), rint(rng, 1, 28))
            return {"kind": "person", "name": person_name(rng),
                    "id_number": resident_id("420102", born, rint(rng, 100, 999)),
                    "address": f"武汉市江岸区{choice(rng, _STREETS)}{rint(rng, 1, 99)}号"}
        party = firm(rng, industry)
        party.pop("phone", None)
        return party

    # ----------------------------------------------------------------------------- measures

    def measure(self, day: date, path: str) -> None:
        """Open, (approve,) seize, (extend,) then release and return, or destroy; publish; close."""
        w, rng, world, item = self.w, self.rng, self.world, self.item
        assert item is not None
        emergency = path in ("emergency", "not_approved") or self.name in ("late_report", "expired_credential")
        if self.name == "expired_credential":
            officer = lapsed(self.agency)
            assert officer is not None
            self.officers[1] = officer.id
        party = self._party(item.industry)
        place = f"武汉市江岸区{choice(rng, ('解放大道', '沿江大道', '建设大道', '中山大道'))}{rint(rng, 1, 999)}号"
        start = (rint(rng, 19 * 60, 21 * 60) if emergency else rint(rng, 9 * 60, 15 * 60))
        w.add(day, start - 20, "CoercionOpened", {
            "agency": self.agency.stream, "purpose": "measure", "party": party,
            "summary": choice(rng, item.summaries), "item": item.code, "handlers": list(self.officers)})
        measure = "seal" if item.agency == "JA-SHJ" else "seize"
        word = "封" if measure == "seal" else "扣"
        if not emergency:
            self._approval(day, start - 10, measure, True, None)
        things = rng.sample(item.things, 2)
        items = [{"id": f"I{n}", "name": name, "quantity": qty, "unit": unit,
                  "kind": "facility" if measure == "seal" else "property"}
                 for n, (name, qty, unit) in enumerate(things, start=1)]
        days = 30
        until = measure_end(world.calendar, day, days).due
        basis = [{**basis_rows((item.basis,))[0], "rank": "law"}] + ([_LAW_19] if emergency else [])
        data: Raw = {"measure_id": "M1", "measure": measure, "emergency": emergency}
        if emergency:
            data["emergency_reason"] = "当事人正欲转移涉案物品，不当场实施将无法制止违法行为"
        data.update({
            "officers": list(self.officers), "credentials_shown": True, "party_notified": True, "party_present": True,
            "rights_told": True, "statement_heard": True, "place": place, "started_at": stamp(day, start),
            "ended_at": stamp(day, start + 25), "record": w.doc("现场笔录"), "signed_by_party": True,
            "av": [w.doc("执法记录仪视频", "video")], "items": items,
            "decision": {"document_no": self._no(word), "reason": choice(rng, item.summaries), "basis": basis,
                         "days": days, "until": until.isoformat(), "remedies": world.remedies(self.agency),
                         "sealed_by": self.agency.stream,
                         "document": w.doc("查封决定书" if measure == "seal" else "扣押决定书")},
            "list": w.doc("查封清单" if measure == "seal" else "扣押清单"), "handed_over": True,
            "custody": {"holder": "agency"}})
        w.add(day, start, "SeizureImposed", data)
        ids = [str(i["id"]) for i in items]
        if emergency and not self._emergency_approval(day, start, measure, path, ids):
            return
        end = until
        cursor = day
        if path == "extended":
            ext_day = world.wd.back(until - timedelta(days=rint(rng, 3, 8)))
            end = measure_end(world.calendar, until, 30).due
            w.add(ext_day, 10 * 60, "CoercionExtended", {
                "measure_id": "M1", "approved_by": self.head, "days": 30, "until": end.isoformat(),
                "reason": "案情复杂，需进一步调查取证", "document_no": self._no("延" + word),
                "notice": w.doc("延长查封扣押期限决定书"), "served_at": ...})
            cursor = ext_day
        if self.name == "disposal_late":
            closing = end + timedelta(days=rint(rng, 2, 6))
        else:
            closing = min(world.wd.add(cursor, rint(rng, 3, 15)), world.wd.back(end - DAY))
        if closing > world.due(day, world.config.publication.other_decision_wd):
            self._publish_early(day)
        if item.destroyed and self.name == "" and rng.random() < 0.6:
            w.add(closing, 10 * 60, "SeizureDisposed", {
                "measure_id": "M1", "disposition": "destroyed", "items": ids,
                "basis": [{**basis_rows((item.basis,))[0], "rank": "law"}, _LAW_27],
                "decision": {"document_no": self._no("处")}, "document": w.doc("查封扣押物品处理决定书")})
            summary = "扣押物品经检验不符合食品安全标准，依法销毁，办结"
        else:
            ground, why = choice(rng, kc.RETURN_GROUNDS)
            self._release(closing, 10 * 60, ground, why, ids)
            summary = "已解除查封、扣押并退还财物，办结"
        self._publish_and_close(closing, summary, day)

    def _emergency_approval(self, day: date, start: int, measure: str, path: str, ids: list[str]) -> bool:
        """The report and the approval after an emergency measure (late for ``late_report``); a refusal
        releases and returns at once and closes the file (False)."""
        world, rng = self.world, self.rng
        hours = world.config.coercion.emergency_report_hours
        started = datetime.combine(day, time()) + timedelta(minutes=start)
        late = self.name == "late_report"
        # reported the next morning or day (a refusal is then released and returned the same day)
        after = hours * 60 + rint(rng, 20, 90) if late else rint(rng, 11 * 60, (hours - 2) * 60)
        reported = started + timedelta(minutes=after)
        decided = reported + timedelta(minutes=rint(rng, 10, 50))
        if not late:
            decided = min(decided, started + timedelta(hours=hours, minutes=-5))
        approved = path != "not_approved"
        at = decided.date(), decided.hour * 60 + decided.minute
        self._approval(*at, measure, approved, stamp(reported.date(), reported.hour * 60 + reported.minute))
        if not approved:
            self._release(at[0], at[1] + 30, "not_approved", "负责人认为不应当采取行政强制措施，立即解除", ids)
            name = "查封" if measure == "seal" else "扣押"
            self._publish_and_close(at[0], f"紧急{name}未获批准，已立即解除并退还", day)
        return approved

    def _approval(self, day: date, minute: int, measure: str, approved: bool, reported: str | None) -> None:
        data: Raw = {"measure_id": "M1", "measure": measure, "decided_by": self.head, "approved": approved,
                     "reason": ("情况紧急当场实施，依法补办批准" if approved and reported else
                                "经审查符合实施条件，同意实施" if approved else "不符合实施条件，不予批准"),
                     "basis": [_LAW_19] if reported else [basis_rows(((kc.COERCION_LAW, 18, None, 1),))[0]],
                     "document": self.w.doc("紧急情况补办批准审批表" if reported else "实施行政强制措施审批表")}
        if reported is not None:
            data["reported_at"] = reported
        self.w.add(day, minute, "CoercionApprovalDecided", data, by=self.head)

    def _release(self, day: date, minute: int, ground: str, why: str, ids: list[str]) -> None:
        w = self.w
        w.add(day, minute, "CoercionReleased", {"measure_id": "M1", "ground": ground, "document_no": self._no("解"),
                                                "document": w.doc("解除行政强制措施决定书"), "served_at": ...})
        w.add(day, minute + 30, "SeizedItemsReturned", {"measure_id": "M1", "items": ids, "returned_at": ...,
                                                        "receipt": w.doc("退还物品清单")})
        del why

    def _publish_and_close(self, after: date, summary: str, decided: date) -> None:
        """事后公开 within 20 WD of the measure (TS-03 extended), naming its conclusion (PUB-06): once after
        the end when that comes in time, else within the 20 WD and again after the end; 办结, 归档."""
        w, world, rng = self.w, self.world, self.rng
        party = w.steps[0]["data"]["party"]
        due = world.due(decided, world.config.publication.other_decision_wd)
        measure = next((s for s in w.steps if s["type"] in ("SeizureImposed", "FreezeImposed")), None)
        number = measure["data"]["decision"]["document_no"] if measure and "decision" in measure["data"] else \
            self._no("冻")
        kind = "冻结" if measure is None or measure["type"] == "FreezeImposed" else \
            {"seal": "查封", "seize": "扣押"}[measure["data"]["measure"]]
        opening = f"{number}：{self.agency.spec.name}对{masked(party)}依法实施行政强制措施（{kind}）"
        if after > due and not any(st["type"] == "DecisionPublished" for st in w.steps):
            self._publish_early(decided)
        show = max(min(world.wd.add(after, rint(rng, 1, 3)), due), after)
        if after > due:  # the conclusion by the demo's last day (PUB-06 reads what is published by then)
            show = max(after, min(world.wd.add(after, rint(rng, 1, 3)), world.last))
        w.add(show, 9 * 60 if show > after else 18 * 60, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": number, "text": f"{opening}。{summary}。"})
        self._close(max(after, show), summary)

    def _publish_early(self, decided: date) -> None:
        """The measure published within its 20 WD, before it ends (its conclusion follows, PUB-06)."""
        w, world, rng = self.w, self.world, self.rng
        party = w.steps[0]["data"]["party"]
        measure = next((s for s in w.steps if s["type"] in ("SeizureImposed", "FreezeImposed")), None)
        number = measure["data"]["decision"]["document_no"] if measure and "decision" in measure["data"] else \
            self._no("冻")
        kind = "冻结" if measure is None or measure["type"] == "FreezeImposed" else \
            {"seal": "查封", "seize": "扣押"}[measure["data"]["measure"]]
        due = world.due(decided, world.config.publication.other_decision_wd)
        w.add(min(due, world.wd.add(decided, rint(rng, 2, 6))), 9 * 60, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": number,
            "text": f"{number}：{self.agency.spec.name}对{masked(party)}依法实施行政强制措施（{kind}）。"},
            between=True)

    def _close(self, after: date, summary: str) -> None:
        w, world, rng = self.w, self.world, self.rng
        closing = world.wd.add(after, rint(rng, 1, 3))
        w.add(closing, 10 * 60, "CaseClosed", {"approved_by": self.head, "summary": summary})
        archive = min(world.wd.add(closing, rint(rng, 2, 10)),
                      world.wd.back(closing + timedelta(days=world.config.evaluation.archive_nd)))
        w.add(archive, 10 * 60, "CaseArchived", {"archive_no": self.stream.split("/", 1)[1].removeprefix("JA-"),
                                                 "retention": world.config.retention.coercion})

    def freeze(self, day: date) -> None:
        """The COE-01 defect: a 市场监管 freezing of a firm's deposit (no law gives it the power)."""
        w, rng, world = self.w, self.rng, self.world
        party = self._party("retail")
        w.add(day, 9 * 60, "CoercionOpened", {
            "agency": self.agency.stream, "purpose": "measure", "party": party,
            "summary": "涉嫌销售假冒商品，为防止转移违法所得冻结其银行存款", "handlers": list(self.officers)})
        self._approval(day, 9 * 60 + 30, "freeze", True, None)
        amount = rint(rng, 5, 40) * 1_000_000
        account = f"6222 0{rint(rng, 100, 999)} {rint(rng, 1000, 9999)} {rint(rng, 1000, 9999)}"
        w.add(day, 11 * 60, "FreezeImposed", {
            "measure_id": "M1", "officers": list(self.officers), "credentials_shown": True,
            "institution": "中国工商银行武汉江岸支行", "account": account, "amount_fen": amount,
            "amount_involved_fen": amount, "notice": w.doc("协助冻结存款通知书"), "record": w.doc("现场笔录"),
            "frozen_at": ...})
        served = world.wd.add(day, 1)
        until = measure_end(world.calendar, day, 30).due
        w.add(served, 10 * 60, "FreezeDecisionServed", {
            "measure_id": "M1", "decision": {
                "document_no": self._no("冻"), "reason": "防止转移涉案资金",
                "basis": basis_rows(((kc.COERCION_LAW, 32, None, None),)),
                "days": 30, "until": until.isoformat(), "account": account, "amount_fen": amount,
                "remedies": world.remedies(self.agency), "sealed_by": self.agency.stream,
                "document": w.doc("冻结决定书")},
            "method": "in_person", "served_at": ..., "receipt": w.doc("冻结决定书送达回证")})
        released = world.wd.add(served, rint(rng, 5, 12))
        w.add(released, 10 * 60, "CoercionReleased", {
            "measure_id": "M1", "ground": "other", "document_no": self._no("解冻"), "document": w.doc("解除冻结决定书"),
            "served_at": ..., "institution_notified_at": ...})
        self._publish_and_close(released, "已解除冻结", day)

    # ----------------------------------------------------------------------------- enforcement

    def enforcement(self, day: date, path: str) -> None:
        """代履行 of an obstruction a 责令限期改正 decision ordered removed (or, for ENF-01, a 划拨)."""
        w, rng, world = self.w, self.rng, self.world
        party = self._party("construction")
        thing, method, violation = choice(rng, kc.OBSTRUCTIONS)
        obj = thing.format(n=rint(rng, 5, 40))
        served_on = world.wd.back(day - timedelta(days=rint(rng, 8, 20)))
        order_no = f"{self.agency.spec.short}责改字〔{served_on.year}〕第{rint(rng, 100, 999):04d}号"
        w.add(day, 9 * 60, "CoercionOpened", {
            "agency": self.agency.stream, "purpose": "enforcement", "party": party,
            "summary": f"当事人{violation}，经责令限期改正逾期未改正", "handlers": list(self.officers),
            "decision": {"document_no": order_no, "served_on": served_on.isoformat()}})
        due = world.wd.add(day, rint(rng, 3, 5))
        w.add(day, 11 * 60, "PerformanceDemanded", {
            "obligation": "remove", "decision_no": order_no, "due": due.isoformat(),
            "performance_method": f"自行{method}{obj}", "rights_told": True, "purpose": "agency_enforcement",
            "document": w.doc("履行催告书"), "method": "in_person", "served_at": ...,
            "receipt": w.doc("催告书送达回证")})
        decided = world.wd.add(due, rint(rng, 1, 3))
        if path == "enforcement":
            self._no_power(decided, order_no)
            return
        notice_wd = world.config.enforcement.substitute_notice_wd
        carried = world.wd.add(decided, notice_wd + (0 if self.name == "substitute_too_early" else rint(rng, 1, 3)))
        if self.name == "holiday_enforcement":
            carried = world.wd.add(decided, notice_wd + 1) + DAY
            while world.calendar.is_working_day(carried) is not False:
                carried += DAY
        budget = rint(rng, 10, 60) * 10_000
        performer = choice(rng, kc.PERFORMERS)
        w.add(decided, 10 * 60, "SubstituteDecisionServed", {
            "document_no": self._no("代"), "decision_no": order_no, "reason": "当事人经催告逾期未履行，已危害交通安全",
            "basis": [_LAW_50, basis_rows(((kc.ROADS_REGULATION, 27, None, 1),))[0]], "substitute_method": method,
            "scheduled_at": stamp(carried, 9 * 60), "object": obj, "cost_budget_fen": budget,
            "performer": performer, "harm": "traffic_safety", "sealed_by": self.agency.stream,
            "document": w.doc("代履行决定书"), "served_at": ..., "receipt": w.doc("代履行决定书送达回证")},
            by=self.head)
        w.add(decided, 10 * 60 + 5, "PerformanceDemanded", {
            "obligation": "remove", "decision_no": order_no, "due": (carried - DAY).isoformat(),
            "performance_method": f"代履行前自行{method}", "rights_told": True, "purpose": "substitute_prior",
            "document": w.doc("代履行前催告书"), "method": "in_person", "served_at": ...,
            "receipt": w.doc("代履行前催告书送达回证")})
        w.add(carried, 9 * 60, "EnforcementCarriedOut", {
            "enforcement_method": "substitute", "decision_no": self._no("代"), "officers": list(self.officers),
            "credentials_shown": True, "place": obj, "started_at": stamp(carried, 9 * 60),
            "ended_at": stamp(carried, 11 * 60 + 30), "performer": performer, "party_present": True,
            "witness": [{"name": person_name(rng), "signed": True}], "record": w.doc("代履行执行笔录"),
            "signatures": {"officers": True, "performer": True, "party": rng.random() < 0.6, "witness": True},
            "av": [w.doc("代履行全过程视频", "video")], "result": "done"})
        assessed = world.wd.add(carried, rint(rng, 1, 3))
        w.add(assessed, 10 * 60, "SubstituteCostAssessed", {
            "amount_fen": budget - rint(rng, 0, 5) * 10_000, "basis": ["清运车辆台班", "装卸人工", "消纳费"],
            "document": w.doc("代履行费用确定书"), "served_at": ...})
        self._publish_substitute(decided, assessed, party)

    def _publish_substitute(self, decided: date, after: date, party: Raw) -> None:
        w, world, rng = self.w, self.world, self.rng
        due = world.due(decided, world.config.publication.other_decision_wd)
        show = max(after, min(world.wd.add(after, rint(rng, 1, 3)), due))
        number = self._no("代")
        w.add(show, 9 * 60, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": number,
            "text": f"{number}：{masked(party)}经催告未履行责令清除的义务，"
                    f"{self.agency.spec.name}依法代履行，已执行完毕。"})
        self._close(show, "代履行已完毕，费用已确定，办结")

    def _no_power(self, decided: date, order_no: str) -> None:
        """The ENF-01 defect: the 城管 decides a 划拨 of the party's deposit itself (第47条: a law must name it)."""
        w, world = self.w, self.world
        scheduled = world.wd.add(decided, 3)
        w.add(decided, 10 * 60, "EnforcementDecided", {
            "document_no": self._no("执"), "decision_no": order_no, "reason": "当事人逾期不缴纳罚款",
            "basis": basis_rows(((kc.COERCION_LAW, 47, None, None),)), "enforcement_method": "account_transfer",
            "scheduled_at": stamp(scheduled, 10 * 60), "remedies": world.remedies(self.agency),
            "approved_by": self.head, "sealed_by": self.agency.stream, "document": w.doc("强制执行决定书")},
            by=self.head)
        w.add(decided, 15 * 60, "DecisionServed", {"method": "in_person", "served_at": ...,
                                                   "receipt": w.doc("强制执行决定书送达回证"),
                                                   "document_no": self._no("执")})
        shown = world.wd.add(decided, rint(self.rng, 1, 3))
        w.add(shown, 9 * 60, "DecisionPublished", {
            "published_at": ..., "channel": kc.CHANNEL, "document_no": self._no("执"),
            "text": f"{self._no('执')}：{self.agency.spec.name}对{masked(w.steps[0]['data']['party'])}"
                    "作出强制执行决定。"})
        self._close(scheduled, "强制执行决定已作出")
