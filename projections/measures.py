"""The coercive measures and the enforcement of one stream (``case/`` or ``coercion/``): the part of a
file that the penalty case file (EVAL-04 item 7 and item 16) and the stand-alone 强制 file (EVAL-10)
both show.

Why a module of its own, depending on ``domain`` only: a measure taken in a registered penalty case
is recorded on that case's stream, every other one on a ``coercion/`` stream (steps.md "Where a
coercive measure or an enforcement is recorded"); the same steps make the same records and the same
deadlines on both, so :mod:`projections.casefile` and :mod:`projections.coercionfile` call
:func:`fold_records` alike. Deadlines are returned as ``domain.limits.Limit`` rows (each file turns
them into its own rows); periods are counted by ``domain.coercion_limits`` and
``domain.enforcement_limits``, the arithmetic the gates use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final

from domain.calendar import Deadline, WorkingCalendar, shanghai_date
from domain.coercion_limits import (
    MEASURE_STEPS,
    HourLimit,
    MeasurePeriod,
    emergency_limits,
    freeze_decision_due,
    measure_period,
    measure_started_at,
    publication_due,
)
from domain.config import CoercionLimits, Config, effective_coercion_terms
from domain.enforcement_limits import DEMANDS
from domain.limits import Limit, day_of, step_day
from domain.reading import int_of, mapping_of
from domain.registry import AgencyState, Item, step_time

__all__ = [
    "COERCION_TYPES",
    "CoercionRecords",
    "DemandRecord",
    "EnforcementAct",
    "EnforcementRecord",
    "MeasureApproval",
    "MeasureRecord",
    "SeizedItem",
    "coercion_item",
    "fold_records",
]

ENFORCEMENT_DECISIONS: Final = frozenset({"EnforcementDecided", "SubstituteDecisionServed"})
_ENFORCEMENT_TYPES: Final = frozenset({
    "PerformanceDemanded", "EnforcementDecided", "SubstituteDecisionServed", "DemolitionNoticePublished",
    "EnforcementCarriedOut", "SubstituteCostAssessed", "TransferOrdered", "AuctionCommissioned", "ProceedsRemitted",
    "EnforcementAgreementMade", "EnforcementSuspended", "EnforcementResumed", "EnforcementTerminated",
    "RestitutionMade", "CourtEnforcementRuled",
})
_MEASURE_TYPES: Final = frozenset({
    "CoercionApprovalDecided", "SeizureImposed", "FreezeImposed", "FreezeDecisionServed", "CoercionExtended",
    "CoercionReleased", "SeizedItemsReturned", "SeizureDisposed",
})
COERCION_TYPES: Final = _MEASURE_TYPES | _ENFORCEMENT_TYPES
"""The step types that make a measure or enforcement record (a case fold folds records only when one
of them is on its stream)."""
NAMES: Final = {"seal": "查封", "seize": "扣押", "freeze": "冻结"}

ItemLookup = Callable[[str, datetime], AgencyState | None]
"""The registry's ``agency_as_of``: the acting agency's published items as of a time."""


@dataclass(frozen=True, slots=True)
class SeizedItem:
    """One thing sealed or seized, and what became of it (``disposition``: 没收, 销毁, 移送, 拍卖, 退还,
    or ``released`` by a 解除 not yet followed by its return)."""

    id: str
    name: str
    quantity: str
    unit: str | None
    kind: str | None
    disposition: str | None = None
    disposed_version: int | None = None
    disposed_on: date | None = None


@dataclass(frozen=True, slots=True)
class MeasureApproval:
    """A ``CoercionApprovalDecided``: 实施前审批, or the 紧急情况 补办批准 with ``reported_at``."""

    version: int
    approved: bool
    decided_by: str | None
    at: datetime
    reported_at: datetime | None


@dataclass(frozen=True, slots=True)
class MeasureRecord:
    """One measure (``measure_id``) as the file shows it: what, when, until when, approved by whom,
    what was seized or frozen and what became of it."""

    measure_id: str
    step: str
    measure: str
    version: int
    emergency: bool
    started_at: datetime
    ended_at: datetime | None
    place: str | None
    document_no: str | None
    decided_days: int | None
    stated_until: date | None
    items: tuple[SeizedItem, ...]
    approvals: tuple[MeasureApproval, ...]
    period: MeasurePeriod | None
    hours: tuple[HourLimit, ...]
    """COE-04's report and approval limits (emergency measures only), in clock hours."""
    extensions: tuple[int, ...] = ()
    """The versions of its ``CoercionExtended`` steps (one counts, 第25条)."""
    institution: str | None = None
    account: str | None = None
    amount_fen: int | None = None
    freeze_served_on: date | None = None
    released_version: int | None = None
    released_on: date | None = None
    release_ground: str | None = None
    returned_on: date | None = None
    ended_on: date | None = None
    """The day the last item was disposed of or released (a freezing: released or disposed of)."""

    @property
    def name(self) -> str:
        return NAMES.get(self.measure, self.measure)

    @property
    def end(self) -> Deadline | None:
        """The last day of the period (decision, one lawful extension, notified testing spans; CAL-08)."""
        return self.period.due if self.period is not None else None

    @property
    def open(self) -> bool:
        return self.ended_on is None

    @property
    def status(self) -> str:
        if self.ended_on is None:
            return "open"
        return "released" if self.released_version is not None else "disposed"


