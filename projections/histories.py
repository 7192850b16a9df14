"""What a runner keeps between batches: the stream-history cache (envelopes of recently used
streams, complete up to the runner's position, so a batch folds its case groups without reading
their streams again) and the working calendar as of that position."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from domain.calendar import CalendarError, HolidayNotice, WorkingCalendar
from ledger.stored import decode
from projections.definitions import Event
from projections.sql import Database

__all__ = ["CACHE_STREAMS", "Calendars", "Histories", "calendar_changed"]

CACHE_STREAMS = 4096


class Histories:
    """The envelopes of recently used streams, complete up to the runner's position (an LRU)."""

    def __init__(self, db: Database, limit: int = CACHE_STREAMS) -> None:
        self.db = db
        self.limit = limit
        self.position = -1
        self.data: OrderedDict[str, list[Mapping[str, Any]]] = OrderedDict()
        self.skip: set[int] = set()  # parked events: never part of a history

    def forget(self, streams: Iterable[str]) -> None:
        """Drop streams (one of their events was just parked): they are read again without it."""
        for stream in streams:
            self.data.pop(stream, None)

    def reset(self, position: int) -> None:
        if self.position != position:
            self.data.clear()
            self.position = position

    def advance(self, events: Sequence[Event], upto: int) -> None:
        """Add a batch's events (the batch follows ``self.position`` directly)."""
        missing: set[str] = set()
        for event in events:
            if event.nid in self.skip:
                continue
            known = self.data.get(event.stream)
            if known is not None:
                known.append(event.envelope)
            elif event.stream in missing:
                continue
            elif event.version == 1:
                self.data[event.stream] = [event.envelope]
            else:
                missing.add(event.stream)
        self.position = upto
        if missing:
            self._load(sorted(missing))

    def get(self, streams: Iterable[str]) -> dict[str, list[Mapping[str, Any]]]:
        wanted = list(dict.fromkeys(streams))
        absent = [s for s in wanted if s not in self.data]
        if absent:
            self._load(absent)
        out = {}
        for stream in wanted:
            self.data.move_to_end(stream)
            out[stream] = self.data[stream]
        return out

    def trim(self) -> None:
        while len(self.data) > self.limit:
            self.data.popitem(last=False)

    def _load(self, streams: Sequence[str]) -> None:
        loaded: dict[str, list[Mapping[str, Any]]] = {s: [] for s in streams}
        for nid, stream, _, state in self.db.stream_events(streams, self.position):
            if nid not in self.skip:
                loaded[stream].append(decode(state))
        self.data.update(loaded)


def calendar_changed(events: Sequence[Event]) -> bool:
    """Whether a batch publishes a holiday notice (working days, hence due dates, change)."""
    return any(e.type == "HolidayNoticePublished" for e in events)


class Calendars:
    """The working calendar as of a runner's position: the holiday notices read once, then
    extended by each batch's (``skip``: parked events, never part of the calendar)."""

    def __init__(self, db: Database, skip: set[int]) -> None:
        self.db = db
        self.skip = skip
        self.at = -1
        self.notices: list[tuple[int, HolidayNotice]] = []
        self.current = WorkingCalendar()

    def upto(self, start: int, events: Sequence[Event]) -> WorkingCalendar:
        """The calendar after ``events`` (which follow ``start``)."""
        if self.at != start:
            streams = self.db.streams_with_prefix("calendar/", start)
            self.notices = []
            for nid, _, _, state in self.db.stream_events(streams, start) if streams else []:
                if nid not in self.skip:
                    self._add(nid, decode(state))
            self.notices.sort(key=lambda n: n[0])
        for event in events:
            if event.type == "HolidayNoticePublished":
                self._add(event.nid, event.envelope)
        if events:
            self.at = events[-1].nid
        self.current = WorkingCalendar.from_notices(n for _, n in self.notices)
        return self.current

    def _add(self, nid: int, envelope: Mapping[str, Any]) -> None:
        data = envelope.get("data")
        if envelope.get("type") != "HolidayNoticePublished" or not isinstance(data, Mapping):
            return
        try:
            self.notices.append((nid, HolidayNotice.from_step_data(data)))
        except (CalendarError, ValueError, TypeError, KeyError, AttributeError):
            pass  # a notice the calendar cannot use (backfilled nonsense) changes no working day
