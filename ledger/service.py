"""The write and read paths of the ledger: validate, seal, sign, append; read with checks.

A step travels: structural check against the stream's state (domain) → envelope with
the ledger's ``recorded_at``, version, ``prev`` and a nonce → Ed25519 signature by the
signer (``by`` live, the importing identity for 补录) → one append transaction.
"""

from __future__ import annotations

import base64
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from threading import Lock
from typing import Any

from eventsourcing.persistence import PersistenceError

from domain import identities
from domain.admission import CALENDAR_SPAN, calendar_for, validate
from domain.appeals import APPEAL_PREFIXES, target_of
from domain.calendar import WorkingCalendar
from domain.config import Config
from domain.errors import StepRefused
from domain.gates import GateContext, with_registry
from domain.identities import Officer
from domain.step import Step, parse_timestamp
from domain.validation import check_structure
from ledger import canonical
from ledger.database import Database, open_database
from ledger.envelope import FORMAT, SealedEvent, b64, check_shape, content_hash, seal, split
from ledger.errors import ChainError, SealRefused
from ledger.keyring import Keyring, parse_time
from ledger.keys import KeyStore, SigningKey, key_id, verify
from ledger.store import Appender, ChainBrokenError, EventStore
from ledger.translog.lookup import LogLookup

CLIENT_CLOCK_TOLERANCE = timedelta(minutes=5)
CACHE_STREAMS = 2000

Validator = Callable[[Step, "BatchView"], None]
OnSealed = Callable[[Appender, list[SealedEvent]], None]
"""Runs in the append transaction with the sealed events (e.g. to record an idempotency key)."""


def now_utc() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Appended:
    """What the caller learns about an appended event."""

    stream: str
    version: int
    type: str
    notification_id: int
    hash: str


@dataclass
class BatchView:
    """Stream states as the ledger holds them plus the steps earlier in the same batch."""

    ledger: Ledger
    backfill: bool = False
    _events: dict[str, list[SealedEvent]] = field(default_factory=dict)
    _history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _officers: dict[str, Officer | None] = field(default_factory=dict)
    head_hashes: dict[str, bytes] = field(default_factory=dict)
    _calendars: dict[int, WorkingCalendar] = field(default_factory=dict)
    _registry: GateContext | None = None

    @property
    def registry(self) -> GateContext:
        """The gates' view of the registry over this batch (its folds kept across steps)."""
        if self._registry is None:
            self._registry = with_registry(self, self.ledger.log)
        return self._registry

    def events(self, stream: str) -> list[SealedEvent]:
        """The stream's events, stored then pending; read-only for callers."""
        events = self._events.get(stream)
        if events is None:
            events = self._events[stream] = self.ledger.cached(stream)
        return events

    def head(self, stream: str) -> SealedEvent | None:
        events = self.events(stream)
        return events[-1] if events else None

    def add(self, event: SealedEvent, event_hash: bytes) -> None:
        self.events(event.stream).append(event)
        if event.stream in self._history:
            self._history[event.stream].append(event.envelope)
        self.head_hashes[event.stream] = event_hash
        self._officers.pop(event.stream, None)
        if event.stream.startswith("calendar/"):
            self._calendars.clear()

    def history(self, stream: str) -> list[dict[str, Any]]:
        history = self._history.get(stream)
        if history is None:
            history = self._history[stream] = [e.envelope for e in self.events(stream)]
        return history

    def targeting(self, stream: str) -> list[str]:
        """The ``review/`` and ``litigation/`` streams whose opening targets a decision of ``stream``
        (``domain.appeals.TargetIndex``): those stored and those opened earlier in this batch."""
        openings = {e.stream: e for prefix in APPEAL_PREFIXES for e in self.ledger.store.openings(prefix)}
        for name, events in self._events.items():
            if name.startswith(APPEAL_PREFIXES) and events and name not in openings:
                openings[name] = events[0]
        out = []
        for name, event in sorted(openings.items()):
            found = target_of([event.envelope])
            if found is not None and found.stream == stream:
                out.append(name)
        return out

    def calendar(self, year: int) -> WorkingCalendar:
        """The calendar with the notices near ``year``, rebuilt only when a notice was added."""
        calendar = self._calendars.get(year)
        if calendar is None:
            calendar = self._calendars[year] = self.ledger.calendars.get(self, year)
        return calendar

    def officer(self, identity: str) -> Officer | None:
        if identity not in self._officers:
            self._officers[identity] = identities.fold(
                identity, ((e.type, e.data) for e in self.events(identity))
            )
        return self._officers[identity]

    def keyring(self, *identity_list: str) -> Keyring:
        ring = Keyring()
        for identity in identity_list:
            for event in self.events(identity):
                ring.apply(event)
        return ring