@dataclass(frozen=True, slots=True)
class DemandRecord:
    """A written 催告 (``PaymentDemanded``, ``PerformanceDemanded``): for what, served when, due when."""

    version: int
    type: str
    purpose: str | None
    served_on: date
    due: date | None
    amount_fen: int | None


@dataclass(frozen=True, slots=True)
class EnforcementAct:
    """An enforcement decision (强制执行决定, 代履行决定), or its carrying out."""

    version: int
    type: str
    document_no: str | None
    method: str | None
    at: datetime
    scheduled_at: datetime | None = None
    ended_at: datetime | None = None
    result: str | None = None
    immediate: bool = False


@dataclass(frozen=True, slots=True)
class EnforcementRecord:
    """The agency's own enforcement on the stream: 催告, decisions, acts, costs and their sequel."""

    demands: tuple[DemandRecord, ...] = ()
    decisions: tuple[EnforcementAct, ...] = ()
    carried_out: tuple[EnforcementAct, ...] = ()
    cost_fen: int | None = None
    """代履行费用 as assessed (``SubstituteCostAssessed``)."""
    demolition_notices: tuple[int, ...] = ()
    agreements: tuple[int, ...] = ()
    suspensions: tuple[int, ...] = ()
    terminated: bool = False

    @property
    def done(self) -> bool:
        """Carried out (done) or terminated: the enforcement has ended."""
        return self.terminated or any(a.result == "done" for a in self.carried_out)

    @property
    def exists(self) -> bool:
        return bool(self.demands or self.decisions or self.carried_out)


@dataclass(frozen=True, slots=True)
class CoercionRecords:
    """The measures and the enforcement of a stream, and the limits they set."""

    measures: tuple[MeasureRecord, ...] = ()
    enforcement: EnforcementRecord = field(default_factory=EnforcementRecord)
    limits: tuple[Limit, ...] = ()

    def measure(self, measure_id: str) -> MeasureRecord | None:
        return next((m for m in self.measures if m.measure_id == measure_id), None)


def coercion_item(state: AgencyState | None, measure: str, code: str | None = None) -> Item | None:
    """The published ``coercion`` item of the agency covering ``measure`` (the one named, else any)."""
    if state is None:
        return None
    candidates = [state.item(code)] if code else list(state.items.values())
    for item in candidates:
        if item is not None and item.kind == "coercion" and item.coercion is not None and \
                measure in item.coercion.measures:
            return item
    return None


