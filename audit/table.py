"""The table of current evaluations (``audit_evaluations``), owned by the audit and kept current.

Lists and pages filter and sort files by grade, score or rule without evaluating on the
fly; this table holds each case's latest evaluation. :class:`AuditFollower` is a tracked
follower of the ledger's notification log, like the projections' runner
(``projections.runner``): it reads the events after its tracked position, re-evaluates
every case group they touch (the case, or the 复议 or lawsuit that targets it; a registry
or calendar event touches every case), and writes the rows together with its position in
one transaction, so a crash loses nothing and repeats nothing.

An evaluation depends on the day too (a deadline falls due without any new event). Each
row keeps the day it was evaluated as of (``as_of``) and ``recheck_on``, the first day a
pending deadline may fall due; :meth:`AuditFollower.run_once` with ``today`` re-evaluates
the rows that may have changed by then: those with ``recheck_on`` reached and every
unsettled file (not yet archived, or with a 复议/lawsuit still open) evaluated before today.

Two side tables keep what other files' rules read: ``audit_parties`` (each case's party and
decision, PEN-32/PEN-36) and ``audit_reviewers`` (each legal reviewer's first review, PEN-17).
A touched case brings its party's other files along: their PEN-32 and PEN-36 read it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Final

from audit.context import AuditContext, History, PriorCase
from audit.facts import day_of
from audit.files import OTHER_FILES
from audit.model import Evaluation
from audit.parallel import Unevaluable, evaluate_raw, evaluate_streams
from audit.store import Known, LedgerSource, _named_streams, prior_from_stored, rows_after, stream_rows
from domain.appeals import target_of
from domain.calendar import SHANGHAI
from domain.config import Config
from projections.labels import IN_PROGRESS
from projections.poison import POISON, CannotApply, Parked, check_rows, park
from projections.runner import decode, ensure
from projections.sql import Database, Table, in_lists

__all__ = ["PARTY_COLUMNS", "TABLES", "AuditFollower", "EvaluationRow", "add_reviewers", "ensure_tables",
           "prior_of_row", "query", "rebuild_table"]

TRACKING: Final = "audit:evaluations"
T, N = "text", "int"
EVALUATIONS: Final = Table("audit_evaluations", (
    ("grp", T), ("agency", T), ("procedure", T), ("path", T), ("status", T), ("score", N), ("grade", T), ("veto", N),
    ("blockers", N), ("majors", N), ("minors", N), ("infos", N), ("rules", T), ("findings", T), ("as_of", T),
    ("recheck_on", T), ("settled", N),
), ("grp",), scope="custom", indexes=(("agency", "grade"), ("grade", "score"), ("recheck_on",)), clustered=False)
# (agency, grade): the dashboard's count of files per agency and grade reads this index only (api.pages.reads).
PARTIES: Final = Table("audit_parties", (
    ("grp", T), ("party_key", T), ("agency", T), ("item", T), ("decided_on", T), ("outcome", T), ("fine_fen", N),
    ("started_on", T), ("ended_on", T),
), ("grp",), scope="custom", indexes=(("party_key",),))
REVIEWERS: Final = Table("audit_reviewers", (("reviewer", T), ("first_on", T)), ("reviewer",), scope="custom")
TABLES: Final = (EVALUATIONS, PARTIES, REVIEWERS)
PARALLEL_FROM: Final = 32
"""Case groups in a round from which forked workers evaluate them (fewer: forking costs more than it saves)."""
_REGISTRY_PREFIXES: Final = ("agency/", "officer/", "calendar/")
DUE_BATCH: Final = 500
"""Most rows a round re-evaluates because the day moved (the first round of a day may find thousands
due at 75,000 cases): the rest in the rounds that follow at once, new steps between them."""


def ensure_tables(db: Database) -> None:
    """Create the audit's tables (and the projections' shared state table the write lock uses)."""
    ensure(db, [])
    with db.ddl_lock() as cur:
        for table in TABLES:
            db.create(cur, table)


@dataclass(frozen=True)
class EvaluationRow:
    """One row of ``audit_evaluations`` as lists read it."""

    case: str
    agency: str | None
    procedure: str | None
    status: str | None
    score: int
    grade: str | None
    """None: 办理中 (no concluding step yet, no grade)."""
    veto: bool
    rules: tuple[str, ...]
    findings: list[dict[str, Any]]
    as_of: str

    def as_json(self) -> dict[str, Any]:
        """The same shape as ``Evaluation.as_json`` (case, score, grade, veto, findings)."""
        return {"case": self.case, "score": self.score, "grade": self.grade, "veto": self.veto,
                "findings": self.findings}


def _row(ev: Evaluation, settled: bool) -> tuple[Any, ...]:
    counts = {s: ev.count(s) for s in ("BLOCKER", "MAJOR", "MINOR", "INFO")}
    return (ev.case, ev.agency, ev.procedure, ev.path, ev.status, ev.score, ev.grade, int(ev.veto), counts["BLOCKER"],
            counts["MAJOR"], counts["MINOR"], counts["INFO"], ",".join(dict.fromkeys(ev.rules())),
            json.dumps([f.as_json() for f in ev.findings], ensure_ascii=False), ev.as_of.isoformat(),
            ev.recheck_on.isoformat() if ev.recheck_on else None, int(settled))


def _party_row(stream: str, found: tuple[str | None, PriorCase] | None) -> tuple[Any, ...] | None:
    if found is None or found[0] is None:
        return None
    key, c = found
    return (stream, key, c.agency, c.item, c.decided_on.isoformat() if c.decided_on else None, c.outcome, c.fine_fen,
            c.started_on.isoformat() if c.started_on else None, c.ended_on.isoformat() if c.ended_on else None)


def _settled(reviews: Mapping[str, Sequence[Mapping[str, Any]]], lawsuits: Mapping[str, Sequence[Mapping[str, Any]]],
             ev: Evaluation) -> bool:
    open_review = any(not any(e.get("type") == "ReconsiderationDecided" for e in h) for h in reviews.values())
    open_suit = any(not any(e.get("type") == "JudgmentReceived" for e in h) for h in lawsuits.values())
    return ev.status == "archived" and ev.recheck_on is None and not open_review and not open_suit


@dataclass
class _Scan:
    """What a round's new events touch (``AuditFollower._touched``)."""

    touched: set[str]
    everything: bool
    appeals: set[str]
    links: list[tuple[str, str]]
    openings: list[tuple[str, Mapping[str, Any]]]


