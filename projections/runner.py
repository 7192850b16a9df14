"""Runners: tracked followers of the notification log that keep the read models current.

Like the transparency-log integrator (``ledger.translog``), a runner reads the
ledger's events in notification order, a batch at a time, and commits each batch's
view updates *together with* eventsourcing's ``Tracking`` of the batch's last
notification, in one transaction that first takes the projections' write lock.
A crash (even ``kill -9``) loses at most the uncommitted batch, which the next run
does again: every update is exactly-once. Inside the transaction the runner checks
that each projection's tracked position is still the one it computed from; if
another runner moved it meanwhile, it reloads and retries.

How a batch is applied: the events are decoded once; every *group* they touch (a case
with the 复议 and lawsuits that target it; a supervision, licence or complaint stream) is
folded afresh from its events up to the batch's end (:func:`projections.groups.fold_group`),
and each projection replaces that group's rows. So the tables after any sequence of batches are a
function of the events alone — the property the tests check: incremental equals a
rebuild from zero, row for row. A ``HolidayNoticePublished`` changes working days,
hence due dates: the batch then refreshes every group.

``follow`` keeps running: on SQLite it polls (a pull loop); on PostgreSQL it waits
for the ``NOTIFY`` eventsourcing's recorder sends on every insert (``LISTEN``).
``rebuild`` fills fresh ``*__next`` tables from zero and swaps them in atomically.

Beside it: :mod:`projections.pool` (the forked workers a rebuild folds with),
:mod:`projections.histories` (stream histories and the calendar kept between batches),
:mod:`projections.state` (``proj_state``/``proj_links``, ``ensure``, the swap, ``status``),
:mod:`projections.deferral` (when a rebuild folds a group), :mod:`projections.screening` (the per-event
registers' judgement of each event, before any fold).
"""


from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.registry import HistoryRegistry
from ledger.follow import follow
from ledger.store import EventStore
from ledger.stored import decode
from projections import poison
from projections.casefile import registry_of
from projections.deferral import Deferral
from projections.definitions import ALL, Context, Event, Projection, Rows, by_name
from projections.groups import GROUP_STREAMS, OWN, Folded, fold_group, registry_streams
from projections.histories import CACHE_STREAMS, Calendars, Histories, calendar_changed
from projections.measures import COERCION_TYPES
from projections.poison import CannotApply, Parked, check_rows
from projections.pool import FoldPool as _FoldPool
from projections.pool import Job as _Job
from projections.pool import collector_paused as _collector_paused
from projections.pool import default_workers
from projections.screening import Loaded, load_screened, screen_event
from projections.sql import NEXT, Database, Table, in_lists, prefix_end
from projections.state import (
    _LINKS,
    REBUILD,
    ProjectionStatus,
    _now,
    _set_state,
    ensure,
    parked,
    schema_of,
    status,
    swap_in,
    tracking_name,
)

__all__ = [
    "DEFAULT_BATCH",
    "REBUILD_BATCH",
    "ConflictError",
    "ProjectionStatus",
    "Runner",
    "decode",
    "default_workers",
    "ensure",
    "parked",
    "rebuild",
    "status",
    "tracking_name",
]

DEFAULT_BATCH = 2000
REBUILD_BATCH = 20_000
"""Events a rebuild reads per transaction. Larger batches mean fewer commits (each rewrites the B-tree
pages it touched into the WAL) and larger parts for the workers: measured on 20,000 and 75,000 demo cases,
5,000 → 20,000 took the rebuild from 21.4 to 17.6 s and from 90 to 76 s (parent memory 395 → 532 MB at
75,000; 50,000 gained 4 % more for 718 MB). A batch holds the projections' write lock about a second."""
DEFER_GROUPS = 2000
"""A rebuild in one process keeps up to this many touched groups waiting (their events in its
stream cache) before it folds the coldest, even unfinished."""
PARALLEL_DEFER = 200_000
"""The same for a parallel rebuild, which keeps only their names: in practice every group waits
for its last event."""
PARALLEL_GROUPS = 200
"""Batches folding at least this many groups are split over the runner's worker processes."""
FLUSH_CHUNK = 400


_OPENINGS = {"ReconsiderationApplied", "LawsuitFiled"}
_LINKED = ("review/", "litigation/")