# --------------------------------------------------------------------------- the fold


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) == 10 or day_of(value) is None:
        return None
    return step_time({"at": value})


def _version(entry: Mapping[str, Any], position: int) -> int:
    return int_of(entry.get("version")) or position + 1


@dataclass(slots=True)
class _Measure:
    entry: Mapping[str, Any]
    version: int
    items: dict[str, SeizedItem]
    approvals: list[MeasureApproval] = field(default_factory=list)
    extensions: list[int] = field(default_factory=list)
    approval_entry: Mapping[str, Any] | None = None
    freeze_served_on: date | None = None
    freeze_days: int | None = None
    released: tuple[int, date, str | None] | None = None
    returned_on: date | None = None
    closed_on: date | None = None


def _items(data: Mapping[str, Any]) -> dict[str, SeizedItem]:
    out = {}
    for raw in data.get("items") or ():
        item = mapping_of(raw)
        key = _text(item.get("id"))
        if key is None:
            continue
        quantity = item.get("quantity")
        out[key] = SeizedItem(key, str(item.get("name") or ""), "" if quantity is None else str(quantity),
                              _text(item.get("unit")), _text(item.get("kind")))
    return out


def _dispose(found: _Measure, ids: Sequence[object], disposition: str, version: int | None, day: date) -> None:
    for key in ids:
        item = found.items.get(key) if isinstance(key, str) else None
        if item is not None and (item.disposition in (None, "released")):
            found.items[item.id] = SeizedItem(item.id, item.name, item.quantity, item.unit, item.kind, disposition,
                                              version, day)
    if all(i.disposition is not None for i in found.items.values()):
        found.closed_on = found.closed_on or day