@dataclass
class _Groups:
    """A round's case groups as stored, and each one's party (``prior_from_stored``)."""

    groups: list[tuple[str, list[bytes], dict[str, Any], dict[str, Any]]]
    priors: list[tuple[str, tuple[str | None, PriorCase] | None]]


_LINKING: Final = (("LicenceApplied", "LicenceProceedingOpened"), ("CaseSourceRecorded", "DecisionMade"))
"""The steps ``LedgerSource.links`` reads: of licence streams, of case streams."""


class AuditFollower:
    """Keep ``audit_evaluations`` current: new events, then the rows ``today`` may have changed.

    Between rounds it keeps what it read beyond the files (the parties' history, the registry, the
    复议 and lawsuits, the links; ``audit.store.Known``) at the position it wrote, and brings it up
    to date from the new events alone; another follower moving the position drops it. So a round
    costs what its events touch, not the ledger's size (issue 17: a new case within 2 s at 75,000).
    """

    def __init__(self, db: Database, *, config: Config | None = None, batch: int = 5000,
                 workers: int | None = None) -> None:
        self.db = db
        self.config = config or Config()
        self.batch = batch
        self.workers = workers
        self._kept: tuple[int, Known] | None = None
        self._primed = False
        self._due_checked: tuple[date, int] | None = None
        """(day, position) at which nothing more was due that day: no scan of the table until either moves."""
        ensure_tables(db)

    def position(self) -> int:
        with self.db.read() as cur:
            return self.db.tracked(cur, TRACKING)

    def run_once(self, today: date) -> int:
        """Apply every pending event and refresh what ``today`` may have changed; returns the rows written."""
        head = self.db.head()
        start = self.position()
        kept = self._kept if self._kept is not None and self._kept[0] == start else None
        scan = self._touched(start, head)
        touched, everything = scan.touched, scan.everything
        due = [] if everything or self._due_checked == (today, start) else self._due(today)
        more_due = len(due) > DUE_BATCH
        due = due[:DUE_BATCH]
        if head == start and not everything and not due:
            self._due_checked = (today, start)
            if kept is None and start and not self._primed:  # read it while idle, not in a new step's round
                self._kept, self._primed = (start, self._known_at(start)), True  # (once: not after each
                # round of another follower beside this one, which drops what this one kept)
            return 0  # nothing new, nothing due: no write
        self._kept = None  # until this round commits
        known = self._brought_up(kept[1], scan, head) if kept is not None and not everything else None
        source = LedgerSource(self.db, upto=head, known=known)
        if everything or start == 0:
            history = source.history()
        else:
            history = known.history if known is not None and known.history is not None else self._history()
        ctx = AuditContext(as_of=today, registry=source.registry(), config=self.config, calendar=source.calendar(),
                           history=history)
        streams: Sequence[str] | None = None if everything else sorted(set(touched) | set(due))
        parked: dict[str, Parked] = {}
        others = ([s for p in OTHER_FILES for s in self.db.streams_with_prefix(p, head)] if streams is None
                  else [s for s in streams if s.startswith(OTHER_FILES)])
        rows, gone = self._evaluate_others(source, ctx, others, parked)
        if streams is not None:
            streams = [s for s in streams if s.startswith("case/")]
        raw = self._groups(source, streams, history, parked)
        parties = [party for stream, found in raw.priors
                   if (party := _party_row(stream, found)) is not None
                   and _storable(stream, PARTIES.name, party, parked)]
        workers = 1 if len(raw.groups) < PARALLEL_FROM else self.workers  # a follower's round: no fork for a few
        evaluated = evaluate_raw(raw.groups, ctx, workers=workers, tolerant=True)
        for (stream, _, reviews, lawsuits), ev in zip(raw.groups, evaluated, strict=True):
            if isinstance(ev, Unevaluable):
                parked.setdefault(stream, _parked(stream, f"评查失败: {ev.reason}"))
                ev = None
            row = None if ev is None else _row(ev, _settled(reviews, lawsuits, ev))
            if row is not None and _storable(stream, EVALUATIONS.name, row, parked):
                rows.append(row)
            else:
                gone.append(stream)
        if not self._write(start, head, streams, rows, gone, parties, history, parked):
            return 0  # another follower moved it meanwhile: its rows are at least as current
        self._kept = (head, replace(source.known(), history=history))
        self._due_checked = None if more_due else (today, head)
        return len(rows) or int(more_due)  # more due: another round at once

    def _groups(self, source: LedgerSource, streams: Sequence[str] | None, history: History,
                parked: dict[str, Parked]) -> _Groups:
        """The case groups to evaluate (``streams``, or all) with the same parties' other files, their
        parties and first reviews brought into ``history``."""
        raw = list(source.raw_groups() if streams is None else source.raw_groups(only=streams))
        priors = [self._prior(stream, stored, parked) for stream, stored, _, _ in raw]
        if streams is not None:  # the same party's other files: their PEN-32/PEN-36 read this one
            siblings = self._siblings({f[0] for f in priors if f is not None and f[0]}, streams)
            if siblings:
                more = list(source.raw_groups(only=siblings))
                raw += more
                priors += [self._prior(stream, stored, parked) for stream, stored, _, _ in more]
        for (stream, stored, _, _), found in zip(raw, priors, strict=True):
            if found is not None:
                history.add_case(found[0], found[1])
            else:
                history.forget(stream)
            if streams is not None:  # a review recorded since: PEN-17 of the reviewer's other files
                for reviewer, on in _reviews(stored):
                    history.add_review(reviewer, on)
        return _Groups(raw, [(g[0], found) for g, found in zip(raw, priors, strict=True)])

    def _write(self, start: int, head: int, streams: Sequence[str] | None, rows: list[tuple[Any, ...]],
               gone: list[str], parties: list[tuple[Any, ...]], history: History, parked: dict[str, Parked]) -> bool:
        """Write the round's rows and position in one transaction; False if another follower moved it."""
        with self.db.write() as cur:
            if self.db.tracked(cur, TRACKING) != start:
                return False
            if streams is None:
                for table in (EVALUATIONS, PARTIES):
                    cur.execute(f"DELETE FROM {self.db.qualify(table.name)}")
            else:
                for table in (EVALUATIONS, PARTIES):
                    self.db.delete_in(cur, self.db.qualify(table.name), "grp", [r[0] for r in rows] + gone)
            self.db.insert(cur, self.db.qualify(EVALUATIONS.name), EVALUATIONS, rows)
            self.db.insert(cur, self.db.qualify(PARTIES.name), PARTIES, parties)
            reviewers = [r for r in sorted((r, d.isoformat()) for r, d in history.first_review.items())
                         if _storable(r[0], REVIEWERS.name, r, {})]
            self._park(cur, parked, [r[0] for r in rows] if streams is not None else None)
            cur.execute(f"DELETE FROM {self.db.qualify(REVIEWERS.name)}")
            self.db.insert(cur, self.db.qualify(REVIEWERS.name), REVIEWERS, reviewers)
            if head > start:
                self.db.track(cur, TRACKING, head)
        return True

    def _known_at(self, position: int) -> Known:
        """What a round reads beyond the files, as of ``position`` (the tables' own)."""
        source = LedgerSource(self.db, upto=position)
        return Known(source.registry(), source.calendar(), source.related(), self._history())

    def _brought_up(self, known: Known, scan: _Scan, head: int) -> Known:
        """What the last round read, brought from its position to ``head`` by the new events alone: the
        复议/lawsuits that moved read again, the links and inspection openings they add. (The registry
        and calendar are unchanged: a registry or calendar event makes the round evaluate everything.)"""
        related = known.related
        histories: dict[str, list[Any]] = {}
        if related is not None and scan.appeals:  # an appeal's target is its opening's: it never moves
            for row in stream_rows(self.db, sorted(scan.appeals), head):
                histories.setdefault(row[1], []).append(decode(row[-1]))
            for stream, events in histories.items():
                found = target_of(events)
                if found is not None:
                    slot = 0 if stream.startswith("review/") else 1
                    related.setdefault(found.stream, ({}, {}))[slot][stream] = events
        if known.links is not None:
            for stream, named in scan.links:
                known.links.setdefault(named, set()).add(stream)
        if known.openings is not None:
            for stream, opening in scan.openings:
                known.openings.setdefault(stream, opening)
        return known

    def follow(self, stop: threading.Event | None = None, *, poll: float = 5.0,
               today: Callable[[], date] | None = None, on_round: Callable[[int], None] | None = None) -> int:
        """Keep the table current until ``stop`` is set: apply new events as they come (PostgreSQL:
        LISTEN/NOTIFY; SQLite: every ``poll`` seconds), and refresh what each new day may have changed
        (``today`` defaults to the Asia/Shanghai date); the rounds run (``Database.follow``).
        ``on_round`` sees the rows each round that wrote some wrote."""
        clock = today or (lambda: datetime.now(SHANGHAI).date())
        return self.db.follow(lambda: self.run_once(clock()), stop or threading.Event(), poll=poll, name="audit",
                              on_round=on_round)

    def _evaluate_others(self, source: LedgerSource, ctx: AuditContext, streams: Sequence[str],
                         parked: dict[str, Parked]) -> tuple[list[tuple[Any, ...]], list[str]]:
        """Rows of the licence, complaint, 强制 and inspection files ``streams`` (each by its engine; on the
        workers when there are many), and the streams that have none; a file that cannot be evaluated is
        parked, as a case file is."""
        rows: list[tuple[Any, ...]] = []
        gone: list[str] = []
        workers = 1 if len(streams) < PARALLEL_FROM else self.workers
        for stream, ev in zip(streams, evaluate_streams(source, ctx, streams, workers=workers), strict=True):
            if isinstance(ev, Unevaluable):
                parked.setdefault(stream, _parked(stream, f"评查失败: {ev.reason}"))
                ev = None
            row = None if ev is None else _row(ev, _settled({}, {}, ev))
            if row is not None and _storable(stream, EVALUATIONS.name, row, parked):
                rows.append(row)
            else:
                gone.append(stream)
        return rows, gone

    # -- groups that cannot be evaluated or stored (projections.poison) -------------------

    @staticmethod
    def _prior(stream: str, stored: Sequence[bytes], parked: dict[str, Parked]) -> tuple[str | None, PriorCase] | None:
        try:
            return prior_from_stored(stream, stored)
        except Exception as exc:
            parked.setdefault(stream, _parked(stream, f"当事人记录无法读取: {exc!r}"))
            return None

    def _park(self, cur: Any, parked: Mapping[str, Parked], evaluated: Sequence[str] | None) -> None:
        """Record the groups parked this round; forget those that now evaluate (all of them when
        ``evaluated`` is None: the whole table was evaluated again)."""
        table = self.db.qualify(POISON.name)
        if evaluated is None:
            cur.execute(self.db.q(f"DELETE FROM {table} WHERE source = ?"), ("audit",))
        else:
            ok = [s for s in evaluated if s not in parked]
            for sql, chunk in in_lists(f"DELETE FROM {table} WHERE source = ? AND stream IN ({{in}})", ok):
                cur.execute(self.db.q(sql), ["audit", *chunk])
        if parked:
            park(self.db, cur, parked.values())

    # -- what to re-evaluate ----------------------------------------------------------

    def _touched(self, start: int, head: int) -> _Scan:
        """What the events after ``start`` touch: the files, whether a registry/calendar event touches all,
        the 复议/lawsuit streams that moved, and the links and inspection openings they add."""
        scan = _Scan(set(), start == 0, set(), [], [])
        if scan.everything:
            return scan
        related: set[str] = set()
        position = start
        while position < head:
            rows = rows_after(self.db, position, self.batch)
            if not rows:
                break
            for row in rows:  # (nid, stream, version, topic, stored bytes)
                stream, version, topic, state = str(row[1]), int(row[2]), str(row[3]), bytes(row[-1])
                if stream.startswith(("case/", *OTHER_FILES)):
                    scan.touched.add(stream)
                    self._noted(scan, stream, topic, state)
                elif stream.startswith(("review/", "litigation/")):
                    scan.appeals.add(stream)
                    if version == 1:
                        target = _target(decode(state))
                        if target:
                            scan.touched.add(target)
                    else:
                        related.add(stream)
                elif stream.startswith(_REGISTRY_PREFIXES):
                    scan.everything = True
                    return scan
            position = rows[-1][0]
        if related:
            for history in self._openings(sorted(related)).values():
                target = _target(history)
                if target:
                    scan.touched.add(target)
        return scan

    @staticmethod
    def _noted(scan: _Scan, stream: str, topic: str, state: bytes) -> None:
        """The links (``LedgerSource.links``) and inspection openings an event of a file adds."""
        if (stream.startswith("licence/") and topic in _LINKING[0]) or (
                stream.startswith("case/") and topic in _LINKING[1]):
            scan.links += [(stream, named) for named in _named_streams(decode(state))]
        elif stream.startswith("inspection/") and topic == "InspectionOpened":
            scan.openings.append((stream, decode(state)))

    def _siblings(self, keys: Iterable[str], streams: Sequence[str]) -> list[str]:
        """The other case files of the parties ``keys`` names, and of the parties ``streams`` had
        before (a corrected party): one of them changing may change what their rules find."""
        table = self.db.qualify(PARTIES.name)
        found: set[str] = set()
        wanted = set(keys)
        for sql, chunk in in_lists(f"SELECT party_key FROM {table} WHERE grp IN ({{in}})", streams):
            wanted |= {str(r[0]) for r in self.db.all(sql, chunk) if r[0]}
        for sql, chunk in in_lists(f"SELECT grp FROM {table} WHERE party_key IN ({{in}})", sorted(wanted)):
            found |= {str(r[0]) for r in self.db.all(sql, chunk)}
        return sorted(found - set(streams))

    def _openings(self, streams: Sequence[str]) -> dict[str, Mapping[str, Any]]:
        out: dict[str, Mapping[str, Any]] = {}
        for row in stream_rows(self.db, list(streams), self.db.head()):
            if int(row[2]) == 1:
                out[str(row[1])] = decode(bytes(row[-1]))
        return out

    def _due(self, today: date) -> list[str]:
        """Rows ``today`` may have changed: a deadline reached, or an unsettled file, evaluated before today
        (a row evaluated as of today is what evaluating it again today gives: each is due once a day)."""
        table = self.db.qualify(EVALUATIONS.name)
        day = today.isoformat()
        return [str(r[0]) for r in self.db.all(
            f"SELECT grp FROM {table} WHERE ((recheck_on IS NOT NULL AND recheck_on <= ?) OR settled = 0) "
            f"AND as_of < ? OR as_of > ?", (day, day, day))]

    def _history(self) -> History:
        """The parties' files and first reviews as the tables hold them (a follower's first round)."""
        history = History()
        for row in self.db.all(f"SELECT {PARTY_COLUMNS} FROM {self.db.qualify(PARTIES.name)}"):
            history.add_case(str(row[1]), prior_of_row(row))
        add_reviewers(self.db, history)
        return history


