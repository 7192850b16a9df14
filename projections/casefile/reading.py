"""Reading the stored JSON of a step: forgiving accessors (backfilled history may hold ``null``
for any legal fact) and the timeline line of an event."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Final

from domain.calendar import SHANGHAI
from domain.extensions import Extension, approval_day
from domain.reading import int_of, text_of
from domain.shapes import Party
from projections.casefile.model import TimelineEntry
from projections.labels import STEP_LABELS, STEP_STAGE

History = Sequence[Mapping[str, Any]]


@lru_cache(maxsize=131072)
def parse_time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def time_of(value: object) -> datetime | None:
    """An aware datetime from a ``…_at`` field, or None."""
    return parse_time(value) if isinstance(value, str) else None


@lru_cache(maxsize=131072)
def day_at(text: str) -> date | None:
    moment = parse_time(text)
    return moment.astimezone(SHANGHAI).date() if moment is not None else None


def day_of(value: object) -> date | None:
    """The Asia/Shanghai date of a timestamp field, or a ``YYYY-MM-DD`` date field."""
    if not isinstance(value, str):
        return None
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return day_at(value)


def party_of(value: object) -> Party | None:
    """A party (当事人, 申请人) from step JSON, tolerating missing fields."""
    if not isinstance(value, Mapping):
        return None
    birth = day_of(value.get("birth_date"))
    return Party(
        kind=str(value.get("kind") or ""), name=str(value.get("name") or ""),
        id_number=text_of(value.get("id_number")), credit_code=text_of(value.get("credit_code")),
        address=text_of(value.get("address")), phone=text_of(value.get("phone")), birth_date=birth,
        legal_representative=text_of(value.get("legal_representative")),
    )


PEOPLE: Final = frozenset({"CaseRegistered", "InquiryRecorded", "HearingHeld"})


def people_of(kind: str, data: Mapping[str, Any]) -> list[Party]:
    """Everyone the step describes with personal details: the party, an interviewee, agents."""
    if kind == "CaseRegistered":
        found = [party_of(data.get("party"))]
    elif kind == "InquiryRecorded":
        found = [party_of(data.get("interviewee"))]
    else:
        found = [party_of(a) if isinstance(a, Mapping) else Party("person", a) for a in data.get("agents") or ()
                 if isinstance(a, Mapping | str)]
    return [p for p in found if p is not None]


def _overrides(entry: Mapping[str, Any]) -> tuple[str, ...]:
    raw = entry.get("override")
    items = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, list) else []
    return tuple(str(o.get("rule")) for o in items if isinstance(o, Mapping) and o.get("rule"))


def timeline_entry(stream: str, entry: Mapping[str, Any], version: int) -> TimelineEntry:
    kind = str(entry.get("type"))
    at_text = entry.get("at")
    if not isinstance(at_text, str):
        at_text = ""
    by = entry.get("by")
    return TimelineEntry(
        stream, version, kind, STEP_LABELS.get(kind, kind), _STAGE_OF.get(kind) or STEP_STAGE.get(kind, ""),
        parse_time(at_text) or EPOCH, at_text, str(entry.get("recorded_at") or ""),
        by if isinstance(by, str) else "", entry.get("backfilled") is True,
        _overrides(entry) if "override" in entry else (),
    )


EPOCH: Final = datetime(1970, 1, 1, tzinfo=SHANGHAI)
_STAGE_OF: Final[dict[str, str]] = {
    "ReconsiderationApplied": "reconsideration", "LawsuitFiled": "litigation",
}


def version_of(entry: Mapping[str, Any], index: int) -> int:
    version = entry.get("version")
    return version if isinstance(version, int) and not isinstance(version, bool) else index + 1


# --------------------------------------------------------------------------- documents

# step type -> ((field, item, default title, kind), ...); kind "list" fields hold several files.


def first_after(days: Sequence[tuple[int, date | None]], position: int) -> date | None:
    """The first date recorded after ``position`` (what a deadline started there waits for)."""
    return next((d for p, d in days if p > position and d is not None), None)


def staff_of(history: History) -> tuple[str, ...]:
    """Everyone who recorded a step of ``history``, in order of appearance."""
    return tuple(dict.fromkeys(str(e.get("by")) for e in history if isinstance(e.get("by"), str)))


@lru_cache(maxsize=131072)
def on_day(moment: datetime) -> date | None:
    """The Asia/Shanghai date of a timeline moment (None for the epoch of a step without ``at``)."""
    return moment.astimezone(SHANGHAI).date() if moment is not EPOCH else None


def extension_of(version: int, day: date | None, data: Mapping[str, Any]) -> Extension:
    """An extension step as ``domain.extensions`` judges it: approved on the later of its date and
    any recorded ``approved_at``."""
    approved_on = approval_day(day, day_of(data.get("approved_at"))) or EPOCH.date()
    return Extension(version, approved_on, int_of(data.get("days")) or 0, text_of(data.get("approved_by")))


def days_between(a: datetime, b: datetime) -> int:
    """Whole days from ``a`` to ``b`` (the 补录 gap between ``at`` and ``recorded_at``)."""
    return (b - a) // timedelta(days=1)