class _Folder:
    """One pass over the stream: the measures by ``measure_id``, the enforcement."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.measures: dict[str, _Measure] = {}
        self.pending_approvals: dict[str, list[tuple[MeasureApproval, Mapping[str, Any]]]] = {}
        self.demands: list[DemandRecord] = []
        self.decisions: list[EnforcementAct] = []
        self.carried: list[EnforcementAct] = []
        self.cost: int | None = None
        self.notices: list[int] = []
        self.agreements: list[int] = []
        self.suspensions: list[int] = []
        self.terminated = False

    def step(self, position: int, entry: Mapping[str, Any]) -> None:
        kind = str(entry.get("type"))
        data = mapping_of(entry.get("data"))
        version = _version(entry, position)
        if kind in MEASURE_STEPS:
            found = _Measure(entry, version, _items(data))
            for approval, raw in self.pending_approvals.pop(str(data.get("measure_id")), []):
                found.approvals.append(approval)
                found.approval_entry = found.approval_entry or raw
            self.measures.setdefault(str(data.get("measure_id")), found)
            return
        if kind in DEMANDS:
            if kind == "PaymentDemanded" and data.get("purpose") is None and not data.get("due"):
                return  # a 催告 before a court application (PEN-28), not the agency's enforcement
            self.demands.append(DemandRecord(version, kind, _text(data.get("purpose")),
                                             step_day(entry, "served_at"), day_of(data.get("due")),
                                             int_of(data.get("amount_fen"))))
            return
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, entry, data, version)

    # -- measures ---------------------------------------------------------------------

    def approval(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        decided = MeasureApproval(version, data.get("approved") is True, _text(data.get("decided_by")),
                                  step_time(entry), _instant(data.get("reported_at")))
        found = self.measures.get(str(data.get("measure_id")))
        if found is None:
            self.pending_approvals.setdefault(str(data.get("measure_id")), []).append((decided, entry))
            return
        found.approvals.append(decided)
        found.approval_entry = found.approval_entry or entry

    def freeze_served(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        found = self.measures.get(str(data.get("measure_id")))
        if found is not None and found.freeze_served_on is None:
            found.freeze_served_on = step_day(entry, "served_at")
            found.freeze_days = int_of(mapping_of(data.get("decision")).get("days"))

    def extended(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        found = self.measures.get(str(data.get("measure_id")))
        if found is not None:
            found.extensions.append(version)

    def released(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        found = self.measures.get(str(data.get("measure_id")))
        if found is None or found.released is not None:
            return
        day = step_day(entry)
        found.released = (version, day, _text(data.get("ground")))
        for item in list(found.items.values()):
            if item.disposition is None:
                found.items[item.id] = SeizedItem(item.id, item.name, item.quantity, item.unit, item.kind, "released",
                                                  version, day)
        found.closed_on = found.closed_on or day

    def returned(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        found = self.measures.get(str(data.get("measure_id")))
        if found is None:
            return
        day = step_day(entry, "returned_at")
        for key in data.get("items") or ():
            item = found.items.get(key) if isinstance(key, str) else None
            if item is not None and item.disposition in (None, "released"):
                found.items[item.id] = SeizedItem(item.id, item.name, item.quantity, item.unit, item.kind, "returned",
                                                  version, day)
        if not any(i.disposition in (None, "released") for i in found.items.values()):
            found.returned_on = found.returned_on or day
            found.closed_on = found.closed_on or day

    def disposed(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        found = self.measures.get(str(data.get("measure_id")))
        if found is not None:
            _dispose(found, data.get("items") or (), str(data.get("disposition") or ""), version, step_day(entry))

    def decided(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        """``DecisionMade.disposes``: the case's decision disposes of measures of this stream (no
        ``stream``, or this one)."""
        for raw in data.get("disposes") or ():
            disposal = mapping_of(raw)
            if disposal.get("stream") not in (None, self.stream):
                continue
            found = self.measures.get(str(disposal.get("measure_id")))
            if found is not None:
                _dispose(found, disposal.get("items") or (), str(disposal.get("disposition") or ""), version,
                         step_day(entry))

    def decided_elsewhere(self, entry: Mapping[str, Any]) -> None:
        """A ``DecisionMade`` of another stream (a penalty case) whose ``disposes`` names a measure of this
        stream (``stream``: this one): its items disposed of, on the decision's day (no version of this
        stream records it)."""
        for raw in mapping_of(entry.get("data")).get("disposes") or ():
            disposal = mapping_of(raw)
            found = self.measures.get(str(disposal.get("measure_id")))
            if disposal.get("stream") == self.stream and found is not None:
                _dispose(found, disposal.get("items") or (), str(disposal.get("disposition") or ""), None,
                         step_day(entry))

    # -- enforcement ------------------------------------------------------------------

    def enforcement_decided(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        method = data.get("enforcement_method") if entry.get("type") == "EnforcementDecided" else "substitute"
        self.decisions.append(EnforcementAct(version, str(entry.get("type")), _text(data.get("document_no")),
                                             _text(method), step_time(entry), _instant(data.get("scheduled_at")),
                                             immediate=data.get("immediate") is True))

    def carried_out(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        self.carried.append(EnforcementAct(version, "EnforcementCarriedOut", _text(data.get("decision_no")),
                                           _text(data.get("enforcement_method")),
                                           _instant(data.get("started_at")) or step_time(entry),
                                           ended_at=_instant(data.get("ended_at")), result=_text(data.get("result"))))

    def cost_assessed(self, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        self.cost = int_of(data.get("amount_fen"))


def _listing(member: str) -> Callable[[_Folder, Mapping[str, Any], Mapping[str, Any], int], None]:
    def handle(folder: _Folder, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
        getattr(folder, member).append(version)
    return handle


def _terminated(folder: _Folder, entry: Mapping[str, Any], data: Mapping[str, Any], version: int) -> None:
    folder.terminated = True


_HANDLERS: Final[dict[str, Callable[[_Folder, Mapping[str, Any], Mapping[str, Any], int], None]]] = {
    "CoercionApprovalDecided": _Folder.approval,
    "FreezeDecisionServed": _Folder.freeze_served,
    "CoercionExtended": _Folder.extended,
    "CoercionReleased": _Folder.released,
    "SeizedItemsReturned": _Folder.returned,
    "SeizureDisposed": _Folder.disposed,
    "DecisionMade": _Folder.decided,
    "EnforcementDecided": _Folder.enforcement_decided,
    "SubstituteDecisionServed": _Folder.enforcement_decided,
    "EnforcementCarriedOut": _Folder.carried_out,
    "SubstituteCostAssessed": _Folder.cost_assessed,
    "DemolitionNoticePublished": _listing("notices"),
    "EnforcementAgreementMade": _listing("agreements"),
    "EnforcementSuspended": _listing("suspensions"),
    "EnforcementTerminated": _terminated,
}
"""The steps a record reads beyond the measure steps and the 催告, by step type."""


def fold_records(stream: str, history: Sequence[Mapping[str, Any]], *, config: Config, calendar: WorkingCalendar,
                 agency: str | None = None, agency_as_of: ItemLookup | None = None,
                 item: str | None = None, elsewhere: Sequence[Mapping[str, Any]] = ()) -> CoercionRecords:
    """The measures and enforcement of ``history`` (the stream's steps, corrections applied, version
    order) and their limits. ``agency_as_of`` gives the acting ``agency``'s published coercion item as of
    the measure (its ``coercion.max_days`` win, COE-07); ``item`` the one ``CoercionOpened`` names.
    ``elsewhere``: the ``DecisionMade`` steps of other streams whose ``disposes`` name this stream's
    measures (a ``coercion/`` measure disposed of by the penalty case's decision, 第27条), applied
    after the stream's own steps, in time order."""
    folder = _Folder(stream)
    positions: dict[int, int] = {}
    for position, entry in enumerate(history):
        folder.step(position, entry)
        positions[_version(entry, position)] = position
    for entry in sorted(elsewhere, key=step_time):
        if entry.get("type") == "DecisionMade":
            folder.decided_elsewhere(entry)
    measures = []
    limits: list[Limit] = []
    for measure_id, found in folder.measures.items():
        record = _record(history, measure_id, found, config, calendar, agency, agency_as_of, item)
        measures.append(record)
        limits += _measure_limits(history, record, config, calendar)
    enforcement = EnforcementRecord(tuple(folder.demands), tuple(folder.decisions), tuple(folder.carried),
                                    folder.cost, tuple(folder.notices), tuple(folder.agreements),
                                    tuple(folder.suspensions), folder.terminated)
    limits += _enforcement_limits(history, enforcement, config, calendar)
    return CoercionRecords(tuple(measures), enforcement, tuple(limits))


def _terms(config: Config, measure: str, at: datetime, agency: str | None, agency_as_of: ItemLookup | None,
           item: str | None) -> CoercionLimits:
    state = agency_as_of(agency, at) if agency_as_of is not None and agency else None
    return effective_coercion_terms(config, coercion_item(state, measure, item))


def _record(history: Sequence[Mapping[str, Any]], measure_id: str, found: _Measure, config: Config,
            calendar: WorkingCalendar, agency: str | None, agency_as_of: ItemLookup | None,
            item: str | None) -> MeasureRecord:
    entry = found.entry
    data = mapping_of(entry.get("data"))
    kind = "freeze" if entry.get("type") == "FreezeImposed" else str(data.get("measure") or "")
    started = measure_started_at(entry)
    decision = mapping_of(data.get("decision"))
    emergency = data.get("emergency") is True
    try:
        period = measure_period(history, measure_id, config, calendar,
                                _terms(config, kind, started, agency, agency_as_of, item))
    except OverflowError:
        period = None
    hours = emergency_limits(started, found.approval_entry, config) if emergency else ()
    released = found.released
    return MeasureRecord(
        measure_id=measure_id, step=str(entry.get("type")), measure=kind, version=found.version, emergency=emergency,
        started_at=started, ended_at=_instant(data.get("ended_at")), place=_text(data.get("place")),
        document_no=_text(decision.get("document_no")),
        decided_days=int_of(decision.get("days")) if decision else found.freeze_days,
        stated_until=day_of(decision.get("until")), items=tuple(found.items.values()),
        approvals=tuple(found.approvals), period=period, hours=hours, extensions=tuple(found.extensions),
        institution=_text(data.get("institution")), account=_text(data.get("account")),
        amount_fen=int_of(data.get("amount_fen")), freeze_served_on=found.freeze_served_on,
        released_version=released[0] if released else None, released_on=released[1] if released else None,
        release_ground=released[2] if released else None, returned_on=found.returned_on, ended_on=found.closed_on,
    )


def _first_publication(history: Sequence[Mapping[str, Any]], after: int) -> date | None:
    for position, entry in enumerate(history):
        if position > after and entry.get("type") in ("DecisionPublished", "PublicationSuppressed"):
            return step_day(entry, "published_at")
    return None


def _position_of(history: Sequence[Mapping[str, Any]], version: int) -> int:
    for position, entry in enumerate(history):
        if _version(entry, position) == version:
            return position
    return len(history)


def _measure_limits(history: Sequence[Mapping[str, Any]], m: MeasureRecord, config: Config,
                    calendar: WorkingCalendar) -> list[Limit]:
    started_on = shanghai_date(m.started_at)
    out = []
    if m.end is not None:
        title = f"{m.name}期限届满前作出处理决定或解除（措施 {m.measure_id}）"
        out.append(Limit(f"COE-08/{m.measure_id}", "COE-08", title, started_on, m.end, m.ended_on))
    if m.measure == "freeze":
        out.append(Limit(f"COE-11/{m.measure_id}", "COE-11", f"冻结后三个工作日内交付冻结决定书（措施 {m.measure_id}）",
                         started_on, freeze_decision_due(calendar, started_on, config), m.freeze_served_on))
    if m.released_on is not None and m.measure != "freeze" and \
            any(i.disposition in ("released", "returned") for i in m.items):
        due = Deadline(m.released_on + timedelta(days=config.coercion.return_days))
        out.append(Limit(f"COE-10/{m.measure_id}", "COE-10", f"解除{m.name}后立即退还财物（措施 {m.measure_id}）",
                         m.released_on, due, m.returned_on))
    if config.publication.coercion:
        published = _first_publication(history, _position_of(history, m.version))
        out.append(Limit(f"TS-03/{m.measure_id}", "TS-03", f"公开{m.name}决定信息（措施 {m.measure_id}）", started_on,
                         publication_due(calendar, started_on, config), published))
    return out


def _enforcement_limits(history: Sequence[Mapping[str, Any]], e: EnforcementRecord, config: Config,
                        calendar: WorkingCalendar) -> list[Limit]:
    out = []
    for demand in e.demands:
        if demand.due is not None and demand.purpose in (None, "agency_enforcement", "substitute_prior"):
            title = "代履行前催告的履行期限" if demand.purpose == "substitute_prior" else "催告书载明的履行期限"
            out.append(Limit(f"ENF-02/{demand.version}", "ENF-02", title, demand.served_on, Deadline(demand.due),
                             None, holder="party"))
    if config.publication.coercion:
        for decision in e.decisions:
            decided_on = shanghai_date(decision.at)
            published = _first_publication(history, _position_of(history, decision.version))
            name = "代履行决定" if decision.type == "SubstituteDecisionServed" else "强制执行决定"
            out.append(Limit(f"TS-03/{decision.version}", "TS-03", f"公开{name}信息（{decision.document_no or ''}）",
                             decided_on, publication_due(calendar, decided_on, config), published))
    return out
