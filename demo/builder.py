"""Turns a planned case into steps (docs/spec/steps.md shapes, as in examples/) and its written
documents into files."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from demo import catalogue as cat
from demo.documents import one_page_pdf
from demo.draw import basis_rows, choice, cited_article, firm, mobile, person_name, resident_id, rint, rmb, stamp
from demo.model import CaseFacts, DemoFile, Raw
from demo.plans import Slot
from demo.specs import Spec, fine_of
from domain.config import Config

_MEDIA: Final = {"video": ("video/mp4", 8_000_000, 90_000_000), "image": ("image/jpeg", 200_000, 3_000_000),
                 "pdf": ("application/pdf", 20_000, 900_000)}


class Docs:
    """Content-addressed document references, stable per case and document key.

    A written document (``pdf``) is a real one-page PDF (``demo.documents``) whose
    SHA-256 the reference cites; ``files`` keeps its bytes for the document store. Images and
    AV records stay references only (the file library says 未上传)."""

    def __init__(self, stream: str, agency: str = "", agency_name: str = "") -> None:
        self.stream = stream
        self.agency = agency
        self.agency_name = agency_name
        self.cache: dict[str, Raw] = {}
        self.files: dict[str, DemoFile] = {}

    def __call__(self, name: str, kind: str = "pdf", key: str | None = None) -> Raw:
        key = key or name
        found = self.cache.get(key)
        if found is None:
            media, low, high = _MEDIA[kind]
            if kind == "pdf":
                number = self.stream.split("/", 1)[-1]
                content = one_page_pdf(name, [f"案号：{number}", f"执法机关：{self.agency_name}",
                                              f"文书：{name}" + ("" if key == name else f"（{key}）"),
                                              "本文件由演示数据生成，仅为示意，不具法律效力。"])
                digest = hashlib.sha256(content).hexdigest()
                self.files[digest] = DemoFile(digest, self.agency, media, content)
                size = len(content)
            else:
                digest = hashlib.sha256(f"demo|{self.stream}|{key}".encode()).hexdigest()
                size = low + int(digest[:8], 16) % (high - low)
            found = {"sha256": digest, "bytes": size, "media_type": media, "name": name}
            self.cache[key] = found
        return dict(found)  # a step's data is its own, even where two steps cite one file


@dataclass
class Built:
    stream: str
    number: str
    serial: int
    year: int
    spec: Spec
    slots: list[Slot]
    party: Raw
    handlers: list[str]
    steps: list[Raw]
    document_no: str | None
    served_at: str | None
    published: bool
    last_day: date
    facts: CaseFacts | None = None
    """A streamed demo's case: its ``steps`` are then handed to the sink and emptied, and ``slots`` keeps
    only the last one."""


class Builder:
    """Turns a planned case into steps (docs/spec/steps.md shapes, as in examples/)."""

    def __init__(self, spec: Spec, slots: list[Slot], plan: list[Slot], number: str, serial: int, year: int,
                 config: Config) -> None:
        self.spec = spec
        self.slots = slots
        self.plan = plan
        """The whole plan, beyond ``as_of`` too (a hearing notice names the hearing's time)."""
        self.config = config
        self.number = number
        self.serial = serial
        self.year = year
        self.stream = f"case/{number}"
        self.rng = random.Random(spec.seed + "/content")
        self.doc = Docs(self.stream, spec.agency.stream, spec.agency.spec.name)
        self.agency = spec.agency
        self.item = spec.item
        self.name = spec.defect.name if spec.defect else ""
        heads = self.agency.heads
        self.head, self.deputy = heads[0].id, heads[1].id
        self.party = self._party()
        officer_days = [s.day for s in slots if s.label in ("inspect", "inquiry", "preserve", "summary_decision")]
        self.handlers = self._handlers(officer_days or [slots[0].day])
        self.by = self.handlers[0]
        self.evidence: list[str] = []
        self.evidence_proves: dict[str, list[str]] = {}
        self.facts: list[Raw] = []
        short = self.agency.spec.short
        self.document_no = (f"{short}不罚决字〔{year}〕第{serial:04d}号" if spec.outcome != "penalty"
                            else f"{short}罚决字〔{year}〕第{serial:04d}号")
        if spec.procedure == "summary":
            self.document_no = f"{short}简罚〔{year}〕{serial:04d}"
        self.source_kind, self.source_summary = choice(self.rng, spec.item.sources)
        self.violation = choice(self.rng, spec.item.violations)

    # -- people ---------------------------------------------------------------------

    def _party(self) -> Raw:
        rng = self.rng
        first = self.slots[0].day
        if self.spec.party_kind == "person":
            male = rng.random() < 0.6
            if self.name == "minor_party":
                born = first - timedelta(days=365 * 13 + rint(rng, -150, 100))
            else:
                born = date(rint(rng, 1962, 2003), rint(rng, 1, 12), rint(rng, 1, 28))
            serial = rint(rng, 0, 499) * 2 + (1 if male else 0)
            region = choice(rng, cat.WUHAN_REGIONS)
            party: Raw = {"kind": "person", "name": person_name(rng, male),
                          "id_number": resident_id(region, born, serial),
                          "address": f"{cat.DISTRICT}{choice(rng, cat.ESTATES)}{rint(rng, 1, 40)}栋"
                                     f"{rint(rng, 1, 4)}单元{rint(rng, 1, 30)}0{rint(rng, 1, 4)}室",
                          "phone": mobile(rng),
                          "birth_date": born.isoformat()}
            return party
        return firm(rng, self.item.industry, with_phone=self.name == "unmasked_publication")

    def _handlers(self, days: list[date]) -> list[str]:
        wanted = max(2, self.config.officers.minimum)
        valid = [o for o in self.agency.field_officers if all(o.valid_on(d) for d in days)]
        if len(valid) < wanted:
            valid += [o for o in self.agency.heads if all(o.valid_on(d) for d in days)]
        chosen = [o.id for o in self.rng.sample(valid, wanted)]
        if self.name == "expired_credential" and self.spec.lapsed is not None:
            chosen[-1] = self.spec.lapsed.id
        return chosen

    @property
    def reviewer(self) -> str:
        pool = [o for o in self.agency.reviewers if o.qualified != (self.name == "unqualified_reviewer")]
        return pool[self.serial % len(pool)].id

    @property
    def interviewee(self) -> Raw:
        if self.party["kind"] == "person":
            return {"kind": "person", "name": self.party["name"], "role": "party",
                    "id_number": self.party["id_number"]}
        return {"kind": "person", "name": self.party["legal_representative"], "role": "legal_representative"}

    @property
    def place(self) -> str:
        if self.party["kind"] == "organisation":
            return str(self.party["address"])
        roads = self.rng.sample(cat.ROADS, 2)
        return f"{cat.DISTRICT}{roads[0]}与{roads[1]}交叉口"

    @property
    def remedies(self) -> Raw:
        return {"reconsideration_bodies": list(self.agency.spec.reconsideration_bodies),
                "reconsideration_days": self.config.reconsideration.application_nd, "court": cat.COURT,
                "litigation_months": self.config.litigation.filing_months}

    # -- steps ----------------------------------------------------------------------

    def step(self, slot: Slot, step_type: str, data: Raw, by: str | None = None) -> Raw:
        return {"stream": self.stream, "type": step_type, "at": stamp(slot.day, slot.minute), "by": by or self.by,
                "data": data}

    def build(self) -> list[Raw]:
        out = []
        for index, slot in enumerate(self.slots):
            made = getattr(self, "_" + slot.label)(slot, index)
            out.append(made)
        return out

    def _source(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "CaseSourceRecorded", {
            "source": self.source_kind, "received_at": stamp(slot.day, slot.minute), "summary": self.source_summary})

    def _register(self, slot: Slot, _: int) -> Raw:
        first = self.slots[0].day
        if self.spec.procedure == "summary":
            violation = {"summary": self.violation, "started_on": first.isoformat(), "ended_on": first.isoformat(),
                         "discovered_on": first.isoformat()}
        elif self.name == "limitation_expired":
            ended = first - timedelta(days=365 * 2 + rint(self.rng, 40, 200))
            began = ended - timedelta(days=rint(self.rng, 10, 90))
            violation = {"summary": self.violation, "started_on": began.isoformat(),
                         "ended_on": ended.isoformat(), "discovered_on": first.isoformat()}
        else:
            violation = {"summary": self.violation,
                         "started_on": (first - timedelta(days=rint(self.rng, 0, 40))).isoformat(),
                         "ended_on": first.isoformat(), "discovered_on": first.isoformat()}
        procedure = "summary" if self.spec.procedure == "summary" else "general"
        data: Raw = {"agency": self.agency.stream, "procedure": procedure, "item": self.item.code,
                     "party": self.party, "violation": violation, "handlers": self.handlers}
        if self.spec.procedure != "summary":
            data["approved_by"] = self.head
            data["document"] = self.doc("立案审批表")
        return self.step(slot, "CaseRegistered", data)

    def _officers_for(self, slot: Slot) -> list[str]:
        if self.name == "one_officer" and slot.label == "inspect":
            return self.handlers[:1]
        return list(self.handlers)

    def _inspect(self, slot: Slot, _: int) -> Raw:
        record = self.doc("现场检查笔录", key="inspection")
        end = slot.minute + 30 + rint(self.rng, 0, 20)  # evidence is logged at +52
        return self.step(slot, "InspectionRecorded", {
            "officers": self._officers_for(slot), "credentials_shown": True, "place": self.place,
            "started_at": stamp(slot.day, slot.minute), "ended_at": stamp(slot.day, end), "record": record,
            "av": [self.doc("执法记录仪视频", "video", key="av")]})

    def _evidence(self, slot: Slot, kind: str, source: str, file: Raw, proves: str, **extra: Any) -> Raw:
        ident = f"E{len(self.evidence) + 1}"
        self.evidence.append(ident)
        data: Raw = {"evidence_id": ident, "kind": kind, "source": source, "collected_by": list(self.handlers),
                     "file": file, "proves": [proves], **extra}
        self.evidence_proves.setdefault(proves, []).append(ident)
        return self.step(slot, "EvidenceCollected", data)

    def _ev_record(self, slot: Slot, _: int) -> Raw:
        return self._evidence(slot, "inspection_record", "现场检查", self.doc("现场检查笔录", key="inspection"), "F1")

    def _ev_av(self, slot: Slot, _: int) -> Raw:
        return self._evidence(slot, "audiovisual", "执法记录仪", self.doc("执法记录仪视频", "video", key="av"), "F1")

    def _ev_id(self, slot: Slot, _: int) -> Raw:
        if self.party["kind"] == "organisation":
            name, source = "营业执照复印件", "当事人提供"
        else:
            name, source = "居民身份证复印件", "当事人提供"
        return self._evidence(slot, "documentary", source, self.doc(name), "F2", identifies_party=True)

    def _ev_expert(self, slot: Slot, _: int) -> Raw:
        name = self.item.expert or "检测报告"
        return self._evidence(slot, "expert_opinion", "具备资质的检测机构", self.doc(name), "F1")

    def _ev_fix(self, slot: Slot, _: int) -> Raw:
        return self._evidence(slot, "documentary", "当事人提供", self.doc("整改照片及说明", "image"), "F1")

    def _inquiry(self, slot: Slot, _: int) -> Raw:
        end = slot.minute + 35 + rint(self.rng, 0, 25)  # the ID copy is logged at +65
        data: Raw = {"officers": list(self.handlers), "credentials_shown": self.name != "credentials_not_shown",
                     "interviewee": self.interviewee, "started_at": stamp(slot.day, slot.minute),
                     "ended_at": stamp(slot.day, end), "record": self.doc("询问笔录", key="inquiry")}
        if self.rng.random() < 0.95:
            data["signed_by_interviewee"] = True
        else:
            data["refusal_noted"] = True
        return self.step(slot, "InquiryRecorded", data)

    def _facts(self) -> list[Raw]:
        if not self.facts:
            proves = self.evidence_proves
            self.facts = [{"id": "F1", "text": self.item.fact, "evidence": list(proves.get("F1", []))},
                          {"id": "F2", "text": "当事人主体资格", "evidence": list(proves.get("F2", []))}]
        return self.facts

    def _proposed(self, penalties: list[Raw]) -> Raw:
        if self.spec.procedure == "transfer":
            return {"outcome": "transfer", "penalties": [],
                    "basis": [{"law": cat.PENALTY_LAW, "article": 27, "clause": 1, "item": None}]}
        if self.spec.outcome != "penalty":
            return {"outcome": self.spec.outcome, "penalties": [], "basis": self._no_penalty_basis()}
        return {"outcome": "penalty", "penalties": [dict(p) for p in penalties],
                "basis": basis_rows(self.item.sanction)}

    def _no_penalty_basis(self) -> list[Raw]:
        clause = 1
        return [{"law": cat.PENALTY_LAW, "article": 33, "clause": clause, "item": None}, *basis_rows(self.item.basis)]

    def _conclude(self, slot: Slot, _: int) -> Raw:
        report = "涉嫌犯罪案件移送报告" if self.spec.procedure == "transfer" else "案件调查终结报告"
        circumstance = "严重" if self.spec.procedure == "transfer" else (
            "轻微" if self.spec.outcome != "penalty" else self.spec.circumstance)
        return self.step(slot, "InvestigationConcluded", {
            "report": self.doc(report, key="report"), "facts": self._facts(),
            "proposed": self._proposed(self.spec.proposed), "circumstance": circumstance})

    def _notice(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "PenaltyNoticeServed", {
            "proposed": self._proposed(self.spec.proposed), "facts": self._facts(),
            "rights": {"statement": True, "hearing": self.spec.hearing_right}, "method": "in_person",
            "served_at": stamp(slot.day, slot.minute), "document": self.doc("行政处罚事先告知书"),
            "receipt": self.doc("事先告知书送达回证")})

    def _waiver(self, slot: Slot, _: int) -> Raw:
        rights = ["statement", "hearing"] if self.spec.hearing_right else ["statement"]
        return self.step(slot, "RightsWaived", {"rights": rights,
                                                "document": self.doc("放弃陈述申辩（听证）权利声明书")})

    def _statement(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "StatementSubmitted", {"content": self.doc("陈述申辩材料")})

    def _statement_review(self, slot: Slot, _: int) -> Raw:
        point, reason = choice(self.rng, cat.STATEMENT_POINTS)
        if self.spec.adopted:
            return self.step(slot, "StatementReviewed", {"adopted": ["当事人积极整改、主动消除违法后果，依法从轻处罚"],
                                                         "rejected": []})
        return self.step(slot, "StatementReviewed", {"adopted": [], "rejected": [{"point": point, "reason": reason}]})

    def _hearing_request(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "HearingRequested", {"requested_at": stamp(slot.day, slot.minute)})

    def _hearing_notice(self, slot: Slot, index: int) -> Raw:
        hearing = next(s for s in self.plan[index:] if s.label == "hearing")
        return self.step(slot, "HearingNoticeServed", {
            "served_at": stamp(slot.day, slot.minute), "hearing_at": stamp(hearing.day, hearing.minute),
            "place": f"{self.agency.spec.name}听证室", "document": self.doc("听证通知书"),
            "receipt": self.doc("听证通知书送达回证")})

    def _hearing(self, slot: Slot, _: int) -> Raw:
        data: Raw = {"presider": self.deputy, "record": self.doc("听证笔录"), "report": self.doc("听证报告"),
                     "public": True}
        if self.rng.random() < 0.4:
            data["agents"] = [person_name(self.rng)]
        return self.step(slot, "HearingHeld", data, by=self.deputy)

    def _review_request(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "LegalReviewRequested", {"materials": [self.doc("法制审核送审材料")]})

    def _review(self, slot: Slot, _: int) -> Raw:
        reviewer = self.reviewer
        opinions = {k: "ok" for k in ("subject", "competence", "officers", "procedure", "facts", "evidence", "law",
                                      "discretion", "documents", "crime_transfer")}
        return self.step(slot, "LegalReviewCompleted", {"reviewer": reviewer, "outcome": "approved",
                                                        "opinions": opinions,
                                                        "document": self.doc("法制审核意见书")}, by=reviewer)

    def _discussion(self, slot: Slot, _: int) -> Raw:
        heads = [o.id for o in self.agency.heads]
        return self.step(slot, "CollectiveDiscussionHeld", {
            "attendees": heads, "conclusion": f"同意对当事人{self._penalty_words(self.spec.decided)}",
            "record": self.doc("集体讨论记录")}, by=self.head)

    def _penalty_words(self, penalties: Sequence[Raw]) -> str:
        words = []
        for p in penalties:
            if p["type"] == "warning":
                words.append("给予警告")
            elif p["type"] == "fine":
                words.append(f"处罚款{rmb(p['amount_fen'])}")
            elif p["type"] == "confiscation":
                words.append(f"没收违法所得{rmb(p['amount_fen'])}")
        return "，".join(words) or "不予行政处罚"

    def _decision(self, slot: Slot, _: int) -> Raw:
        spec = self.spec
        data: Raw = {"outcome": spec.outcome, "penalties": [dict(p) for p in spec.decided],
                     "correction_ordered": True}
        if spec.outcome == "penalty":
            data["basis"] = basis_rows(self.item.sanction)
        else:
            data["basis"] = self._no_penalty_basis()
        data.update(document_no=self.document_no,
                    sealed_by=f"agency/{cat.JUSTICE.code}" if self.name == "wrong_seal" else self.agency.stream,
                    approved_by=self.head, approval_form=self.doc(
                        "行政处罚决定审批表" if spec.outcome == "penalty" else "不予行政处罚决定审批表"),
                    remedies=self.remedies)
        payable = bool(fine_of(spec.decided)) or any(p["type"] == "confiscation" for p in spec.decided)
        if payable:
            data["payment_due_days"] = self.config.payment.due_nd
        data["surcharge_told"] = payable
        if spec.outcome != "penalty":
            grounds = (list(cat.NO_PENALTY_CONDITIONS) if spec.outcome == "no_penalty_first_violation"
                       else ["违法行为轻微", "及时改正", "没有造成危害后果"])
            data["no_penalty_grounds"] = grounds
        data["document"] = self.doc("行政处罚决定书" if spec.outcome == "penalty" else "不予行政处罚决定书",
                                    key="decision")
        return self.step(slot, "DecisionMade", data, by=self.head)

    def _education(self, slot: Slot, _: int) -> Raw:
        method = choice(self.rng, ("批评教育", "行政指导"))
        return self.step(slot, "EducationGiven", {"method": method, "document": self.doc(f"{method}记录")})

    def _served(self, slot: Slot, _: int) -> Raw:
        if self.spec.procedure == "summary":
            data: Raw = {"method": "in_person", "served_at": stamp(slot.day, slot.minute),
                         "receipt": self.doc("当场处罚决定书签收")}
            return self.step(slot, "DecisionServed", data)
        method = "mail" if self.name == "late_service" else self.spec.service
        data = {"method": method, "served_at": stamp(slot.day, slot.minute), "receipt": self.doc("送达回证")}
        if method == "electronic":
            data["consent"] = self.doc("送达地址确认书（同意电子送达）")
        return self.step(slot, "DecisionServed", data)

    def _published(self, slot: Slot, _: int) -> Raw:
        party = self.party
        law, article = self.item.basis[0][0], cited_article(self.item.basis[0])
        s_law, s_article = self.item.sanction[0][0], cited_article(self.item.sanction[0])
        if party["kind"] == "organisation":
            who = f"{party['name']}（统一社会信用代码{party['credit_code']}）"
            if self.name == "unmasked_publication":
                who += f"（法定代表人{party['legal_representative']}，联系电话{party['phone']}）"
        elif self.name == "unmasked_publication":
            who = f"{party['name']}（身份证号码{party['id_number']}）"
        else:
            who = f"{party['name'][0]}某某"
        text = (f"{self.document_no}：{who}{self.violation}，违反了《{law}》{article}的规定。"
                f"{self.agency.spec.name}依据《{s_law}》{s_article}，决定{self._penalty_words(self.spec.decided)}，"
                "并责令改正。")
        return self.step(slot, "DecisionPublished", {"published_at": stamp(slot.day, slot.minute),
                                                     "channel": cat.PORTAL, "text": text})

    def _payable(self) -> int:
        return sum(p.get("amount_fen", 0) for p in self.spec.decided if p["type"] in ("fine", "confiscation"))

    def _paid(self, slot: Slot, _: int) -> Raw:
        channel = self.spec.payment or "bank"
        receipt = (f"鄂财罚字No.{self.serial:04d}{rint(self.rng, 0, 9999):04d}" if channel == "on_the_spot"
                   else f"420102{self.year % 100:02d}{rint(self.rng, 0, 99_999_999):08d}")
        return self.step(slot, "PaymentRecorded", {"amount_fen": self._payable(),
                                                   "paid_at": stamp(slot.day, slot.minute),
                                                   "channel": channel, "receipt_no": receipt})

    def _cash(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "CashHandedOver", {"amount_fen": self._payable(),
                                                  "handed_over_at": stamp(slot.day, 9 * 60),
                                                  "deposited_at": stamp(slot.day, slot.minute)})

    def _demand(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "PaymentDemanded", {"served_at": stamp(slot.day, slot.minute),
                                                   "document": self.doc("催告书")})

    def _court(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "CourtEnforcementApplied", {"court": cat.COURT,
                                                           "applied_at": stamp(slot.day, slot.minute)})

    def _closed(self, slot: Slot, _: int) -> Raw:
        summaries = {"summary": "当场处罚，已备案", "no_penalty": "不予处罚，已教育，结案",
                     "transfer": "已移送公安机关，结案", "general": "处罚决定已履行完毕，结案"}
        data: Raw = {"approved_by": self.head, "summary": summaries[self.spec.procedure]}
        if self.spec.procedure == "summary" and not self.spec.payment:
            data["summary"] = "当场警告，已备案"
        if self.spec.procedure != "summary":
            data["report"] = self.doc("结案报告")
        return self.step(slot, "CaseClosed", data)

    def _archived(self, slot: Slot, _: int) -> Raw:
        kept = self.config.retention
        retention = {"general": kept.general_penalty, "transfer": kept.transfer, "summary": kept.summary,
                     "no_penalty": kept.no_penalty}[self.spec.procedure]
        return self.step(slot, "CaseArchived", {"archive_no": f"{slot.day.year}-{self.serial:04d}",
                                                "retention": retention})

    def _preserve(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "EvidencePreserved", {
            "officers": list(self.handlers), "approved_by": self.head,
            "approved_at": stamp(slot.day, slot.minute - 10), "items": [choice(self.rng,
                ("渣土运输车辆行车记录仪存储卡1张", "涉案车辆1辆", "废机油桶32个", "危险废物转移记录台账1本"))],
            "list_served_at": stamp(slot.day, slot.minute + 10),
            "document": self.doc("先行登记保存证据通知书及清单")})

    def _transfer_decided(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "TransferDecided", {
            "decided_by": self.head, "transfer": True, "reason": f"{self.item.crime or '涉嫌犯罪'}，依法移送公安机关",
            "report": self.doc("涉嫌犯罪案件移送审批表")}, by=self.head)

    def _transferred(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "TransferredToJudicialOrgan", {
            "organ": cat.POLICE, "transferred_at": stamp(slot.day, slot.minute),
            "materials": [self.doc("涉嫌犯罪案件移送书"), self.doc("涉嫌犯罪案件移送报告", key="report"),
                          self.doc("涉案物品清单"), self.doc(self.item.expert or "检验报告")]})

    def _resolved(self, slot: Slot, _: int) -> Raw:
        return self.step(slot, "PreservationResolved", {"disposition": "transferred",
                                                        "document": self.doc("先行登记保存物品处理决定书")})

    def _summary_decision(self, slot: Slot, _: int) -> Raw:
        basis = basis_rows(self.item.basis + self.item.sanction)
        data: Raw = {"officers": list(self.handlers), "credentials_shown": True,
                     "rights_told": self.name != "summary_rights_not_told"}
        if self.rng.random() < 0.6:
            data["statement"] = choice(self.rng, ("对违法事实无异议", "认识到错误，愿意接受处罚", "表示以后注意"))
        data.update(penalties=[dict(p) for p in self.spec.decided], correction_ordered=True, basis=basis,
                    form_no=self.document_no, place=self.place, sealed_by=self.agency.stream,
                    remedies=self.remedies, surcharge_told=bool(fine_of(self.spec.decided)),
                    document=self.doc("当场行政处罚决定书"))
        return self.step(slot, "SummaryDecisionMade", data)