PARTY_COLUMNS: Final = "grp, party_key, agency, item, decided_on, outcome, fine_fen, started_on, ended_on"
"""The columns of ``audit_parties`` :func:`prior_of_row` reads, in its order."""


def prior_of_row(row: Sequence[Any]) -> PriorCase:
    """A row of ``audit_parties`` (:data:`PARTY_COLUMNS`) as the history holds it."""
    return PriorCase(str(row[0]), row[2], row[3], _day(row[4]), row[5], int(row[6] or 0), _day(row[7]), _day(row[8]))


def add_reviewers(db: Database, history: History) -> None:
    """Each reviewer's first review as ``audit_reviewers`` holds it, into ``history``."""
    for reviewer, first in db.all(f"SELECT reviewer, first_on FROM {db.qualify(REVIEWERS.name)}"):
        on = _day(first)
        if on is not None:
            history.add_review(str(reviewer), on)


def _reviews(stored: Sequence[bytes]) -> list[tuple[str, date]]:
    """The legal reviews among a case's stored events: (reviewer, day), as ``LedgerSource.history`` reads them."""
    out: list[tuple[str, date]] = []
    for state in stored:
        if b'"LegalReviewCompleted"' in state:
            entry = decode(state)
            data = entry.get("data")
            reviewer = data.get("reviewer") if isinstance(data, Mapping) else None
            on = day_of(entry.get("at"))
            if entry.get("type") == "LegalReviewCompleted" and isinstance(reviewer, str) and on is not None:
                out.append((reviewer, on))
    return out


