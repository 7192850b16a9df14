"""Loading case files for the audit from the ledger's store (through the projections' ``Database``).

The audit reads the same events the projections read and folds them with the same
``fold_casefile``. How, cheaply:

* the registry (``agency/…``, ``officer/…``) and the calendar (``calendar/…``) once per run;
* the 复议 and lawsuits (``review/…``, ``litigation/…``) once, linked to the case they
  target by their opening step;
* the context's :class:`~audit.context.History` (each party's cases for PEN-32/36, each
  reviewer's first review for PEN-17) from one scan of the case streams that decodes only
  the registration, decision and legal-review events;
* the cases themselves by one ordered range scan of the event table's primary key
  (stream, version): each case's events arrive together, in version order.

A ``upto`` notification id bounds every read, so one run sees one consistent ledger.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from audit.context import AuditContext, History, PriorCase, RegistryIndex, calendar_from, party_key
from audit.facts import day_of
from audit.inspection_index import InspectionIndex
from audit.model import Envelope
from domain.appeals import target_of
from domain.beacon import CheckpointLog
from domain.calendar import SHANGHAI, WorkingCalendar
from domain.casestate import amount_of, apply_corrections, parse_penalties
from domain.config import Config
from projections.casefile import source_agency
from projections.runner import decode
from projections.sql import STREAM_EVENTS, Database, in_chunks, in_lists, prefix_end

__all__ = ["CaseGroup", "Known", "LedgerSource", "Related", "case_stream", "prior_case", "prior_from_stored",
           "rows_after", "stream_rows"]

PAGE = 2000
_HISTORY_TYPES = ("CaseRegistered", "DecisionMade", "SummaryDecisionMade", "LegalReviewCompleted", "RecordCorrected")
"""The steps the context's history reads (the event table's ``topic`` is the step type)."""
_PRIOR_MARKERS = (b'"CaseRegistered"', b'"DecisionMade"', b'"SummaryDecisionMade"', b'"RecordCorrected"')
"""What :func:`prior_case` reads of a case, found in its stored bytes without decoding them all."""


def case_stream(text: str) -> str:
    """``DXH-CGJ-2026-0012`` and ``case/DXH-CGJ-2026-0012`` both name the case stream."""
    return text if text.startswith("case/") else f"case/{text}"


def agency_stream(text: str) -> str:
    return text if text.startswith("agency/") else f"agency/{text}"


@dataclass
class CaseGroup:
    """A case stream's events and those of the 复议 and lawsuits that target it."""

    stream: str
    history: list[Envelope]
    reviews: dict[str, list[Envelope]] = field(default_factory=dict)
    lawsuits: dict[str, list[Envelope]] = field(default_factory=dict)

    def exists_on(self, day: date) -> bool:
        """Whether the case had begun by the end of ``day`` (its first step's ``at``)."""
        first = day_of(self.history[0].get("at")) if self.history else None
        return first is not None and first <= day

    @property
    def agency(self) -> str | None:
        for entry in self.history[:3]:
            if entry.get("type") == "CaseRegistered":
                data = entry.get("data")
                agency = data.get("agency") if isinstance(data, Mapping) else None
                return agency if isinstance(agency, str) else None
        return None


Row = tuple[int, str, int, str, bytes]
"""An event as the audit reads it: (notification id, stream, version, step type, stored bytes)."""


def stream_rows(db: Database, streams: Sequence[str], upto: int,
                read: Callable[[str, Sequence[Any]], list[tuple[Any, ...]]] | None = None) -> list[Row]:
    """Every event of ``streams`` up to ``upto``, per stream in version order (``read``: over a
    connection of the caller's, e.g. :meth:`LedgerSource.stream_rows` in a forked worker)."""
    out: list[Row] = []
    for sql, chunk in in_lists(STREAM_EVENTS, streams):
        found = db.all(sql, [*chunk, upto]) if read is None else read(sql, [*chunk, upto])
        out += [(int(n), str(s), int(v), str(t), bytes(b)) for n, s, v, t, b in found]
    return out


def rows_after(db: Database, after: int, limit: int) -> list[Row]:
    """Up to ``limit`` events after notification id ``after``, in notification order."""
    return [(int(n), str(s), int(v), str(t), bytes(b)) for n, s, v, t, b in db.all(
        "SELECT {nid}, originator_id, originator_version, topic, state FROM {events} WHERE {nid} > ? "
        "ORDER BY {nid} LIMIT ?", (after, limit))]


