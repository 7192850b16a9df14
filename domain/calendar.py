"""Working-day calendar and legal deadlines (rules.md §1, CAL-01 to CAL-04).

Every deadline the project computes goes through this module, so the counting
conventions live in one place:

* CAL-01: the short periods of 行政处罚法 第85条, 行政复议法 第88条 and
  行政强制法 第69条 are working days (WD); every other day count is natural
  days (ND); months and years (M/Y) are calendar periods.
* CAL-02: the start day is not counted. A natural-day, month or year period
  whose last day is not a working day ends on the next working day (民事诉讼法
  第85条, by analogy for 行政处罚法 periods: open question Q3). A month period ends
  on the matching day of the end month, or on that month's last day when it has
  no matching day (民法典 第200–204条).
* CAL-03/04: working days come from ``chinese_calendar`` for the years it
  covers and from ``HolidayNoticePublished`` steps, which take precedence for
  their year. A computation that depends on a day of a year neither covers is
  still answered (weekdays minus the fixed-date statutory holidays), but marked
  *provisional*: the calendar fails closed and never guesses silently (Q18).

Dates are Asia/Shanghai calendar dates; ``shanghai_date`` turns the aware
``at`` of a step into one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import chinese_calendar
import chinese_calendar.constants as _cc_constants

from domain.errors import DomainError

__all__ = [
    "DEFAULT_CALENDAR",
    "LIBRARY_VERSION",
    "LIBRARY_YEARS",
    "SHANGHAI",
    "CalendarError",
    "DayCount",
    "Deadline",
    "DeadlineState",
    "HolidayNotice",
    "NaiveDatetimeError",
    "PeriodUnit",
    "WorkingCalendar",
    "deadline_state",
    "parse_aware_datetime",
    "shanghai_date",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

PeriodUnit = Literal["WD", "ND", "M", "Y"]
DeadlineState = Literal["met", "pending", "due_soon", "missed", "provisional", "elapsed"]
"""``elapsed``: a party's window (陈述申辩期, 复议期限…) that ended unused; never a breach."""

_ONE_DAY = timedelta(days=1)

# chinese_calendar's own data, read once: its is_workday() re-scans the whole
# table on every call, which is too slow for day-by-day walks.
_LIB_HOLIDAYS: frozenset[date] = frozenset(_cc_constants.holidays)
_LIB_WORKDAYS: frozenset[date] = frozenset(_cc_constants.workdays)
LIBRARY_YEARS: range = range(
    min(d.year for d in _LIB_HOLIDAYS), max(d.year for d in _LIB_HOLIDAYS) + 1
)
"""Years the installed ``chinesecalendar`` covers (it raises outside them)."""

LIBRARY_VERSION: str = str(getattr(chinese_calendar, "__version__", "unknown"))

# Fixed-date statutory holidays of 全国年节及纪念日放假办法 (元旦, 劳动节, 国庆):
# the best estimate for a year without data. Lunar holidays and 调休 cannot be
# guessed, which is why such estimates are always provisional.
_FIXED_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}
)

# A guard against runaway walks (e.g. a notice declaring a whole year holidays).
_MAX_WALK_DAYS = 3660
_MEMO_LIMIT = 200_000
"""Periods a calendar remembers (:meth:`WorkingCalendar.add_working_days`) before it starts afresh."""


class CalendarError(DomainError, ValueError):
    """A calendar input the domain cannot use (bad notice, naive time, bad period)."""


class NaiveDatetimeError(CalendarError):
    """A datetime without a UTC offset: its Asia/Shanghai date is unknowable."""


def _require_date(value: object, what: str) -> date:
    # datetime is a subclass of date: accepting it silently would count in the
    # wrong time zone, so callers must convert with shanghai_date() first.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{what}须为日期（date），带时间的值请先用 shanghai_date() 换算：{value!r}")
    return value


def _require_count(n: object, what: str = "期间") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise CalendarError(f"{what}须为整数：{n!r}")
    if n < 0:
        raise CalendarError(f"{what}不能为负数：{n}")
    return n


def shanghai_date(at: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware datetime.

    Legal deadlines are counted in Beijing dates whatever offset a step was
    written with; a naive datetime is refused because guessing its zone could
    move a deadline by a day.
    """
    if not isinstance(at, datetime):
        raise CalendarError(f"需要带时区的时间（datetime），收到：{at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise NaiveDatetimeError(f"时间缺少时区偏移（例如 +08:00），无法确定北京时间日期：{at.isoformat()}")
    return at.astimezone(SHANGHAI).date()


def parse_aware_datetime(text: str) -> datetime:
    """Parse an RFC 3339 ``_at`` value, refusing one without an offset."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise CalendarError(f"时间格式无效（应为 RFC 3339，例如 2026-03-04T10:15:00+08:00）：{text!r}") from exc
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"时间缺少时区偏移（例如 +08:00），无法确定北京时间日期：{text}")
    return value