def _parked(stream: str, reason: str) -> Parked:
    return Parked(0, stream, 0, "", "audit", reason, source="audit")


def _storable(stream: str, table: str, row: tuple[Any, ...], parked: dict[str, Parked]) -> bool:
    """Whether ``row`` can be stored; if not, ``stream`` is parked (a NUL in an agency must not stop the table)."""
    try:
        check_rows("audit", {table: [row]})
    except CannotApply as exc:
        parked.setdefault(stream, _parked(stream, exc.reason))
        return False
    return True


def _target(entry: Mapping[str, Any]) -> str | None:
    data = entry.get("data")
    target = data.get("target") if isinstance(data, Mapping) else None
    case = (target.get("case") or target.get("stream")) if isinstance(target, Mapping) else None
    return case if isinstance(case, str) and case else None


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def rebuild_table(db: Database, today: date, *, config: Config | None = None, workers: int | None = None) -> int:
    """Drop the audit's tables and evaluate every case again (after a rule or configuration change)."""
    ensure_tables(db)
    with db.ddl_lock() as cur:
        for table in TABLES:
            db.drop(cur, table)
            db.create(cur, table)
        db.untrack(cur, TRACKING)
    return AuditFollower(db, config=config, workers=workers).run_once(today)


def query(db: Database, *, agency: str | None = None, grade: str | None = None, rule: str | None = None,
          cases: Iterable[str] | None = None, order: str = "score",
          kinds: Sequence[str] = ("case/",)) -> list[EvaluationRow]:
    """Rows of ``audit_evaluations`` filtered by agency, grade (办理中: none yet), a rule id or case streams; sorted by
    ``score`` (lowest first), ``case`` or ``grade``. ``kinds``: the files' stream prefixes (penalty files by
    default: the lists and downloads that read this have a penalty case's columns)."""
    where, params = [f"({' OR '.join(['grp LIKE ?'] * len(kinds))})"], [f"{k}%" for k in kinds]
    if agency:
        where.append("agency = ?")
        params.append(agency if agency.startswith("agency/") else f"agency/{agency}")
    if grade == IN_PROGRESS:
        where.append("grade IS NULL")
    elif grade:
        where.append("grade = ?")
        params.append(grade)
    if rule:
        where.append("(',' || rules || ',') LIKE ?")
        params.append(f"%,{rule},%")
    wanted = list(cases) if cases is not None else None
    if wanted is not None:
        if not wanted:
            return []
        where.append(f"grp IN ({','.join(['?'] * len(wanted))})")
        params += wanted
    ordering = {"score": "score, grp", "case": "grp", "grade": "grade, score, grp"}.get(order, "score, grp")
    sql = (f"SELECT grp, agency, procedure, status, score, grade, veto, rules, findings, as_of FROM "
           f"{db.qualify(EVALUATIONS.name)}" + (f" WHERE {' AND '.join(where)}" if where else "")
           + f" ORDER BY {ordering}")
    return [EvaluationRow(str(r[0]), r[1], r[2], r[3], int(r[4]), r[5], bool(r[6]),
                          tuple(x for x in str(r[7] or "").split(",") if x), json.loads(r[8]), str(r[9]))
            for r in db.all(sql, params)]