def prior_case(stream: str, history: Iterable[Envelope]) -> tuple[str | None, PriorCase] | None:
    """What PEN-32 and PEN-36 need of a case: its party and decision (None before registration),
    as corrected by the case's ``RecordCorrected`` steps among ``history``."""
    registered: Mapping[str, Any] | None = None
    decision: Envelope | None = None
    for entry in apply_corrections(stream, list(history)):
        kind = entry.get("type")
        if kind == "CaseRegistered" and registered is None:
            data = entry.get("data")
            registered = data if isinstance(data, Mapping) else {}
        elif kind in ("DecisionMade", "SummaryDecisionMade") and decision is None:
            decision = entry
    if registered is None:
        return None
    violation = registered.get("violation")
    violation = violation if isinstance(violation, Mapping) else {}
    outcome = fine = decided_on = None
    if decision is not None:
        data = decision.get("data")
        data = data if isinstance(data, Mapping) else {}
        outcome = "penalty" if decision.get("type") == "SummaryDecisionMade" else str(data.get("outcome") or "")
        fine = amount_of(parse_penalties(data.get("penalties")), "fine")
        decided_on = day_of(decision.get("at"))
    party = registered.get("party")
    key = party_key(party) if isinstance(party, Mapping) else None
    agency = registered.get("agency")
    item = registered.get("item")
    return key, PriorCase(stream, agency if isinstance(agency, str) else None, item if isinstance(item, str) else None,
                          decided_on, outcome, fine or 0, day_of(violation.get("started_on")),
                          day_of(violation.get("ended_on")))


def prior_from_stored(stream: str, stored: Iterable[bytes]) -> tuple[str | None, PriorCase] | None:
    """:func:`prior_case` from a case's stored bytes, decoding only its registration and decision."""
    wanted = [decode(b) for b in stored if any(marker in b for marker in _PRIOR_MARKERS)]
    return prior_case(stream, wanted)


Related = dict[str, tuple[dict[str, list[Envelope]], dict[str, list[Envelope]]]]
"""case (or other deciding) stream → (its 复议 streams, its lawsuit streams), each with its events."""


@dataclass
class Known:
    """What a source has read of the ledger beyond the files themselves (None: not read yet).

    A follower keeps it from one round to the next and brings it up to date from the new
    events alone (``audit.table``), so a round costs what its events touch, not the ledger's size."""

    registry: RegistryIndex | None = None
    calendar: WorkingCalendar | None = None
    related: Related | None = None
    history: History | None = None
    links: dict[str, set[str]] | None = None
    openings: dict[str, Envelope] | None = None


def add_review(history: History, entry: Mapping[str, Any]) -> None:
    """A ``LegalReviewCompleted`` entry into ``history``: its reviewer's review on its day (PEN-17 reads
    the reviewers' first reviews)."""
    data = entry.get("data")
    reviewer = data.get("reviewer") if isinstance(data, Mapping) else None
    on = day_of(entry.get("at"))
    if isinstance(reviewer, str) and on is not None:
        history.add_review(reviewer, on)