def _check_values(step: Step) -> None:
    """Every value of a new step before anything walks it: JSON the canonical bytes can hold
    (STRUCT-FIELD otherwise) and nothing the ledger refuses to write (STRUCT-ENCODING: control
    characters that break PostgreSQL text columns, nesting beyond canonical.MAX_DEPTH that would
    exhaust a recursive reader). Stream, type, at and by are text Step.parse fixed; the walk covers
    them too, so no member escapes it."""
    try:
        canonical.check_new(step.raw)
    except canonical.ForbiddenValueError as exc:
        raise StepRefused("STRUCT-ENCODING", f"步骤含不能写入的值: {exc}") from exc
    except canonical.EncodingError as exc:
        raise StepRefused("STRUCT-FIELD", f"没有规范编码的值: {exc}") from exc


class _Calendars:
    """Calendars by year, keyed by how many notices each nearby calendar stream holds."""

    def __init__(self) -> None:
        self._built: dict[tuple[int, tuple[int, ...]], WorkingCalendar] = {}

    def get(self, view: BatchView, year: int) -> WorkingCalendar:
        low, high = CALENDAR_SPAN
        counts = tuple(len(view.history(f"calendar/{y}")) for y in range(year + low, year + high + 1))
        key = (year, counts)
        if key not in self._built:
            self._built[key] = calendar_for(view, year)
        return self._built[key]


def structural_check(step: Step, view: BatchView) -> None:
    """Structure only: for callers that bring their own legal checks (tests, benchmarks)."""
    check_structure(step, view, backfill=view.backfill)


def admission(config: Config) -> Validator:
    """Structure always, the legal gates when live (domain.admission), with ``config``."""

    def check(step: Step, view: BatchView) -> None:
        if view.backfill:
            validate(step, view, backfill=True, config=config)
        else:
            validate(step, view, backfill=False, config=config, calendar=view.calendar(step.at.year),
                     registry=view.registry)

    return check