@dataclass(frozen=True)
class HolidayNotice:
    """One year's 国务院办公厅 holiday notice (the ``HolidayNoticePublished`` step).

    ``holidays`` are the days off (including weekend days inside a holiday
    block); ``workdays`` are the 调休 make-up working days. Every other day of
    the year is a working day exactly when it is Monday to Friday.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise CalendarError(f"放假通知的年份须为整数：{self.year!r}")
        if not 1900 <= self.year <= 9999:
            raise CalendarError(f"放假通知的年份超出范围：{self.year}")
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        for d in self.holidays | self.workdays:
            _require_date(d, "放假通知中的日期")
            if d.year != self.year:
                raise CalendarError(f"{self.year}年放假通知中出现其他年份的日期：{d.isoformat()}")
        both = self.holidays & self.workdays
        if both:
            days = "、".join(sorted(d.isoformat() for d in both))
            raise CalendarError(f"{self.year}年放假通知中同一日期既是假日又是调休工作日：{days}")

    @classmethod
    def from_step_data(cls, data: Mapping[str, object]) -> HolidayNotice:
        """Build a notice from the ``data`` of a ``HolidayNoticePublished`` step."""
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int):
            raise CalendarError(f"HolidayNoticePublished 的 year 须为整数：{year!r}")
        source = data.get("source", "")
        if not isinstance(source, str):
            raise CalendarError(f"HolidayNoticePublished 的 source 须为字符串：{source!r}")
        return cls(
            year=year,
            holidays=frozenset(_parse_dates(data.get("holidays", []), "holidays")),
            workdays=frozenset(_parse_dates(data.get("workdays", []), "workdays")),
            source=source,
        )

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` (a day of this notice's year) is a working day."""
        return d in self.workdays or (d.weekday() < 5 and d not in self.holidays)


def _parse_dates(raw: object, name: str) -> list[date]:
    if not isinstance(raw, list | tuple):
        raise CalendarError(f"HolidayNoticePublished 的 {name} 须为日期列表：{raw!r}")
    out: list[date] = []
    for item in raw:
        if isinstance(item, str):
            try:
                out.append(date.fromisoformat(item))
            except ValueError as exc:
                raise CalendarError(f"{name} 中的日期格式无效（应为 YYYY-MM-DD）：{item!r}") from exc
        else:
            out.append(_require_date(item, f"{name} 中的日期"))
    return out


@dataclass(frozen=True)
class Deadline:
    """A computed legal deadline: the last day on which the act is in time.

    ``provisional`` is true when the computation depended on a day of a year
    the calendar does not know (CAL-03); ``due`` is then an estimate. For a
    provisional deadline ``known_until`` is the last day up to which the
    calendar was known: the true deadline lies after it, which lets
    ``deadline_state`` still give a certain answer for early acts.
    """

    due: date
    provisional: bool = False
    known_until: date | None = None


@dataclass(frozen=True)
class DayCount:
    """A number of days, provisional when it spans a day of an unknown year."""

    days: int
    provisional: bool = False


@dataclass(frozen=True)
class _Walk:
    """Bookkeeping of one day-by-day walk: where knowledge of the calendar ended."""

    first_unknown: date | None = None

    def seen(self, d: date, known: bool) -> _Walk:
        if known or self.first_unknown is not None:
            return self
        return _Walk(first_unknown=d)

    def deadline(self, due: date) -> Deadline:
        if self.first_unknown is None:
            return Deadline(due=due)
        return Deadline(due=due, provisional=True, known_until=self.first_unknown - _ONE_DAY)