class LedgerSource:
    """Case files for the audit, read from one ledger up to one notification id (``known``: what
    was read already, valid at ``upto``)."""

    def __init__(self, db: Database, *, upto: int | None = None, known: Known | None = None) -> None:
        self.db = db
        self.upto = db.head() if upto is None else upto
        known = known or Known()
        self._registry: RegistryIndex | None = known.registry
        self._calendar: WorkingCalendar | None = known.calendar
        self._related: Related | None = known.related
        self._history: History | None = known.history
        self._links: dict[str, set[str]] | None = known.links
        self._openings: dict[str, Envelope] | None = known.openings
        self._index: tuple[int, InspectionIndex] | None = None
        self.folds: dict[tuple[str, int], Any] = {}
        """Files folded for other files' rules while this source lives (``audit.inspection_engine``)."""

    def known(self) -> Known:
        """What this source has read so far (to be kept by a follower: valid at :attr:`upto`)."""
        return Known(self._registry, self._calendar, self._related, self._history, self._links, self._openings)

    _reader: Any = None

    def _all(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        if self._reader is None:
            return self.db.all(sql, params)
        self._reader.execute(self.db.q(sql), params)
        return [tuple(r) for r in self._reader.fetchall()]

    def stream_rows(self, streams: Sequence[str]) -> list[Row]:
        """Every event of ``streams`` up to :attr:`upto` (:func:`stream_rows` over this source's reader)."""
        return stream_rows(self.db, streams, self.upto, self._all)

    @contextmanager
    def fresh(self) -> Iterator[LedgerSource]:
        """This source reading over a connection of its own (what a forked worker must use), with what
        it has read already."""
        with self.db.fresh_reader() as cur:
            copy = LedgerSource(self.db, upto=self.upto, known=self.known())
            copy._index, copy.folds = self._index, self.folds
            copy._reader = cur
            yield copy

    # -- context ------------------------------------------------------------------------

    def _streams(self, prefix: str) -> dict[str, list[Envelope]]:
        out: dict[str, list[Envelope]] = {}
        for _, stream, _, state in self._range(prefix):
            out.setdefault(stream, []).append(decode(state))
        return out

    def registry(self) -> RegistryIndex:
        if self._registry is None:
            self._registry = RegistryIndex({**self._streams("agency/"), **self._streams("officer/")})
        return self._registry

    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = calendar_from(self._streams("calendar/").values())
        return self._calendar

    def related(self) -> Related:
        """case (or other deciding) stream → (its 复议 streams, its lawsuit streams), each with its events."""
        if self._related is None:
            found: dict[str, tuple[dict[str, list[Envelope]], dict[str, list[Envelope]]]] = {}
            for prefix, slot in (("review/", 0), ("litigation/", 1)):
                for stream, history in self._streams(prefix).items():
                    target = _target(history)
                    if target is not None:
                        found.setdefault(target, ({}, {}))[slot][stream] = history
            self._related = found
        return self._related

    def history(self) -> History:
        """Every party's cases and every reviewer's first review, from one scan of the case streams."""
        if self._history is None:
            history = History()
            current: str | None = None
            wanted: list[Envelope] = []

            def flush() -> None:
                if current is None:
                    return
                found = prior_case(current, wanted)
                if found is not None:
                    history.add_case(found[0], found[1])

            for _, stream, _, state in self._range("case/", _HISTORY_TYPES):
                if stream != current:
                    flush()
                    current, wanted = stream, []
                if any(marker in state for marker in _PRIOR_MARKERS):
                    wanted.append(decode(state))
                elif b'"LegalReviewCompleted"' in state:
                    add_review(history, decode(state))
            flush()
            self._history = history
        return self._history

    def context(self, as_of: date, config: Config | None = None) -> AuditContext:
        return AuditContext(as_of=as_of, registry=self.registry(), config=config or Config(),
                            calendar=self.calendar(), history=self.history())

    # -- cases --------------------------------------------------------------------------

    def cases(self) -> list[str]:
        """Every case stream, sorted."""
        return sorted(self.db.streams_with_prefix("case/", self.upto))

    def group(self, stream: str) -> CaseGroup | None:
        rows = self.stream_rows([stream])
        if not rows:
            return None
        return self._group(stream, [decode(row[-1]) for row in rows])

    def groups(self, only: Sequence[str] | None = None, agency: str | None = None) -> Iterator[CaseGroup]:
        """Case groups in stream order: all of them (one range scan), or ``only`` these; decoded."""
        for stream, stored, reviews, lawsuits in self.raw_groups(only, agency):
            group = CaseGroup(stream, [decode(b) for b in stored], dict(reviews), dict(lawsuits))
            if agency is None or self.agency_of(group) == agency_stream(agency):
                yield group

    def agency_of(self, group: CaseGroup) -> str | None:
        """The case's agency: its registration's, or before it that of the officer who recorded its source."""
        return group.agency or source_agency(group.history, self.registry())

    def raw_groups(self, only: Sequence[str] | None = None, agency: str | None = None, *,
                   span: tuple[str, str] | None = None
                   ) -> Iterator[tuple[str, list[bytes], dict[str, list[Envelope]], dict[str, list[Envelope]]]]:
        """Case groups as stored: (case stream, its events' bytes, its 复议 and lawsuits decoded).

        With ``agency``, a case whose registration names another agency is skipped without
        decoding it (a byte search of its ``CaseRegistered``); a case not yet registered is the
        agency's when the officer who recorded its source was of it (``source_agency``, issue 13).
        """
        needle = f'"agency":"{agency_stream(agency)}"'.encode() if agency else b""
        related = self.related()

        def wanted(stored: list[bytes]) -> bool:
            if not agency:
                return True
            for b in stored[:3]:
                if b'"CaseRegistered"' in b:
                    return needle in b
            if any(b'"CaseRegistered"' in b for b in stored):
                return False
            return source_agency([decode(stored[0])], self.registry()) == agency_stream(agency)

        if only is not None:
            for part in in_chunks(only):
                chunk = sorted(part)
                by: dict[str, list[bytes]] = {}
                for row in self.stream_rows(chunk):
                    by.setdefault(row[1], []).append(row[-1])
                for stream in chunk:
                    if stream in by and wanted(by[stream]):
                        reviews, lawsuits = related.get(stream, ({}, {}))
                        yield stream, by[stream], reviews, lawsuits
            return
        current: str | None = None
        stored: list[bytes] = []
        for _, stream, _, state in self._range("case/", span=span):
            if stream != current:
                if current is not None and wanted(stored):
                    reviews, lawsuits = related.get(current, ({}, {}))
                    yield current, stored, reviews, lawsuits
                current, stored = stream, []
            stored.append(state)
        if current is not None and wanted(stored):
            reviews, lawsuits = related.get(current, ({}, {}))
            yield current, stored, reviews, lawsuits

    def sample(self, n: int, seed: int, agency: str | None = None) -> list[str]:
        """A reproducible random sample (双随机) of ``n`` case streams (of one agency, if given)."""
        streams = self.cases()
        if agency:
            streams = [g.stream for g in self.groups(agency=agency)]
        return sorted(random.Random(seed).sample(streams, min(n, len(streams))))

    def _group(self, stream: str, history: list[Envelope]) -> CaseGroup:
        reviews, lawsuits = self.related().get(stream, ({}, {}))
        return CaseGroup(stream, history, dict(reviews), dict(lawsuits))

    def links(self) -> dict[str, set[str]]:
        """stream → the licence and case streams that name it in their opening, source or decision step
        (``LicenceApplied.licence``, ``LicenceProceedingOpened.licence``, ``CaseSourceRecorded.origin``,
        ``DecisionMade.disposes[].stream``): one scan of those steps, kept for the source's life."""
        if self._links is None:
            found: dict[str, set[str]] = {}
            for prefix, types in (("licence/", ("LicenceApplied", "LicenceProceedingOpened")),
                                  ("case/", ("CaseSourceRecorded", "DecisionMade"))):
                for _, stream, _, state in self._range(prefix, types):
                    for named in _named_streams(decode(state)):
                        found.setdefault(named, set()).add(stream)
            self._links = found
        return self._links

    def inspection_openings(self) -> dict[str, Envelope]:
        """``inspection/`` stream → its ``InspectionOpened`` (the task it names, its agency and
        object): one scan, kept for the source's life (INS-03's task, INS-06's other inspections)."""
        if self._openings is None:
            self._openings = {}
            for _, stream, _, state in self._range("inspection/", ("InspectionOpened",)):
                self._openings.setdefault(stream, decode(state))
        return self._openings

    def inspection_index(self) -> InspectionIndex:
        """The openings by task and by object (``audit.inspection_index``), built once for this source."""
        openings = self.inspection_openings()
        if self._index is None or self._index[0] != len(openings):
            self._index = (len(openings), InspectionIndex.of(openings))
        return self._index[1]

    def log(self) -> CheckpointLog:
        """This ledger's transparency log as INS-02's beacon asks it (its signed checkpoints, the leaf
        index of an event), read over this source's own cursor when it has one (a forked worker)."""
        return self.db.log(self._cursor)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self._reader is not None:
            yield self._reader
            return
        with self.db.read() as cur:
            yield cur

    def _range(self, prefix: str, types: Sequence[str] = (), *, span: tuple[str, str] | None = None
               ) -> Iterator[tuple[int, str, int, bytes]]:
        """Every event of the streams named ``prefix…`` (of ``types`` only; of the streams in ``span``,
        both ends included), by stream then version, in pages."""
        upper, below = prefix_end(prefix), "<"
        last_stream, last_version = prefix, -1
        if span is not None:
            last_stream, upper, below = span[0], span[1], "<="
        only = f" AND topic IN ({','.join(['?'] * len(types))})" if types else ""
        while True:
            # A row-value bound: the primary-key index gives the rows in order. (An OR of the two
            # cases made SQLite sort every remaining row again for each page: quadratic.)
            rows = self._all(
                "SELECT {nid}, originator_id, originator_version, state FROM {events} "
                f"WHERE (originator_id, originator_version) > (?, ?) AND originator_id {below} ? "
                f"AND {{nid}} <= ?{only} ORDER BY originator_id, originator_version LIMIT ?",
                (last_stream, last_version, upper, self.upto, *types, PAGE))
            for nid, stream, version, state in rows:
                yield int(nid), str(stream), int(version), bytes(state)
            if len(rows) < PAGE:
                return
            last_stream, last_version = str(rows[-1][1]), int(rows[-1][2])


def _named_streams(entry: Envelope) -> list[str]:
    """The streams a licence opening, a case source or a decision names (its ``licence``, ``origin``, or
    the coercion streams whose measures it disposes of)."""
    data = entry.get("data")
    data = data if isinstance(data, Mapping) else {}
    out = [d["stream"] for d in data.get("disposes") or ()
           if isinstance(d, Mapping) and isinstance(d.get("stream"), str)]
    for key in ("licence", "origin"):
        value = data.get(key)
        named = value.get("stream") if isinstance(value, Mapping) else None
        if isinstance(named, str):
            out.append(named)
    return out


def _target(history: Sequence[Envelope]) -> str | None:
    """The stream whose decision a review or lawsuit targets (a case, a licence, a coercion file)."""
    found = target_of(history)
    return found.stream if found is not None else None


_ = SHANGHAI