class Ledger:
    """The ledger as its callers (CLI, HTTP, import) see it."""

    def __init__(
        self,
        store: EventStore,
        keystore: KeyStore | None,
        *,
        validator: Validator | None = None,
        config: Config | None = None,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.store = store
        self.keystore = keystore
        self.config = config or Config()
        self.validator = validator or admission(self.config)
        self.clock = clock
        self._cache: OrderedDict[str, list[SealedEvent]] = OrderedDict()
        self.calendars = _Calendars()
        self._cache_lock = Lock()
        self._database: Database | None = None
        self._log: LogLookup | None = None

    @property
    def log(self) -> LogLookup:
        """This ledger's transparency log as the INS-02 gate asks it (its checkpoints, the leaf index
        of an event), read inside the append transaction when one is open."""
        if self._log is None:
            self._database = open_database(self.store, create_tracking=False)
            self._log = LogLookup(self._database, self._log_cursor)
        return self._log

    @contextmanager
    def _log_cursor(self) -> Iterator[Any]:
        shared = self.store.open_cursor()
        if shared is not None:
            yield shared
            return
        assert self._database is not None
        with self._database.read() as cur:
            yield cur

    def close(self) -> None:
        self.store.close()

    # -- reading -------------------------------------------------------------------

    def read(self, stream: str, *, check_signature: bool = True) -> list[SealedEvent]:
        """A stream's events, its chain checked (hashes; the head's signature)."""
        events = _extend_checked(stream, [], self.store.stream(stream))
        if check_signature and events:
            self._check_head(events[-1])
        return events

    def cached(self, stream: str) -> list[SealedEvent]:
        """A stream's events from a small LRU cache, fast-forwarded from the store.

        Used to validate and seal; the append transaction re-checks the link to the
        stored head, so a stale cache can only cause a refusal, never a broken chain.
        """
        with self._cache_lock:
            events = self._cache.pop(stream, None)
        if events is None:
            events = self.read(stream, check_signature=False)
        else:
            new = self.store.stream(stream, gt=len(events))
            if new:
                events = _extend_checked(stream, events, new)
        with self._cache_lock:
            self._cache[stream] = events
            while len(self._cache) > CACHE_STREAMS:
                self._cache.popitem(last=False)
        return list(events)

    def _check_head(self, head: SealedEvent) -> None:
        signer, kid = head.signer
        record = self.keyring(signer).keys.get(kid)
        unsigned, signature = split(head.stored)
        if record is None or not verify(record.public_key, unsigned, signature):
            raise ChainError(f"{head.stream} v{head.version}: 流头签名无效", head.stream, head.version)

    def keyring(self, *identity_list: str) -> Keyring:
        return BatchView(self).keyring(*identity_list)

    def officer(self, identity: str) -> Officer | None:
        return BatchView(self).officer(identity)

    def stream_head(self, stream: str) -> tuple[int, str | None]:
        """(version, hash) of a stream's head: what a client signs its envelope against."""
        head = self.store.head(stream)
        if head is None:
            return 0, None
        return head.version, content_hash(head.unsigned).hex()

    # -- writing -------------------------------------------------------------------

    def record(
        self, steps: Sequence[Mapping[str, Any]], *, actor: str, backfill: bool = False,
        on_sealed: OnSealed | None = None,
    ) -> list[Appended]:
        """Validate, seal, sign and append steps in one transaction; all or nothing.

        The transaction is opened first (SQLite: ``BEGIN IMMEDIATE``), so the stream
        heads read while sealing are the heads the rows are appended to. ``on_sealed``
        runs with the sealed events inside that transaction, before the commit (SQLite),
        or just before the append (PostgreSQL). An append whose outcome is unknown is
        settled by looking the events up (:meth:`settle`).
        """
        view = BatchView(self, backfill=backfill)
        events: list[SealedEvent] = []
        try:
            with self.store.appending() as appender:
                sealed = self._seal_all(steps, view, actor, backfill)
                events = [SealedEvent(seal(unsigned, key.sign(unsigned)), envelope)
                          for key, unsigned, envelope, _ in sealed]
                appender.add(events)
                if on_sealed is not None:
                    on_sealed(appender, events)
            ids = appender.ids
        except PersistenceError as exc:
            ids = self._settled(events, exc)
        return [
            Appended(envelope["stream"], envelope["version"], envelope["type"], n, digest.hex())
            for (_, _, envelope, digest), n in zip(sealed, ids, strict=True)
        ]

    def append_sealed(self, events: Sequence[SealedEvent], on_sealed: OnSealed | None = None) -> list[Appended]:
        """Append events already sealed (and checked); an unknown outcome is settled as in :meth:`record`."""
        try:
            with self.store.appending() as appender:
                appender.add(events)
                if on_sealed is not None:
                    on_sealed(appender, list(events))
            ids = appender.ids
        except PersistenceError as exc:
            ids = self._settled(list(events), exc)
        return [
            Appended(e.stream, e.version, e.type, n, content_hash(e.unsigned).hex())
            for e, n in zip(events, ids, strict=True)
        ]

    def _settled(self, events: list[SealedEvent], failure: PersistenceError) -> list[int]:
        """The ids of ``events`` if the failed append stored them after all; else the failure again.

        A lost connection, or the library's retry meeting the duplicate key of a commit that
        did succeed, leaves the outcome unknown; the nonce makes each sealed event unique,
        so the stored bytes tell. If the store cannot be asked, that error propagates.
        """
        if events:
            ids = self.settle(events)
            if isinstance(ids, list):
                return ids
            if ids == "absent" and isinstance(failure, ChainBrokenError):
                self._changed_heads(events)
        raise failure

    def _changed_heads(self, events: list[SealedEvent]) -> None:
        """A link refused while the place is free: if the stored predecessor is not the one the
        event was sealed against (read earlier, now changed in place), that is a ChainError."""
        seen: set[str] = set()
        for event in events:
            if event.stream in seen or event.version < 2:
                continue
            seen.add(event.stream)
            stored = self._stored_at(event.stream, event.version - 1)
            if stored is not None and content_hash(split(stored[1])[0]).hex() != event.prev:
                with self._cache_lock:
                    self._cache.pop(event.stream, None)
                raise ChainError(f"{event.stream} v{event.version - 1}: 已存储的事件与先前读取的不同",
                                 event.stream, event.version - 1)

    def settle(self, events: Sequence[SealedEvent]) -> list[int] | str:
        """Whether exactly these events are stored: their notification ids if so; otherwise
        ``"absent"`` (their places are free: the append did not happen) or ``"lost"``
        (another event holds a place: they can never be appended as they are)."""
        ids: list[int] = []
        lost = False
        for event in events:
            found = self._stored_at(event.stream, event.version)
            if found is not None:
                lost = lost or found[1] != event.stored
                ids.append(found[0])
        if not ids:
            return "absent"
        return ids if not lost and len(ids) == len(events) else "lost"

    def _stored_at(self, stream: str, version: int) -> tuple[int, bytes] | None:
        """(notification id, stored bytes) of one row, read outside any transaction of this thread."""
        recorder: Any = self.store.recorder
        if self.store.config.postgres_dsn:
            sql = (f'SELECT notification_id, state FROM "{recorder.datastore.schema}".'
                   f'"{recorder.events_table_name}" WHERE originator_id = %s AND originator_version = %s')
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(sql, (stream, version))
                row = cursor.fetchone()
            return None if row is None else (int(row["notification_id"]), bytes(row["state"]))
        sql = (f"SELECT rowid, state FROM {recorder.events_table_name} "
               "WHERE originator_id = ? AND originator_version = ?")
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql, (stream, version))
            found = cursor.fetchone()
        return None if found is None else (int(found[0]), bytes(found[1]))

    def _seal_all(
        self, steps: Sequence[Mapping[str, Any]], view: BatchView, actor: str, backfill: bool
    ) -> list[tuple[SigningKey, bytes, dict[str, Any], bytes]]:
        """Envelopes and their content hashes; the chain within a batch runs over these."""
        sealed = []
        signers: dict[str, tuple[str, SigningKey | None, str | None]] = {}
        now = self.clock()
        recorded_at = format_time(now)
        nonces = base64.b64encode(os.urandom(18 * len(steps))).decode("ascii")  # 24 characters each
        for i, raw in enumerate(steps):
            try:
                step = Step.parse(raw)
                _check_values(step)
                if not backfill:
                    self._check_horizon(step, now)
                self.validator(step, view)
                if step.kind == "officer":
                    signers.clear()  # identity steps may change who holds which key
                if step.by not in signers:
                    signers[step.by] = self._signer_for(step, view, actor, backfill)
                signer_id, key, actor_field = signers[step.by]
                issued = self._issue_key(step)
                if issued is not None and signer_id == step.stream and key is None:
                    key = self._held(issued[0])  # the bootstrap identity signs its own registration
            except StepRefused as exc:
                exc.index = i  # which step of the batch, for import's line numbers
                raise
            assert key is not None
            envelope = self._envelope(step, view, recorded_at, signer_id, key.key_id, nonces[24 * i : 24 * i + 24])
            if actor_field:
                envelope["actor"] = actor_field
            if backfill:
                envelope["backfilled"] = True
            if issued is not None:
                envelope["key"] = {"id": issued[0], "public_key": issued[1]}
            unsigned = canonical.encode_checked(envelope)  # its free values were checked above
            event_hash = content_hash(unsigned)
            view.add(SealedEvent(b"", envelope), event_hash)  # not yet signed: the view reads its envelope
            sealed.append((key, unsigned, envelope, event_hash))
        return sealed

    def submit_sealed(self, stored: bytes, on_sealed: OnSealed | None = None) -> Appended:
        """Accept an envelope a client built from the stream's head and signed itself."""
        try:
            outer = canonical.decode(stored)
            unsigned, signature = split(stored)
        except ValueError as exc:
            raise SealRefused("STRUCT-ENVELOPE", f"信封不是规范编码的签名事件: {exc}") from exc
        if not isinstance(outer, dict) or set(outer) != {"event", "sig"}:
            raise SealRefused("STRUCT-ENVELOPE", "信封应只含 event 与 sig")
        try:
            envelope = check_shape(outer["event"])
        except ValueError as exc:
            raise SealRefused("STRUCT-ENVELOPE", str(exc)) from exc
        try:
            canonical.check_new(envelope)  # what a new step may hold, the ledger's members too
        except canonical.ForbiddenValueError as exc:
            raise SealRefused("STRUCT-ENCODING", f"信封含不能写入的值: {exc}") from exc
        event = SealedEvent(stored, envelope)
        step = Step.parse(event.step())
        claimed = parse_timestamp(envelope.get("recorded_at"), "recorded_at")
        self._check_horizon(step, claimed)  # before the gates count anything from a far-future at
        view = BatchView(self)
        self.validator(step, view)
        if envelope.get("backfilled"):
            raise SealRefused("STRUCT-ENVELOPE", "客户端签名的信封不能是补录")
        signer_id, kid = event.signer
        if signer_id != step.by:
            raise SealRefused("SIG-SIGNER", f"签名人 {signer_id} 应为 by ({step.by})")
        version, head_hash = self.stream_head(step.stream)
        if envelope.get("version") != version + 1 or envelope.get("prev") != head_hash:
            raise SealRefused(
                "STALE-VERSION",
                f"信封基于过期的流头: 当前版本 {version}, 信封版本 {envelope.get('version')}",
            )
        skew = abs(claimed - self.clock())
        if skew > CLIENT_CLOCK_TOLERANCE:
            raise SealRefused("CLOCK-SKEW", f"客户端时钟偏差 {skew} 超过 5 分钟")
        ring = view.keyring(signer_id)
        problem = ring.problem(signer_id, kid, claimed)
        if problem:
            raise SealRefused("KEY-INVALID", problem)
        if not verify(ring.keys[kid].public_key, unsigned, signature):
            raise SealRefused("SIG-INVALID", "客户端签名与信封不符")
        if {"actor", "key"} & set(envelope):
            raise SealRefused("STRUCT-ENVELOPE", "客户端信封不能含 actor 或 key (由账本填写)")
        return self.append_sealed([event], on_sealed)[0]

    def _check_horizon(self, step: Step, recorded: datetime) -> None:
        """A live step cannot have happened long after it is recorded (config recording.future_at_hours);
        a far-future ``at`` would move every deadline counted from it. 补录 transcribes paper as it is."""
        hours = self.config.recording.future_at_hours
        try:
            horizon = recorded + timedelta(hours=hours)
        except OverflowError:  # recorded within hours of year 9999's end: every time is before it
            return
        if step.at > horizon:
            raise StepRefused("STRUCT-TIME", f"at {step.raw['at']} 晚于记录时间 {format_time(recorded)} "
                                             f"超过 {hours} 小时; 尚未发生的事不能实时记录")

    def _envelope(
        self, step: Step, view: BatchView, recorded_at: str, signer: str, kid: str, nonce: str
    ) -> dict[str, Any]:
        head = view.head(step.stream)
        envelope: dict[str, Any] = dict(step.raw)
        envelope.update(
            format=FORMAT,
            recorded_at=recorded_at,
            version=(head.version + 1) if head else 1,
            prev=(view.head_hashes.get(step.stream) or content_hash(head.unsigned)).hex() if head else None,
            nonce=nonce,
            signer={"id": signer, "key": kid},
        )
        if envelope.get("override") is None:
            envelope.pop("override", None)
        return envelope

    def _signer_for(
        self, step: Step, view: BatchView, actor: str, backfill: bool
    ) -> tuple[str, SigningKey | None, str | None]:
        """(signer identity, key, acting admin or None) — steps.md "Who signs"."""
        acting = view.officer(actor)
        if backfill:
            if acting is None or not acting.has_role("admin"):
                raise SealRefused("STRUCT-BACKFILL", f"补录须由管理员执行; {actor} 不是管理员")
            return actor, self._active_key(view, actor), None
        actor_field = None
        if actor != step.by:
            if acting is None or not acting.has_role("admin"):
                raise SealRefused("STRUCT-ACTOR", f"{actor} 不能代 {step.by} 记录 (须为本人或管理员)")
            actor_field = actor
        bootstrap = step.type == "OfficerRegistered" and step.stream == step.by
        if bootstrap:
            return step.by, None, actor_field
        return step.by, self._active_key(view, step.by), actor_field

    def _active_key(self, view: BatchView, identity: str) -> SigningKey:
        ring = view.keyring(identity)
        record = ring.active_key(identity)
        if record is None:
            raise SealRefused("KEY-NONE", f"{identity} 没有有效密钥 (未登记、已停用或已撤销)")
        return self._held(record.key_id)

    def _held(self, kid: str) -> SigningKey:
        if self.keystore is None or not self.keystore.holds(kid):
            raise SealRefused("KEY-NOT-HELD", f"服务器未保管密钥 {kid}; 请由客户端自行签名")
        return self.keystore.get(kid)

    def _issue_key(self, step: Step) -> tuple[str, str] | None:
        if step.type not in ("OfficerRegistered", "KeyRotated"):
            return None
        given = step.data.get("public_key")
        if isinstance(given, str):
            try:
                raw = base64.b64decode(given, validate=True)
            except ValueError as exc:
                raise SealRefused("STRUCT-FIELD", "public_key 不是 base64") from exc
            if len(raw) != 32:
                raise SealRefused("STRUCT-FIELD", "public_key 应为 32 字节 Ed25519 公钥")
            return key_id(raw), given
        if self.keystore is None:
            raise SealRefused("KEY-NOT-HELD", "未配置密钥库, 无法为该身份生成密钥")
        key = self.keystore.generate(step.stream)
        return key.key_id, b64(key.public_key)


def _extend_checked(
    stream: str, events: list[SealedEvent], new: list[SealedEvent]
) -> list[SealedEvent]:
    prev = content_hash(events[-1].unsigned).hex() if events else None
    for expected, event in enumerate(new, start=len(events) + 1):
        if event.version != expected or event.stream != stream:
            raise ChainError(f"{stream}: 版本 {expected} 处不连续或流名不符", stream, expected)
        if event.prev != prev:
            raise ChainError(f"{stream} v{expected}: prev 与前一事件哈希不符", stream, expected)
        prev = content_hash(event.unsigned).hex()
    return events + new


__all__ = ["Appended", "BatchView", "Ledger", "parse_time"]