class ConflictError(Exception):
    """Another runner moved a projection meanwhile; reload and retry."""


_GROUP_STREAMS = GROUP_STREAMS
_NONE: Mapping[str, Any] = MappingProxyType({})
_MARKERS = (b'"backfilled":true', b'"override":')
"""What a parallel rebuild's pass over the log keeps of case-group events besides the opening steps of
复议 and lawsuits (their target case) when it rebuilds a per-event register without its groups: the
events of the registers (overrides, 补录), found by their canonical bytes. Otherwise it keeps only the
openings, and the workers screen the rest where they fold them (``projections.screening``)."""


# --------------------------------------------------------------------------- the runner


@dataclass
class Target:
    """A projection and where it writes: the live tables, or the ``__next`` tables of a rebuild."""

    projection: Projection
    suffix: str
    state: str

    @property
    def tracking(self) -> str:
        return tracking_name(self.state)


class Runner:
    """Apply new events to some projections (by default all), batch by batch.

    ``rebuild=True`` writes the ``__next`` tables under the ``<name>:rebuild`` tracking
    (see :func:`rebuild`). ``after_batch`` (tests: a crash point) runs after each commit
    with the batch's last notification id; ``before_commit`` inside each transaction.
    """

    def __init__(
        self,
        store: EventStore,
        projections: Sequence[Projection] = ALL,
        *,
        config: Config | None = None,
        batch: int = DEFAULT_BATCH,
        rebuild: bool = False,
        cache_streams: int = CACHE_STREAMS,
        after_batch: Callable[[int], None] | None = None,
        before_commit: Callable[[], None] | None = None,
        create: bool = True,
        db: Database | None = None,
        workers: int = 1,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.store = store
        self._own_db = db is None
        self.db = db or Database(store)
        if create and not rebuild:
            ensure(self.db, projections)
        self.config = config or Config()
        self.batch = batch
        self.after_batch = after_batch
        self.before_commit = before_commit
        self.targets = [Target(p, NEXT if rebuild else "", p.name + (REBUILD if rebuild else "")) for p in projections]
        self.histories = Histories(self.db, cache_streams)
        self.parked: set[int] = set()
        """Positions of the parked events (``projections.poison``): left out of every fold."""
        self._pending: dict[int, Parked] = {}  # parked, not yet committed
        self.histories.skip = self.parked
        self._written: set[str] | None = set() if rebuild else None  # groups a rebuild has written so far
        self.workers = max(1, workers)
        self._lazy = rebuild and self.workers > 1
        self._per_event = [p for p in projections if p.events]
        self._screen_in_folds = self._lazy and all(p.groups for p in self._per_event)
        """A parallel rebuild screens a group's events where it folds them (``projections.screening``), so its
        pass over the log skips their bytes; unless a per-event projection is rebuilt without its groups."""
        self._deferral = Deferral(self.db.last_positions(), PARALLEL_DEFER if self._lazy else DEFER_GROUPS) \
            if rebuild else None
        self._dirty: OrderedDict[str, None] | None = self._deferral.dirty if self._deferral is not None else None
        self._jobs: deque[tuple[_Job, list[str], frozenset[str]]] = deque()
        self._pool: _FoldPool | None = None
        self._wants_groups = any(p.groups for p in projections)
        self._wants_registry = any(p.registry for p in projections)
        self.positions: dict[str, int] = {}
        self.calendars = Calendars(self.db, self.parked)
        self.reload()

    def close(self) -> None:
        """Stop the worker processes and close the connections the runner opened (the store is
        the caller's to close)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._own_db:
            self.db.close()

    # -- positions -----------------------------------------------------------------

    def reload(self) -> None:
        with self.db.read() as cur:
            self.positions = {t.state: self.db.tracked(cur, t.tracking) for t in self.targets}
        self.parked.clear()
        self.parked.update(poison.load(self.db) if self.db.exists(poison.POISON.name) else ())
        self._pending.clear()
        self.histories.data.clear()
        self.histories.position = -1

    @property
    def position(self) -> int:
        """The lowest notification id every target has reached."""
        return min(self.positions.values(), default=0)

    # -- running -------------------------------------------------------------------

    def run_once(self, *, max_batches: int | None = None, retries: int = 3) -> int:
        """Apply what is pending (or ``max_batches`` batches); returns the events applied."""
        applied = batches = conflicts = 0
        while max_batches is None or batches < max_batches:
            try:
                n = self.step()
            except ConflictError:
                conflicts += 1
                if conflicts > retries:
                    raise
                self.reload()
                continue
            if n == 0:
                break
            applied += n
            batches += 1
        return applied

    def step(self, cur: Any = None) -> int:
        """Apply one batch; with ``cur``, inside the caller's write transaction. Returns its size.

        The cyclic garbage collector is paused meanwhile: a batch allocates many small
        objects while the stream cache holds many more, and each collection would walk
        them all (refcounting still frees everything; nothing here makes cycles).
        """
        with _collector_paused():
            return self._step(cur)

    def _step(self, cur: Any) -> int:
        start = self.position
        raw: Sequence[tuple[int, str, int, str, bytes | None]]
        if not self._lazy:
            raw = self.db.events_after(start, self.batch)
        else:  # a parallel rebuild decodes a group's events when it folds the group, in whichever process does
            raw = self.db.events_after_sparse(start, self.batch, _GROUP_STREAMS, sorted(_OPENINGS),
                                              () if self._screen_in_folds else _MARKERS)
        if not raw:
            return 0
        upto = raw[-1][0]
        self.histories.reset(start)
        decoded = self._decode(raw)
        calendar = self.calendars.upto(start, decoded)
        events = self._screen(decoded, Context(self.config, calendar))
        if len(events) < len(decoded) and calendar_changed(decoded):
            self.calendars.at = -1  # a parked notice changes no working day: the calendar without it
            calendar = self.calendars.upto(start, events)
        links = self._links(events)
        if self._screen_in_folds:
            events = self._unlinked(events, links, Context(self.config, calendar))
        groups, registry = self._touched(events, links, upto, calendar_changed=calendar_changed(events))
        self.histories.advance(events if not self._lazy else
                               [e for e in events if not e.stream.startswith(_GROUP_STREAMS)], upto)
        if self._deferral is not None:  # a rebuild folds a group once the log has passed its last event
            self._deferral.note(events, links)
            groups = self._deferral.defer(groups, upto)
        self._apply(cur, events, groups, registry, links, upto, calendar, start=start)
        if self.after_batch is not None:
            self.after_batch(upto)
        return len(raw)

    # -- parking (projections.poison) -----------------------------------------------

    def _park(self, found: Parked) -> None:
        """Leave an event out from now on; its ``proj_poison`` row commits with the batch."""
        self.parked.add(found.nid)
        self._pending.setdefault(found.nid, found)
        self.histories.forget([found.stream])

    def _decode(self, raw: Sequence[tuple[int, str, int, str, bytes | None]]) -> list[Event]:
        """The batch's events decoded; stored bytes that do not decode are parked."""
        events: list[Event] = []
        for nid, stream, version, kind, state in raw:
            if state is None:
                events.append(Event(nid, stream, version, kind, _NONE))
                continue
            try:
                envelope = decode(state)
            except Exception as exc:
                self._park(Parked(nid, stream, version, kind, "decode", f"存储字节无法解码: {exc}"))
                continue
            events.append(Event(nid, stream, version, kind, envelope))
        return events

    def _screen(self, events: Sequence[Event], ctx: Context) -> list[Event]:
        """The events whose own rows (per-event registers, a 复议/lawsuit link) can be stored; the others are
        parked. Each event is judged alone, so a rebuild parks exactly the events an incremental run did."""
        kept: list[Event] = []
        later = self._screen_in_folds  # a parallel rebuild screens the events it read without bytes where it folds them
        for event in events:
            if later and event.envelope is _NONE:
                kept.append(event)
                continue
            try:
                if event.type in _OPENINGS:
                    check_rows("proj_links", {"proj_links": [(_target_case(event) or "",)]})
                screen_event(self._per_event, event, ctx)
            except CannotApply as exc:
                self._park(Parked(event.nid, event.stream, event.version, event.type, exc.projection, exc.reason))
                continue
            kept.append(event)
        return kept

    def _unlinked(self, events: list[Event], links: Mapping[str, tuple[str, int]], ctx: Context) -> list[Event]:
        """``events`` with those of 复议 and lawsuits whose opening is not known yet read, decoded and screened
        here: they are in no group a parallel rebuild folds (and screens) yet, a live runner screens them now."""
        lost = {e.nid for e in events if e.envelope is _NONE and e.stream.startswith(_LINKED) and e.stream not in links}
        if not lost:
            return events
        states = self.db.states(sorted(lost))
        again = {e.nid: e for e in self._screen(self._decode(
            [(e.nid, e.stream, e.version, e.type, states[e.nid]) for e in events if e.nid in lost]), ctx)}
        return [again[e.nid] if e.nid in lost else e for e in events if e.nid not in lost or e.nid in again]

    def _isolate(self, streams: Sequence[str], upto: int,
                 build: Callable[[Mapping[str, Sequence[Mapping[str, Any]]]], dict[str, Rows]], *,
                 fresh: bool, skip: Iterable[int]) -> tuple[dict[str, Rows], list[Parked]]:
        """Rows of ``streams`` without the events that make ``build`` fail, and those events.

        The events are added one at a time in log order; one whose addition makes ``build``
        raise is parked and left out, and the next is tried. So the parked events are the
        first failing ones of the history, whatever batches it arrived in.
        """
        left_out = set(skip)
        data: dict[str, list[Mapping[str, Any]]] = {s: [] for s in streams}
        found: list[Parked] = []
        for nid, stream, version, state in sorted(self.db.stream_events(streams, upto, fresh=fresh)):
            if nid in left_out:
                continue
            try:
                envelope = decode(state)
            except Exception as exc:
                found.append(Parked(nid, stream, version, "", "decode", f"存储字节无法解码: {exc}"))
                continue
            data[stream].append(envelope)
            try:
                build(data)
            except Exception as exc:
                data[stream].pop()
                kind = envelope.get("type")
                which = exc.projection if isinstance(exc, CannotApply) else "fold"
                reason = exc.reason if isinstance(exc, CannotApply) else repr(exc)
                found.append(Parked(nid, stream, version, kind if isinstance(kind, str) else "", which, reason))
        try:
            return build(data), found
        except Exception:  # nothing left that folds (every event parked): no rows
            return {}, found

    def flush(self, cur: Any) -> None:
        """Fold and write every group a rebuild has deferred (inside the caller's transaction).

        In chunks, so that a parallel rebuild writes one chunk while its processes fold the next.
        """
        if not self._dirty:
            self.finish(cur)
            return
        groups = list(self._dirty)
        self._dirty.clear()
        upto = self.position
        self.histories.reset(upto)
        calendar = self.calendars.upto(upto, [])
        with _collector_paused():
            for start in range(0, len(groups), FLUSH_CHUNK):
                chunk = set(groups[start : start + FLUSH_CHUNK])
                self._apply(cur, [], chunk, set(), {}, upto, calendar, track=False,
                            keep=1 if start + FLUSH_CHUNK < len(groups) else 0)

    def finish(self, cur: Any) -> None:
        """Write every group still being folded (a parallel rebuild's last job), in ``cur``'s transaction."""
        if self._jobs:
            with _collector_paused():
                self._apply(cur, [], set(), set(), {}, self.position, self.calendars.current, track=False)

    def _apply(self, cur: Any, events: Sequence[Event], groups: set[str], registry: set[str],
               links: Mapping[str, tuple[str, int]], upto: int, calendar: WorkingCalendar, *,
               track: bool = True, keep: int | None = None, start: int | None = None) -> None:
        ctx = Context(self.config, calendar)
        members = self._members(groups, links, upto) if groups else {}
        written = sorted(groups) if self._wants_groups else []
        fresh = frozenset(g for g in written if g not in self._written) if self._written is not None else frozenset()
        if self._written is not None:
            self._written |= set(written)
        if members:
            if not self._lazy:
                self.histories.get(s for streams in members.values() for s in streams)  # every input in memory
            self._jobs.append((self._job(members, ctx, upto), written, fresh))
        # A parallel rebuild writes the groups of the job before the newest one, which its
        # processes fold meanwhile (a rebuild's tables are invisible until the swap, so
        # rows may trail the tracked position); every other runner writes them at once.
        if keep is None:
            keep = 1 if self._lazy and track else 0
        if not self._lazy:
            keep = 0
        ready = []
        while len(self._jobs) > keep:
            job, job_groups, job_fresh = self._jobs.popleft()
            computed, parked = job.collect()
            for found in parked:
                self._park(found)
            ready.append((computed, job_groups, job_fresh))
        histories = self.histories.get(registry) if registry else {}
        work: list[tuple[Target, Rows, int]] = []
        if start is None:
            start = events[0].nid - 1 if events else upto
        for target in self.targets:
            position = self.positions[target.state]
            if track and position >= upto:
                continue
            count = len(events) if position <= start else sum(1 for e in events if e.nid > position)
            work.append((target, self._rows(target.projection, histories, events, position, ctx), count))
        streams = sorted(registry) if self._wants_registry else []
        if cur is None:
            with self.db.write() as wcur:
                self._commit(wcur, work, links, upto, ready, streams, track)
        else:
            self._commit(cur, work, links, upto, ready, streams, track)
        self._pending.clear()
        if track:
            for target, _, _ in work:
                self.positions[target.state] = upto
        self.histories.trim()

    def _commit(self, cur: Any, work: Sequence[tuple[Target, Rows, int]], links: Mapping[str, tuple[str, int]],
                upto: int, ready: Sequence[tuple[dict[str, Rows], list[str], frozenset[str]]],
                streams: Sequence[str], track: bool) -> None:
        if track:
            for target, _, _ in work:
                if self.db.tracked(cur, target.tracking) != self.positions[target.state]:
                    raise ConflictError(f"投影 {target.state} 已被其他进程推进")
        new_links = sorted((s, g, n) for s, (g, n) in links.items() if n > self.position)
        if new_links:
            self.db.insert(cur, self.db.qualify("proj_links"), Table("proj_links", _LINKS.columns, _LINKS.key,
                                                                    scope=None), new_links)
        if self._pending:
            poison.park(self.db, cur, sorted(self._pending.values(), key=lambda p: p.nid))
        state_table = self.db.qualify("proj_state")
        now = _now()
        for target, rows, count in work:
            projection = target.projection
            projection.write(self.db, cur, target.suffix, [], streams if projection.registry else [], rows)
            for computed, groups, fresh in ready:
                if projection.groups:
                    projection.write(self.db, cur, target.suffix, groups, [], computed.get(projection.name, {}),
                                     fresh)
            if track:
                self.db.track(cur, target.tracking, upto)
                cur.execute(self.db.q(f"UPDATE {state_table} SET events = events + ?, updated_at = ? "
                                      "WHERE name = ?"), (count, now, target.state))
        if self.before_commit is not None:
            self.before_commit()

    def follow(self, stop: threading.Event | None = None, *, poll: float = 1.0,
               on_batch: Callable[[int], None] | None = None) -> None:
        """Keep the projections current until ``stop`` is set (SQLite: poll; PostgreSQL: LISTEN/NOTIFY;
        the loop: :func:`ledger.follow.follow`)."""
        follow(self.run_round, stop or threading.Event(), store=self.store, poll=poll, name="projections",
               on_round=on_batch)

    def run_round(self) -> int:
        """:meth:`run_once` for a follower: when another runner moved the views meanwhile, reload
        and go on from where they are (the events applied)."""
        try:
            return self.run_once()
        except ConflictError:
            self.reload()
            return 0

    # -- what a batch touches ------------------------------------------------------

    def _links(self, events: Sequence[Event]) -> dict[str, tuple[str, int]]:
        """stream → (case group, nid of the link) for the 复议 and lawsuit streams of the batch."""
        links: dict[str, tuple[str, int]] = {}
        for event in events:
            if event.type in _OPENINGS and event.stream not in links:
                links[event.stream] = (_target_case(event) or event.stream, event.nid)
        related = sorted({e.stream for e in events if e.stream.startswith(("review/", "litigation/"))} - set(links))
        links_table = self.db.qualify("proj_links")
        for sql, chunk in in_lists(f"SELECT stream, grp, nid FROM {links_table} WHERE stream IN ({{in}})", related):
            for stream, grp, nid in self.db.all(sql, chunk):
                links[str(stream)] = (str(grp), int(nid))
        return links

    def _touched(self, events: Sequence[Event], links: Mapping[str, tuple[str, int]], upto: int, *,
                 calendar_changed: bool) -> tuple[set[str], set[str]]:
        groups: set[str] = set()
        registry: set[str] = set()
        wants_groups, wants_registry = self._wants_groups, self._wants_registry
        for event in events:
            kind = event.stream.split("/", 1)[0]
            if kind in ("case", "supervision", "licence", "complaint", "inspection", "spotcheck", "coercion"):
                groups.add(event.stream)
            elif kind in ("review", "litigation"):
                groups.add(links[event.stream][0] if event.stream in links else event.stream)
            elif kind in ("agency", "officer"):
                registry.add(event.stream)
        if wants_groups and any(e.type == "OfficerRegistered" for e in events):
            # who was a head in court is read from the registry (domain.roles): a lawsuit folded
            # before the officer named in it was registered is folded again, as a rebuild would
            groups |= {str(g) for (g,) in self.db.all(
                f"SELECT DISTINCT grp FROM {self.db.qualify('proj_links')} WHERE stream >= ? AND stream < ? "
                "AND nid <= ?", ("litigation/", prefix_end("litigation/"), upto))}
            groups |= {g for stream, (g, _) in links.items() if stream.startswith("litigation/")}
            groups |= set(self.db.streams_with_prefix("complaint/", upto))  # the bureau: who registered it
        if wants_groups and any(e.stream.startswith("agency/") for e in events):
            groups |= set(self.db.streams_with_prefix("licence/", upto))  # the item's periods (LIC-10)
            groups |= set(self.db.streams_with_prefix("coercion/", upto))  # the item's periods (COE-07)
            groups |= set(self.db.streams_with_prefix("case/", upto, sorted(COERCION_TYPES)))  # measures on cases
        if calendar_changed and wants_groups:
            for prefix in OWN:
                groups |= set(self.db.streams_with_prefix(prefix, upto))
            groups |= {str(g) for (g,) in self.db.all(
                f"SELECT DISTINCT grp FROM {self.db.qualify('proj_links')} WHERE nid <= ?", (upto,))}
            groups |= {g for g, _ in links.values()}
        return (groups if wants_groups else set()), (registry if wants_registry else set())

    def _members(self, groups: set[str], links: Mapping[str, tuple[str, int]], upto: int) -> dict[str, list[str]]:
        """The streams of each case group as of ``upto``: the case and the 复议 and lawsuits that target it."""
        members: dict[str, set[str]] = {g: set() for g in groups}
        ordered = sorted(groups)
        for sql, chunk in in_lists(
                f"SELECT stream, grp FROM {self.db.qualify('proj_links')} WHERE grp IN ({{in}}) AND nid <= ?", ordered):
            for stream, grp in self.db.all(sql, [*chunk, upto]):
                members[str(grp)].add(str(stream))
        for stream, (grp, _) in links.items():
            if grp in members:
                members[grp].add(stream)
        out: dict[str, list[str]] = {}
        for key in ordered:
            own = [key] if key.startswith(OWN) else []
            out[key] = own + sorted(members[key] - {key})
        return out

    def _group_rows(self, members: Mapping[str, Sequence[str]], ctx: Context, upto: int, *,
                    fresh: bool = False, skip: Iterable[int] | None = None) -> tuple[dict[str, Rows], list[Parked]]:
        """Fold the groups and build every group projection's rows: ({projection name: rows}, parked events).

        A live runner (and a rebuild in one process) folds from its stream cache; a
        parallel rebuild reads the groups' events here (``fresh``: over a connection of
        its own, as a forked process must). A group that cannot be folded, or whose rows
        cannot be stored, is folded again without the events that cause it
        (:meth:`_isolate`); those are returned to be parked (``skip``: those parked already).
        """
        skipped: Collection[int] = self.parked if skip is None else set(skip)
        loaded = Loaded() if not self._lazy else self._load(members, ctx, upto, fresh=fresh, skip=skipped)
        data: Mapping[str, Sequence[Mapping[str, Any]]] = self.histories.data if not self._lazy else loaded.data
        broken, out, parked = loaded.broken, loaded.rows, list(loaded.parked)
        if parked:
            skipped = {*skipped, *(p.nid for p in parked)}
        registry = registry_of(self._people(members, data, upto, fresh=fresh, skip=skipped))  # one per batch
        for key, streams_of in members.items():
            try:
                if broken.intersection(streams_of):
                    raise CannotApply("decode", "存储字节无法解码")
                found = self._one_group(key, streams_of, ctx, data, registry)
            except Exception:
                def build(part: Mapping[str, Sequence[Mapping[str, Any]]], key: str = key,
                          streams_of: Sequence[str] = streams_of) -> dict[str, Rows]:
                    # the registry this part reads: without a parked event, another officer may have
                    # recorded the source (as a rebuild, which skips the parked events, sees it)
                    group = {key: streams_of}
                    people = self._people(group, part, upto, fresh=fresh, skip=skipped)
                    return self._one_group(key, streams_of, ctx, part, registry_of(people))

                found, more = self._isolate(streams_of, upto, build, fresh=fresh, skip=skipped)
                parked += more
            for name, rows in found.items():
                mine = out.setdefault(name, {})
                for table, items in rows.items():
                    mine.setdefault(table, []).extend(items)
        return out, parked

    def _load(self, members: Mapping[str, Sequence[str]], ctx: Context, upto: int, *, fresh: bool,
              skip: Collection[int]) -> Loaded:
        """A parallel rebuild's groups: their events read (``fresh``: over a connection of this process's own, as a
        forked process must), decoded and, unless the log pass did, screened for the per-event registers."""
        streams = [s for found in members.values() for s in found]
        raw = self.db.typed_stream_events(streams, upto, fresh=fresh)
        return load_screened(self._per_event if self._screen_in_folds else (), raw, skip, ctx)

    def _people(self, members: Mapping[str, Sequence[str]], data: Mapping[str, Sequence[Mapping[str, Any]]],
                upto: int, *, fresh: bool, skip: Collection[int]) -> dict[str, list[Mapping[str, Any]]]:
        """The registry streams the groups' folds read (``projections.groups.registry_streams``)."""
        named = registry_streams(members, data)
        if not named:
            return {}
        if not self._lazy:
            return dict(self.histories.get(named))
        people: dict[str, list[Mapping[str, Any]]] = {}
        for nid, stream, _, state in self.db.stream_events(named, upto, fresh=fresh):
            if nid not in skip:
                people.setdefault(stream, []).append(decode(state))
        return people

    def _one_group(self, key: str, streams: Sequence[str], ctx: Context,
                   data: Mapping[str, Sequence[Mapping[str, Any]]],
                   registry: HistoryRegistry | None = None) -> dict[str, Rows]:
        """One group's rows for every group projection, checked storable; raises when they cannot be made."""
        try:
            group: Folded = fold_group(key, streams, data, config=self.config, calendar=ctx.calendar,
                                       registry=registry)
        except Exception as exc:
            raise CannotApply("fold", f"案卷无法折叠: {exc!r}") from exc
        out: dict[str, Rows] = {}
        for target in self.targets:
            projection = target.projection
            if not projection.groups:
                continue
            try:
                rows = projection.group_rows(key, group, ctx)
            except Exception as exc:
                raise CannotApply(projection.name, repr(exc)) from exc
            check_rows(projection.name, rows)
            out[projection.name] = rows
        return out

    def _job(self, members: Mapping[str, Sequence[str]], ctx: Context, upto: int) -> _Job:
        """Start folding ``members``: on the rebuild's worker processes when there are many, else here.

        The workers (:class:`_FoldPool`, forked once when the rebuild starts) read their
        groups' events over connections of their own, fold and send the rows back; they
        never touch the parent's connections. The fold is pure, so which process computed
        a row changes nothing but speed.
        """
        keys = list(members)
        parallel = self._lazy and len(keys) >= PARALLEL_GROUPS and hasattr(os, "fork")
        n = min(self.workers, len(keys)) if parallel else 1
        if n <= 1:
            return _Job(done=self._group_rows(members, ctx, upto))
        if self._pool is None:
            self._pool = _FoldPool(self, self.workers)
        size = -(-len(keys) // (2 * n))  # two parts per worker: the faster one takes the spare part
        parts = [{k: members[k] for k in keys[i : i + size]} for i in range(0, len(keys), size)]
        return _Job(pending=self._pool.submit(parts, ctx, upto, frozenset(self.parked)))

    def _rows(self, projection: Projection, histories: Mapping[str, Sequence[Mapping[str, Any]]],
              events: Sequence[Event], position: int, ctx: Context) -> Rows:
        """The registry and per-event rows of one projection (group rows come from :meth:`_group_rows`)."""
        rows: Rows = {}

        def merge(found: Rows) -> None:
            for table, items in found.items():
                rows.setdefault(table, []).extend(items)

        if projection.registry:
            for stream, history in histories.items():
                merge(self._registry_rows(projection, stream, history, ctx))
        if projection.events:
            merge(projection.event_rows([e for e in events if e.nid > position], ctx))
        return rows

    def _registry_rows(self, projection: Projection, stream: str, history: Sequence[Mapping[str, Any]],
                       ctx: Context) -> Rows:
        """One registry stream's rows; when they cannot be made, made without the events that cause it."""

        def build(data: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Rows]:
            try:
                rows = projection.registry_rows(stream, data.get(stream, ()), ctx)
            except Exception as exc:
                raise CannotApply(projection.name, repr(exc)) from exc
            check_rows(projection.name, rows)
            return {projection.name: rows}

        try:
            return build({stream: history})[projection.name]
        except Exception:
            found, parked = self._isolate([stream], self.histories.position, build, fresh=False, skip=self.parked)
            for event in parked:
                self._park(event)
            return found.get(projection.name, {})


def _target_case(event: Event) -> str | None:
    """The case a 复议 or lawsuit's opening step targets."""
    data = event.envelope.get("data")
    target = data.get("target") if isinstance(data, Mapping) else None
    case = target.get("case") if isinstance(target, Mapping) else None
    return case if isinstance(case, str) and case else None


# --------------------------------------------------------------------------- rebuild


def rebuild(
    store: EventStore,
    names: Sequence[str] | None = None,
    *,
    config: Config | None = None,
    batch: int = REBUILD_BATCH,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> dict[str, int]:
    """Rebuild projections from zero into fresh ``__next`` tables, then swap them in.

    The live tables keep serving (and a live runner keeps updating them) until the
    swap, which happens in one transaction under the projections' lock after the
    rebuild has caught up with the ledger's head. Returns the events each rebuilt
    projection has applied. ``workers`` processes fold the case files (default:
    :func:`default_workers`; see :meth:`Runner._job`).
    """
    projections = [by_name(n) for n in names] if names else list(ALL)
    db = Database(store)
    ensure(db)
    with db.ddl_lock() as cur:
        for projection in projections:
            for table in projection.tables:
                db.drop(cur, table, NEXT)
                db.create(cur, table, NEXT, indexes=False)  # built once filled (_rebuild)
            db.untrack(cur, tracking_name(projection.name + REBUILD))
            _set_state(db, cur, projection.name + REBUILD, 0, schema_of(projection))
    runner = Runner(store, projections, config=config, batch=batch, rebuild=True, db=db, cache_streams=4 * DEFER_GROUPS,
                    workers=default_workers() if workers is None else workers,
                    after_batch=(lambda _: progress(runner.position)) if progress else None)
    try:
        with db.bulk():
            return _rebuild(db, runner, projections)
    finally:
        runner.close()
        db.close()

def _rebuild(db: Database, runner: Runner, projections: Sequence[Projection]) -> dict[str, int]:
    runner.run_once()
    with db.write() as cur:
        while runner.step(cur):
            pass  # the last events, under the lock: nothing can slip between catching up and the swap
        runner.flush(cur)
        for projection in projections:
            for table in projection.tables:
                db.create_indexes(cur, table, NEXT)
        return swap_in(db, cur, projections, runner.position)


def wait_until_current(runner: Runner, timeout: float = 10.0) -> bool:
    """Run until no event is pending (tests and one-shot commands); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if runner.run_once() == 0:
            return True
    return False