@dataclass(frozen=True)
class WorkingCalendar:
    """The working-day calendar: ``chinese_calendar`` plus holiday notices.

    Immutable, so a calendar can be shared by projections and rules and still
    reproduce any past computation: ``with_notice`` returns a new calendar. A
    later notice for the same year replaces the earlier one (a corrected
    notice); a notice wins over the library for its year.
    """

    notices: tuple[HolidayNotice, ...] = ()
    _by_year: Mapping[int, HolidayNotice] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _memo: dict[tuple[date, int], Deadline] = field(init=False, repr=False, compare=False, hash=False)
    """Periods computed so far (``add_working_days`` without excluded days, ``roll_forward`` as n = -1): a
    deterministic function of the immutable calendar, asked the same few periods from the same days over
    and over by a rebuild's folds."""

    def __post_init__(self) -> None:
        by_year: dict[int, HolidayNotice] = {}
        for notice in self.notices:
            if not isinstance(notice, HolidayNotice):
                raise CalendarError(f"需要 HolidayNotice，收到：{notice!r}")
            by_year[notice.year] = notice
        ordered = tuple(sorted(by_year.values(), key=lambda n: n.year))
        object.__setattr__(self, "notices", ordered)
        object.__setattr__(self, "_by_year", by_year)
        object.__setattr__(self, "_memo", {})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its notices (the memo stays behind)."""
        return (WorkingCalendar, (self.notices,))

    @classmethod
    def from_notices(cls, notices: Iterable[HolidayNotice]) -> WorkingCalendar:
        """A calendar from notices in the order they were published."""
        return cls(notices=tuple(notices))

    def with_notice(self, notice: HolidayNotice) -> WorkingCalendar:
        """A new calendar that also knows ``notice`` (replacing one for its year)."""
        return WorkingCalendar(notices=(*self.notices, notice))

    # -- coverage ---------------------------------------------------------

    def covers_year(self, year: int) -> bool:
        """Whether the working days of ``year`` are known (notice or library)."""
        return year in self._by_year or year in LIBRARY_YEARS

    def known_through(self) -> date:
        """Last day of the unbroken known stretch from the library's first year.

        What a health check reports as "how far the calendar reaches" (CAL-04).
        """
        year = LIBRARY_YEARS.start
        while self.covers_year(year + 1):
            year += 1
        return date(year, 12, 31)

    # -- single days ------------------------------------------------------

    def is_working_day(self, d: date) -> bool | None:
        """Whether ``d`` is a working day; ``None`` when its year is unknown."""
        _require_date(d, "日期")
        notice = self._by_year.get(d.year)
        if notice is not None:
            return notice.is_working_day(d)
        if d.year in LIBRARY_YEARS:
            return d in _LIB_WORKDAYS or (d.weekday() < 5 and d not in _LIB_HOLIDAYS)
        return None

    def is_declared_holiday(self, d: date) -> bool | None:
        """Whether ``d`` is a day off the holiday notice declares (a 法定节假日 block, its weekend days
        included), not a plain weekend; ``None`` when its year is unknown (CAL-09 with
        ``enforcement.weekends_protected`` off)."""
        _require_date(d, "日期")
        notice = self._by_year.get(d.year)
        if notice is not None:
            return d in notice.holidays
        if d.year in LIBRARY_YEARS:
            return d in _LIB_HOLIDAYS
        return None

    def _probe(self, d: date) -> tuple[bool, bool]:
        """(is working, known): unknown years fall back to the estimate."""
        known = self.is_working_day(d)
        if known is not None:
            return known, True
        return d.weekday() < 5 and (d.month, d.day) not in _FIXED_HOLIDAYS, False

    # -- periods ----------------------------------------------------------

    def add_working_days(self, start: date, n: int, *, excluding: Collection[date] = frozenset()) -> Deadline:
        """The n-th working day after ``start`` (start day excluded; CAL-01/02).

        ``excluding``: days the clock stands still (CAL-07's notified excluded periods, 行政许可法
        第45条): a working day among them is not counted, so the deadline moves past them.
        """
        _require_date(start, "起算日")
        _require_count(n, "工作日数")
        if not excluding:
            found = self._memo.get((start, n))
            if found is not None:
                return found
        walk = _Walk()
        d = start
        remaining = n
        steps = 0
        while remaining > 0:
            d += _ONE_DAY
            steps += 1
            if steps > _MAX_WALK_DAYS + n + len(excluding):
                raise CalendarError(f"自 {start.isoformat()} 起找不到第 {n} 个工作日，请检查放假通知")
            working, known = self._probe(d)
            walk = walk.seen(d, known)
            if working and d not in excluding:
                remaining -= 1
        out = walk.deadline(d)
        if not excluding:
            self._remember((start, n), out)
        return out

    def _remember(self, key: tuple[date, int], value: Deadline) -> None:
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value

    def roll_forward(self, d: date) -> Deadline:
        """``d`` if it is a working day, else the next working day (CAL-02)."""
        _require_date(d, "日期")
        key = (d, -1)
        found = self._memo.get(key)
        if found is not None:
            return found
        walk = _Walk()
        steps = 0
        while True:
            working, known = self._probe(d)
            walk = walk.seen(d, known)
            if working:
                out = walk.deadline(d)
                self._remember(key, out)
                return out
            d += _ONE_DAY
            steps += 1
            if steps > _MAX_WALK_DAYS:
                raise CalendarError(f"自 {d.isoformat()} 起找不到工作日，请检查放假通知")

    def add_natural_days(self, start: date, n: int, *, roll: bool = True) -> Deadline:
        """``start + n`` natural days, moved to the next working day if it is not one.

        ``roll=False`` gives the bare day (e.g. the day 公告送达 is deemed done),
        which depends on no calendar data and is never provisional.
        """
        _require_date(start, "起算日")
        _require_count(n, "自然日数")
        end = start + timedelta(days=n)
        return self.roll_forward(end) if roll else Deadline(due=end)

    def add_months(self, start: date, n: int, *, roll: bool = True) -> Deadline:
        """A period of ``n`` months: the matching day of the end month (民法典 第200–204条).

        When the end month has no matching day the period ends on its last day
        (31 January + 1 month = 28/29 February); then CAL-02's roll-forward.
        """
        _require_date(start, "起算日")
        _require_count(n, "月数")
        months = start.year * 12 + (start.month - 1) + n
        year, month0 = divmod(months, 12)
        if year > 9999:
            raise CalendarError(f"期间终点超出日期范围：{start.isoformat()} 加 {n} 个月")
        end = date(year, month0 + 1, min(start.day, _days_in_month(year, month0 + 1)))
        return self.roll_forward(end) if roll else Deadline(due=end)

    def add_years(self, start: date, n: int, *, roll: bool = True) -> Deadline:
        """A period of ``n`` years (29 February ends on 28 February in a common year)."""
        _require_count(n, "年数")
        return self.add_months(start, 12 * n, roll=roll)

    def deadline(self, start: date, n: int, unit: PeriodUnit) -> Deadline:
        """CAL-02's ``deadline(start, n, unit)`` for WD, ND, M and Y."""
        if unit == "WD":
            return self.add_working_days(start, n)
        if unit == "ND":
            return self.add_natural_days(start, n)
        if unit == "M":
            return self.add_months(start, n)
        if unit == "Y":
            return self.add_years(start, n)
        raise CalendarError(f"未知的期间单位：{unit!r}（应为 WD、ND、M 或 Y）")

    def working_days_between(self, a: date, b: date) -> DayCount:
        """Working days in ``(a, b]``: start day excluded, end day included.

        So ``working_days_between(s, add_working_days(s, n).due).days == n``.
        Negative when ``b`` is before ``a``. For a count that excludes both ends
        (Q4's reading of "七日前"), subtract one when ``b`` is a working day.
        """
        _require_date(a, "起始日")
        _require_date(b, "终止日")
        if b < a:
            back = self.working_days_between(b, a)
            return DayCount(days=-back.days, provisional=back.provisional)
        count = 0
        provisional = False
        d = a
        while d < b:
            d += _ONE_DAY
            working, known = self._probe(d)
            provisional = provisional or not known
            count += working
        return DayCount(days=count, provisional=provisional)

    # -- state of a deadline ----------------------------------------------

    def deadline_state(
        self,
        deadline: Deadline,
        done_on: date | None,
        today: date,
        soon_days: int = 3,
    ) -> DeadlineState:
        """Where a deadline stands on ``today``.

        ``met``/``missed`` once the act is done (on or before ``due``); before
        that ``missed`` after ``due``, ``due_soon`` when ``due`` is within
        ``soon_days`` working days of today (the yellow warning, default 3 WD),
        else ``pending``. A provisional deadline answers ``provisional`` unless
        the answer is certain whatever the unknown calendar turns out to be.
        """
        _require_date(today, "今日")
        if done_on is not None:
            _require_date(done_on, "完成日")
        _require_count(soon_days, "预警工作日数")
        if deadline.provisional:
            return self._provisional_state(deadline, done_on, today, soon_days)
        if done_on is not None:
            return "met" if done_on <= deadline.due else "missed"
        if today > deadline.due:
            return "missed"
        window = self.add_working_days(today, soon_days)
        if not window.provisional:
            return "due_soon" if deadline.due <= window.due else "pending"
        if window.known_until is not None and deadline.due <= window.known_until:
            return "due_soon"
        return "provisional"

    def _provisional_state(
        self, deadline: Deadline, done_on: date | None, today: date, soon_days: int
    ) -> DeadlineState:
        # The true due date lies after known_until (see Deadline).
        bound = deadline.known_until
        if bound is None:
            return "provisional"
        if done_on is not None:
            return "met" if done_on <= bound else "provisional"
        if today > bound:
            return "provisional"
        window = self.add_working_days(today, soon_days)
        if not window.provisional and window.due <= bound:
            return "pending"
        return "provisional"


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - _ONE_DAY).day


DEFAULT_CALENDAR = WorkingCalendar()
"""The library-only calendar, for callers that know no holiday notices."""


def deadline_state(
    deadline: Deadline,
    done_on: date | None,
    today: date,
    soon_days: int = 3,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> DeadlineState:
    """``WorkingCalendar.deadline_state`` on ``calendar`` (default: library only)."""
    return calendar.deadline_state(deadline, done_on, today, soon_days)
