"""The accumulator of the case-file fold: what the steps gathered so far, and the deadlines they make.

:mod:`projections.casefile.fold` fills a :class:`CaseFold` step by step (its ``HANDLERS``); once
every step is read, :meth:`CaseFold.deadlines` counts the time limits from what was gathered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.calendar import DEFAULT_CALENDAR, SHANGHAI, WorkingCalendar
from domain.calendar import Deadline as DueDate
from domain.casestate import CaseState
from domain.config import Config, effective_regime
from domain.extensions import ExtendedPeriod, Extension, extend_period
from domain.reading import text_of
from domain.shapes import Party
from projections.casefile.model import (
    PROGRESS,
    Deadline,
    DecisionInfo,
    Document,
    LawsuitFile,
    LegalReviewInfo,
    Publication,
    ReviewFile,
    TimelineEntry,
)
from projections.casefile.periods import period
from projections.casefile.reading import day_of, first_after, time_of

Marks = dict[str, list[tuple[int, date | None]]]


@dataclass(slots=True)
class CaseFold:
    """What the fold of one case stream has gathered; the deadlines are its methods."""

    stream: str
    state: CaseState
    config: Config
    calendar: WorkingCalendar
    reviews: tuple[ReviewFile, ...]
    lawsuits: tuple[LawsuitFile, ...]
    timeline: list[TimelineEntry] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    people: list[Party] = field(default_factory=list)
    backfilled: int = 0
    overridden: int = 0
    status: str = "source"
    party: Party | None = None
    violation: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] | None = None
    registered_at: datetime | None = None
    decision: DecisionInfo | None = None
    payment_due_days: int | None = None
    transferred_at: datetime | None = None
    served_at: datetime | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    archive_no: str | None = None
    retention: str | None = None
    paid: int = 0
    payments: list[tuple[int, date | None]] = field(default_factory=list)
    """(total paid so far, the day) after each payment."""
    on_the_spot: list[tuple[int, date | None]] = field(default_factory=list)
    cash: list[tuple[int, date | None, date | None]] = field(default_factory=list)
    deferred_until: date | None = None
    extensions: list[Extension] = field(default_factory=list)
    preserved: list[tuple[int, date | None]] = field(default_factory=list)
    marks: Marks = field(default_factory=dict)
    """(position, date) of the steps deadlines wait for, by step type."""
    publications: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[Mapping[str, Any]] = field(default_factory=list)
    corrections_requested: list[tuple[int, int, date | None]] = field(default_factory=list)
    suppressions: list[str] = field(default_factory=list)
    legal_reviews: list[LegalReviewInfo] = field(default_factory=list)
    review_requested: datetime | None = None
    agency: str | None = None
    decided_on: date | None = None
    served_on: date | None = None
    _out: list[Deadline] = field(default_factory=list)

    # ------------------------------------------------------------------ gathering

    def mark(self, kind: str, position: int, day: date | None) -> None:
        self.marks.setdefault(kind, []).append((position, day))

    def advance(self, new: str) -> None:
        """Status only moves forward (a late backfilled step does not reopen a closed case)."""
        if PROGRESS[new] >= PROGRESS[self.status]:
            self.status = new

    def latest_open_publication(self) -> dict[str, Any] | None:
        return next((p for p in reversed(self.publications) if p["withdrawn"] is None), None)

    def first(self, kind: str) -> date | None:
        found = self.marks.get(kind)
        return found[0][1] if found else None

    def close(self, agency: str | None) -> None:
        """Every step read: the agency, and the days the deadlines count from."""
        self.agency = agency
        self.decided_on = self.decision.at.astimezone(SHANGHAI).date() if self.decision is not None else None
        self.served_on = self.served_at.astimezone(SHANGHAI).date() if self.served_at is not None else None

    def paid_on(self, fine_fen: int) -> date | None:
        """The day the payments reached ``fine_fen``, if they did."""
        return next((d for total, d in self.payments if total >= fine_fen), None)

    def decision_limit(self) -> ExtendedPeriod | None:
        """PEN-23's period (普通程序, from 立案) with the extensions approved while it ran."""
        start = self.first("CaseRegistered")
        if self.state.procedure != "general" or start is None:
            return None
        calendar = self.calendar
        return extend_period(lambda n: period(calendar, start, n, "ND"), self.config.decision.limit_nd,
                             self.extensions)

    def folded_publications(self) -> tuple[Publication, ...]:
        return tuple(_publication(p, self.decided_on, self.config) for p in self.publications)

    # ------------------------------------------------------------------ deadlines

    def _add(self, key: str, rule: str, title: str, start: date | None, n: int, unit: str, done: date | None,
             *, roll: bool = True, holder: str = "agency") -> None:
        """The deadline of ``n`` units from ``start`` (none without a start), added to the file."""
        if start is None:
            return
        self._out.append(Deadline(self.stream, key, rule, title, start,
                                  period(self.calendar, start, n, unit, roll), done, self.agency, holder))

    def deadlines(self, limit: ExtendedPeriod | None, publications: tuple[Publication, ...]
                  ) -> tuple[Deadline, ...]:
        """Every deadline of the case, in a fixed order (the file's and the tables')."""
        self._out = []
        self._registration_deadlines(limit.days - limit.base if limit else 0)
        self._payment_deadlines()
        self._publication_deadlines(publications)
        self._notice_windows()
        self._remedy_windows()
        closed = self.first("CaseClosed")
        if closed is not None:
            self._add("EVAL-07", "EVAL-07", "结案后归档", closed, self.config.evaluation.archive_nd, "ND",
                      self.first("CaseArchived"))
        return tuple(self._out)

    def _registration_deadlines(self, extensions: int) -> None:
        """PEN-03 (立案), PEN-08 (先行登记保存), PEN-23 (办案期限), PEN-42 (移送)."""
        config, marks = self.config, self.marks
        registered = self.first("CaseRegistered")
        source_marks = marks.get("CaseSourceRecorded")
        if source_marks:
            self._add("PEN-03", "PEN-03", "及时立案", source_marks[0][1], config.registration.within_wd, "WD",
                      registered)
        for position, day in self.preserved:
            self._add(f"PEN-08@{position + 1}", "PEN-08", "先行登记保存处理决定", day, config.preservation.resolve_wd,
                      "WD", first_after(marks.get("PreservationResolved", []), position))
        transfer_report = self.first("TransferReport")
        transfer_decided = self.first("TransferDecided")
        if self.state.procedure == "general" and registered is not None:
            self._add("PEN-23", "PEN-23", "作出处理决定（立案之日起）", registered,
                      config.decision.limit_nd + extensions, "ND", self.decided_on or transfer_decided)
        if transfer_report is not None:
            self._add("PEN-42@decide", "PEN-42", "移送决定（收到移送报告后）", transfer_report,
                      config.transfer.decide_days, "ND", transfer_decided, roll=False)
        approved = marks.get("TransferApproved", [])
        if approved:
            hours = config.transfer.transfer_hours
            self._add("PEN-42@transfer", "PEN-42", "移送公安机关（批准后）", approved[-1][1], max(1, -(-hours // 24)),
                      "ND", self.first("TransferredToJudicialOrgan"), roll=False)

    def _payment_deadlines(self) -> None:
        """PEN-24 (送达), PEN-25 (缴纳罚款), PEN-26 (当场收缴)."""
        config, decision, served_on = self.config, self.decision, self.served_on
        if decision is not None and decision.type == "DecisionMade":
            self._add("PEN-24", "PEN-24", "送达行政处罚决定书", self.decided_on, config.decision.service_wd, "WD",
                      served_on)
        if decision is not None and decision.fine_fen > 0 and served_on is not None:
            paid_on = self.paid_on(decision.fine_fen)
            if self.deferred_until is not None:
                self._out.append(Deadline(self.stream, "PEN-25", "PEN-25", "缴纳罚款（暂缓或分期至）", served_on,
                                          DueDate(self.deferred_until), paid_on, self.agency))
            else:
                self._add("PEN-25", "PEN-25", "缴纳罚款（收到决定书之日起）", served_on,
                          self.payment_due_days or config.payment.due_nd, "ND", paid_on)
        for position, day in self.on_the_spot:
            handed = next((c for c in self.cash if c[0] > position), None)
            handed_on, deposited_on = (handed[1], handed[2]) if handed is not None else (None, None)
            self._add(f"PEN-26@hand-{position + 1}", "PEN-26", "当场收缴罚款交至行政机关", day,
                      config.payment.cash_handover_wd, "WD", handed_on)
            if handed_on is not None:
                self._add(f"PEN-26@bank-{position + 1}", "PEN-26", "罚款缴付指定银行", handed_on,
                          config.payment.cash_deposit_wd, "WD", deposited_on)

    def _publication_deadlines(self, publications: tuple[Publication, ...]) -> None:
        """PEN-40 (公开), PEN-41 (撤下), PUB-05 (更正)."""
        config, decision, marks = self.config, self.decision, self.marks
        if decision is not None and _must_publish(self.state, decision, config):
            published = [p.published_at.astimezone(SHANGHAI).date() for p in publications]
            done = min([*published, *[d for _, d in marks.get("PublicationSuppressed", []) if d is not None]],
                       default=None)
            self._add("PEN-40", "PEN-40", "公开行政处罚决定", self.decided_on, config.publication.decision_wd, "WD",
                      done)
        starts = self._corrective_starts()
        if publications and starts:
            _, start, _ = min(starts, key=lambda c: (c[1] or date.max, c[0]))
            withdrawn = [p.withdrawal.withdrawn_at.astimezone(SHANGHAI).date() for p in publications
                         if p.withdrawal is not None]
            done = next((d for d in sorted(withdrawn) if start is None or d >= start), None)
            self._add("PEN-41", "PEN-41", "撤下已公开的决定信息并说明理由", start, config.publication.withdrawal_wd,
                      "WD", done)
        corrected_days = marks.get("PublicationCorrected", [])
        for position, version, day in self.corrections_requested:
            self._add(f"PUB-05@{version}", "PUB-05", "更正公开信息", day, config.publication.correction_wd, "WD",
                      first_after(corrected_days, position))

    def _corrective_starts(self) -> list[tuple[str, date | None, int]]:
        """When the decision was corrected: by the agency itself, else by a 复议 or a judgment (PEN-41)."""
        starts: list[tuple[str, date | None, int]] = []
        for c in self.corrections:
            clock = c["received_at"] if self.config.publication.withdrawal_clock == "received" else c["effective_at"]
            starts.append((f"v{c['version']}", day_of(clock or c["effective_at"]), int(c["position"])))
        if self.corrections:
            return starts
        for review in self.reviews:
            if review.corrective and review.decided_at is not None:
                when = review.served_at or review.decided_at
                starts.append((review.stream, when.astimezone(SHANGHAI).date(), -1))
        for suit in self.lawsuits:
            judgment = suit.judgment
            if judgment is not None and judgment.corrective and judgment.received_at is not None:
                starts.append((suit.stream, judgment.received_at.astimezone(SHANGHAI).date(), -1))
        return starts

    def _window(self, key: str, rule: str, title: str, start: date | None, n: int, unit: str, done: date | None,
                *, holder: str = "party", roll: bool = True) -> None:
        """A period the party holds (the agency must wait for it)."""
        self._add(key, rule, title, start, n, unit, done, roll=roll, holder=holder)

    def _notice_windows(self) -> None:
        """PEN-10 (陈述、申辩期) and PEN-13 (要求听证期限) of each 事先告知."""
        config, state = self.config, self.state
        requests = self.marks.get("HearingRequested", [])
        notices = state.notices
        for i, notice in enumerate(notices):
            # what the party did in answer to this notice: after it, before the next one
            until = notices[i + 1].position if i + 1 < len(notices) else state.length
            served = notice.served_at.astimezone(SHANGHAI).date()
            waived = [(w.at.astimezone(SHANGHAI).date(), w.rights) for w in state.waivers
                      if notice.position < w.position < until]
            days = config.statement.window_with_hearing_wd if notice.hearing_right else config.statement.window_wd
            # PEN-10: closed early only by a written waiver of what the notice told (the gate's rule:
            # with the hearing right told, of both rights; Q5: counted from service).
            needed = {"statement", "hearing"} if notice.hearing_right else {"statement"}
            seen: set[str] = set()
            closed = None
            for day, rights in sorted(waived, key=lambda w: w[0]):
                seen |= rights
                if needed <= seen:
                    closed = day
                    break
            self._window(f"PEN-10@{notice.position + 1}", "PEN-10", "陈述、申辩期（当事人）", served, days, "WD",
                         closed)
            if notice.hearing_right:
                asked = [d for p, d in requests if notice.position < p < until and d is not None]
                waived_hearing = [d for d, rights in waived if "hearing" in rights]
                self._window(f"PEN-13@{notice.position + 1}", "PEN-13", "要求听证期限（当事人）", served,
                             config.hearing.request_wd, "WD", min([*asked, *waived_hearing], default=None))

    def _remedy_windows(self) -> None:
        """RC-01 (复议) and LIT-04 (诉讼) windows, then PEN-29 (催告, 申请强制执行)."""
        config, decision, served_on, reviews = self.config, self.decision, self.served_on, self.reviews
        if decision is None or served_on is None:
            return
        received = [r.received_at.astimezone(SHANGHAI).date() for r in reviews if r.received_at is not None]
        self._window("RC-01", "RC-01", "申请行政复议期限（当事人）", served_on, config.reconsideration.application_nd,
                     "ND", min(received, default=None))
        filed = min((s.filed_at.astimezone(SHANGHAI).date() for s in self.lawsuits if s.filed_at is not None),
                    default=None)
        ended = [(r.served_at or r.decided_at or r.rejected_at) for r in reviews]
        if reviews and all(e is not None for e in ended):
            # LIT-04: after a 复议 decision (or a refusal to accept, 行政复议法第三十四条), 15 days from it
            last = max(e for e in ended if e is not None)
            self._window("LIT-04", "LIT-04", "提起行政诉讼期限（复议后，当事人）", last.astimezone(SHANGHAI).date(),
                         config.litigation.after_reconsideration_days, "ND", filed)
        elif not reviews:
            self._window("LIT-04", "LIT-04", "提起行政诉讼期限（当事人）", served_on, config.litigation.filing_months,
                         "M", filed)
        if decision.fine_fen <= 0 or decision.type != "DecisionMade":
            return  # PEN-29 is the 普通程序's (rules.md: not on the summary path)
        paid_on = self.paid_on(decision.fine_fen)
        for position, day in self.marks.get("PaymentDemanded", []):
            self._window(f"PEN-29@demand-{position + 1}", "PEN-29", "催告后履行期（当事人）", day,
                         config.payment.demand_to_court_wd, "WD", paid_on if paid_on is not None and day is not None
                         and paid_on >= day else None)
        if len(ended) != sum(e is not None for e in ended):
            return  # the decision's finality waits for the 复议
        self._court_enforcement(paid_on)

    def _court_enforcement(self, paid_on: date | None) -> None:
        """PEN-29: apply to the court once every remedy period has lapsed unpaid (and the appeal periods)."""
        judged = [(suit, suit.judgment) for suit in self.lawsuits]
        if any(j is None for _, j in judged):
            return  # ... or for the court
        if self.corrections or any(r.corrective for r in self.reviews) or any(
                j is not None and j.corrective for _, j in judged):
            return  # revoked or changed: what is owed is no longer the decision's fine
        final: list[date] = []  # the days second-instance judgments were received: final at once
        for suit, judgment in judged:
            assert judgment is not None
            received = judgment.received_at.astimezone(SHANGHAI).date() if judgment.received_at is not None else None
            if received is None:
                continue
            if judgment.instance == "second":
                final.append(received)
            else:  # a first-instance judgment becomes final when the appeal period lapses (第八十五条)
                self._window(f"LIT-04@appeal-{suit.stream}", "LIT-04", "不服一审判决的上诉期限（当事人）", received,
                             self.config.litigation.appeal_days, "ND", None)
        remedies = [d.due.due for d in self._out if d.rule in ("RC-01", "LIT-04") and d.done_on is None]
        remedies += final
        deferred = self.deferred_until
        lapse = max([*remedies, *([deferred] if deferred is not None else [])], default=None)
        if lapse is None or (paid_on is not None and paid_on <= lapse):
            return
        applied = min((d for _, d in self.marks.get("CourtEnforcementApplied", []) if d is not None), default=None)
        done = min((d for d in (applied, paid_on) if d is not None), default=None)
        self._window("PEN-29@court", "PEN-29", "申请人民法院强制执行（复议、诉讼期限届满后）", lapse,
                     self.config.payment.court_application_months, "M", done, holder="agency")


def _must_publish(state: CaseState, decision: DecisionInfo, config: Config) -> bool:
    """PEN-40 applies to a 普通程序 penalty decision (and to 不予处罚 when the setting says so)."""
    if decision.type != "DecisionMade" or state.procedure == "summary":
        return False
    if config.publication.scope != "all":
        return False
    return decision.outcome == "penalty" or (decision.outcome.startswith("no_penalty") and config.no_penalty.publish)


def _publication(p: Mapping[str, Any], decided_on: date | None, config: Config) -> Publication:
    data: Mapping[str, Any] = p["data"]
    at: datetime = p["at"]
    published_at = time_of(data.get("published_at")) or at
    regime_name = text_of(data.get("regime"))
    regimes = config.publication.regimes
    regime = regime_name if regime_name is not None and regime_name in regimes else config.publication.regime
    periods = effective_regime(config, regime)
    # PUB-04: the period starts on the decision date; end dates are calendar months (no roll-forward).
    start = decided_on or published_at.astimezone(SHANGHAI).date()
    min_until = day_of(data.get("min_until")) or DEFAULT_CALENDAR.add_months(start, periods.min_months, roll=False).due
    max_until = day_of(data.get("max_until")) or DEFAULT_CALENDAR.add_months(start, periods.max_months, roll=False).due
    original = str(data.get("text") or "")
    corrected = p["corrected"]
    text = original
    corrected_at = None
    if corrected is not None:
        text = str(corrected[0].get("text") or original)
        corrected_at = time_of(corrected[0].get("corrected_at")) or corrected[1]
    return Publication(
        version=int(p["version"]), published_at=published_at, published_text=str(data.get("published_at") or ""),
        channel=text_of(data.get("channel")), url=text_of(data.get("url")), text=text, original_text=original,
        regime=regime, min_until=min_until, max_until=max_until, corrected_at=corrected_at,
        withdrawal=p["withdrawn"], document_no=text_of(data.get("document_no")),
    )


