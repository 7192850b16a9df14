"""What the pages read: the projections' tables and the audit's table of current evaluations.

Every list is a query over the read models (``projections`` and ``audit_evaluations``),
filtered to what the reader may see (the same rule as the API: :mod:`api.server.access`)
and paginated, so no page folds events or evaluates files on the fly. Day-dependent
answers (a deadline's state, a warning's colour) are computed for ``as_of``, as the CLI
does with ``--as-of``.

Missing pieces are reported, not hidden: when the audit's table has not been made yet
(``enforcement-ledger audit --refresh``) the functions answer ``None`` for grades and
findings and the pages say so.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import orjson

from audit.model import Evaluation, Finding, sort_findings
from audit.rulebook import RULES
from audit.table import TRACKING as AUDIT_TRACKING
from domain.calendar import WorkingCalendar
from domain.config import Config
from projections import queries
from projections.definitions import ALL
from projections.disclosure import credential_status_on
from projections.labels import DEADLINE_STATE_LABELS, IN_PROGRESS, STAGES, STATUS_LABELS, STEP_LABELS
from projections.sql import Database, in_lists
from projections.statistics import RATES, rates

__all__ = [
    "AUDIT_TABLE",
    "CaseFilter",
    "Page",
    "Reads",
]

AUDIT_TABLE = "audit_evaluations"
PAGE_SIZE = 50
WARNING_TTL = 20.0
"""Seconds a computed warning list is reused for the same day (the list is one query; this spares repeats)."""
MOVED_TTL = 3600.0
"""Seconds an answer kept until its projections move is kept at most (it is exact meanwhile)."""
T = TypeVar("T")


@dataclass(frozen=True)
class CaseFilter:
    """The case list's filters: text (case number, document number, party), agency, status, grade, colour,
    procedure, officer, a date range (立案, else 案源登记) and the page. The SQL of all but grade and
    colour is :class:`projections.queries.CaseSearch`'s, the same as ``GET /v1/cases``'s."""

    text: str = ""
    agency: str = ""
    status: str = ""
    grade: str = ""
    colour: str = ""
    page: int = 1
    procedure: str = ""
    officer: str = ""
    since: str = ""
    until: str = ""

    def params(self, **changes: Any) -> dict[str, str]:
        values = {"q": self.text, "agency": self.agency, "status": self.status, "grade": self.grade,
                  "colour": self.colour, "procedure": self.procedure, "officer": self.officer,
                  "from": self.since, "to": self.until, "page": str(self.page)}
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}

    def search(self) -> queries.CaseSearch:
        return queries.CaseSearch(text=self.text, agency=self.agency, status=self.status, procedure=self.procedure,
                                  officer=self.officer, since=_day(self.since), until=_day(self.until))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass
class Page:
    """One page of a list: its rows, the total and where it is."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.size)


@dataclass
class _Cached:
    at: float
    value: Any


@dataclass
class Reads:
    """The pages' reads over one ledger's database."""

    db: Database
    config: Config = field(default_factory=Config)
    _cache: dict[tuple[Any, ...], _Cached] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _has_audit: bool = False

    # -- helpers ----------------------------------------------------------------------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts; a query without parameters is sent as it is (psycopg reads ``%`` in a
        parameterised query as a placeholder: ``LIKE 'licence/%'`` would fail on PostgreSQL)."""
        with self.db.read() as cur:
            cur.execute(self.db.q(sql), list(params)) if params else cur.execute(self.db.q(sql))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def t(self, name: str) -> str:
        return self.db.qualify(name)

    def table(self, name: str) -> str:
        """As :meth:`t`: the physical name, so the pages read through ``projections.kind_queries.Reader``."""
        return self.t(name)

    def ready(self) -> bool:
        """The projections' tables exist (``projections run`` has run at least once)."""
        return self.db.exists("proj_cases")

    def has_audit(self) -> bool:
        """The audit's table of current evaluations exists (``audit --refresh`` has run)."""
        if not self._has_audit:
            self._has_audit = self.db.exists(AUDIT_TABLE)
        return self._has_audit

    def _memo(self, key: tuple[Any, ...], make: Any, ttl: float = WARNING_TTL) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit.at < ttl:
                return hit.value
        value = make()
        with self._lock:
            self._cache[key] = _Cached(now, value)
            if len(self._cache) > 64:
                oldest = min(self._cache, key=lambda k: self._cache[k].at)
                self._cache.pop(oldest, None)
        return value

    def until_moved(self, projections: Sequence[str], key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, kept until one of ``projections`` moves (events applied, a commit, a rebuild: their
        ``proj_state`` rows): for answers that depend on those tables only (and on what ``key`` holds)."""
        marks = ",".join("?" * len(projections))
        version = tuple(tuple(r) for r in self.db.all(
            f"SELECT name, events, updated_at, rebuilt_at FROM {self.t('proj_state')} WHERE name IN ({marks}) "
            "ORDER BY name", list(projections)))
        return self._memo(("until_moved", *key, version), make, ttl=MOVED_TTL)  # type: ignore[no-any-return]

    def calendar(self) -> WorkingCalendar:
        return self._memo(("calendar",), lambda: queries.calendar_of(self.db.store), ttl=60.0)  # type: ignore[no-any-return]

    # -- the registry -----------------------------------------------------------------------

    def agencies(self) -> list[dict[str, Any]]:
        """Every registered agency: stream, name, supervised_by (public registry table)."""
        if not self.db.exists("pub_agencies"):
            return []
        return self.rows(f"SELECT stream, name, supervised_by, level, region FROM {self.t('pub_agencies')} "
                         "ORDER BY stream")

    def agency_names(self) -> dict[str, str]:
        return {a["stream"]: a["name"] for a in self.agencies()}

    def officer_names(self) -> dict[str, str]:
        """officer stream → name (the public registry: officers' names are disclosed in advance)."""
        def load() -> dict[str, str]:
            if not self.db.exists("pub_officers"):
                return {}
            return {r["stream"]: r["name"] for r in self.rows(f"SELECT stream, name FROM {self.t('pub_officers')}")}
        return self._memo(("officers", self.db.head()), load, ttl=60.0)  # type: ignore[no-any-return]

    def officers(self, agencies: Sequence[str] | None) -> list[dict[str, Any]]:
        """The registered officers of ``agencies`` (None: all): stream, name, agency (the case list's filter)."""
        if not self.db.exists("pub_officers") or (agencies is not None and not agencies):
            return []
        sql = f"SELECT stream, name, agency FROM {self.t('pub_officers')} WHERE agency IS NOT NULL"
        if agencies is not None:
            sql += f" AND agency IN ({','.join('?' * len(agencies))})"
        return self.rows(sql + " ORDER BY agency, stream", list(agencies or []))

    def item_name(self, agency: str | None, code: str | None) -> str | None:
        """An enforcement item's name as its agency published it (事前公开), or None."""
        if not agency or not code or not self.db.exists("pub_items"):
            return None
        found = self.rows(f"SELECT name FROM {self.t('pub_items')} WHERE stream = ? AND code = ?", [agency, code])
        return found[0]["name"] if found else None

    # -- warnings ---------------------------------------------------------------------------

    def warnings(self, as_of: date) -> list[queries.DeadlineWarning]:
        """Red and yellow warnings on ``as_of`` (all agencies; callers filter by scope)."""
        return self._memo(("warnings", as_of, self.db.head()),  # type: ignore[no-any-return]
                          lambda: queries.warnings(self.db, as_of, calendar=self.calendar(), config=self.config))

    def colours(self, as_of: date) -> dict[str, str]:
        """case → its worst warning colour on ``as_of`` (red before yellow)."""
        out: dict[str, str] = {}
        for w in self.warnings(as_of):
            if w.colour in ("red", "yellow") and out.get(w.case) != "red":
                out[w.case] = w.colour
        return out

    # -- cases --------------------------------------------------------------------------------

    def statuses(self) -> list[tuple[str, str]]:
        return list(STATUS_LABELS.items())

    def cases(self, agencies: Sequence[str] | None, flt: CaseFilter, as_of: date, size: int | None = None) -> Page:
        """A page of the case list: cases of ``agencies`` (None: every agency) matching ``flt`` (``size`` rows,
        ``PAGE_SIZE`` by default: the spreadsheet of the list asks for all of them on one page)."""
        size = size or PAGE_SIZE
        where: list[str] = []
        params: list[Any] = []
        if agencies is not None:
            if not agencies:
                return Page([], 0, 1)
            where.append(f"c.agency IN ({','.join('?' * len(agencies))})")
            params += list(agencies)
        found, values = flt.search().where(self.db, "c.")
        where += found
        params += values
        audit = self.has_audit()
        join = f" LEFT JOIN {self.t(AUDIT_TABLE)} e ON e.grp = c.grp" if audit else ""
        if flt.grade == IN_PROGRESS and audit:
            where.append("e.grp IS NOT NULL AND e.grade IS NULL")
        elif flt.grade and audit:
            where.append("e.grade = ?")
            params.append(flt.grade)
        colours = self.colours(as_of)
        if flt.colour in ("red", "yellow"):
            chosen = sorted(k for k, v in colours.items() if v == flt.colour)
            if not chosen:
                return Page([], 0, 1)
            where.append(f"c.grp IN ({','.join('?' * len(chosen))})")
            params += chosen
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        graded = join if flt.grade and audit else ""  # the count and the page's keys join the grades only to filter
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM {self.t('proj_cases')} c{graded}{clause}", params)[0]["n"])
        page = max(1, min(flt.page, max(1, -(-total // size))))
        extra = ", e.score, e.grade, e.veto, e.blockers, e.majors, e.minors" if audit else ""
        items = self.db.exists("pub_items")
        if items:  # the enforcement item's name beside its code (事前公开: the agency's published item)
            extra += ", i.name AS item_name"
        named = f" LEFT JOIN {self.t('pub_items')} i ON i.stream = c.agency AND i.code = c.item" if items else ""
        # The page's keys first (over the list index on definitions.LIST_DAY: no row read but the page's),
        # then their rows and joins: LIMIT before the joins.
        order = "ORDER BY COALESCE(c.registered_on, c.source_on) DESC, c.grp DESC"
        keys = f"SELECT c.grp FROM {self.t('proj_cases')} c{graded}{clause} {order} LIMIT ? OFFSET ?"
        rows = self.rows(
            f"SELECT c.grp, c.number, c.agency, c.procedure, c.item, c.status, c.status_label, c.party_kind, "
            f"c.party_name, c.document_no, c.registered_on, c.decided_on, c.closed_on, c.fine_fen, c.reviews, "
            f"c.lawsuits, c.outcome, c.outcome_label, c.paid_fen{extra} "
            f"FROM {self.t('proj_cases')} c{join}{named} WHERE c.grp IN ({keys}) {order}",
            [*params, size, (page - 1) * size])
        for row in rows:
            row["colour"] = colours.get(row["grp"], "")
        return Page(rows, total, page, size)

    def case_file(self, case: str, as_of: date) -> dict[str, Any] | None:
        """The case file as ``projections show`` reads it, with the timeline in one shape."""
        found = queries.case_file(self.db, case, as_of=as_of, calendar=self.calendar(), config=self.config)
        if found is None:
            return None
        found["timeline"] = [_timeline_line(t) for t in found.get("timeline") or []]
        for record in found.get("records") or []:
            if isinstance(record.get("officers"), str):
                record["officers"] = orjson.loads(record["officers"] or "[]")
        found["timeline"].sort(key=lambda t: (str(t.get("at") or ""), t["stream"], t["version"]))
        return found

    def case_agency(self, case: str) -> str | None:
        found = self.rows(f"SELECT agency FROM {self.t('proj_cases')} WHERE grp = ?", [case])
        return found[0]["agency"] if found else None

    def documents_of(self, sha256: str) -> list[str]:
        """The case groups whose records reference a document (for the read check)."""
        # the hash's prefix first: what the table is indexed by (definitions.DOCUMENT_KEY)
        return [r["grp"] for r in self.rows(f"SELECT DISTINCT grp FROM {self.t('proj_records')} "
                                            "WHERE substr(sha256, 1, 16) = ? AND substr(sha256, 17) = ?",
                                            [sha256[:16], sha256[16:]])]

    def records_of(self, stream: str, version: int) -> list[dict[str, Any]]:
        if not self.db.exists("proj_records"):
            return []
        found = self.rows(f"SELECT grp, field, title, kind, sha256, bytes, media_type, stage, at FROM "
                          f"{self.t('proj_records')} WHERE grp = ? AND version = ? ORDER BY field",
                          [stream, version])
        for row in found:  # the label is not stored (labels.STAGES)
            row["stage_label"] = STAGES.get(row["stage"], row["stage"])
        return found

    def group_of(self, stream: str) -> str | None:
        """The case group a 复议 or lawsuit stream belongs to (its target case)."""
        if stream.startswith(("case/", "licence/", "complaint/")):
            return stream  # a file of its own (its evaluation's group)
        if self.db.exists("proj_links"):
            found = self.rows(f"SELECT grp FROM {self.t('proj_links')} WHERE stream = ?", [stream])
            if found:
                return str(found[0]["grp"])
        return None

    # -- evaluations ----------------------------------------------------------------------------

    def evaluation(self, case: str) -> dict[str, Any] | None:
        """The case's row of the audit's table: score, grade, findings (None: no table or no row)."""
        if not self.has_audit():
            return None
        found = self.rows(f"SELECT grp, agency, procedure, path, status, score, grade, veto, blockers, majors, "
                          f"minors, infos, findings, as_of, recheck_on FROM {self.t(AUDIT_TABLE)} WHERE grp = ?",
                          [case])
        if not found:
            return None
        row = found[0]
        row["findings"] = orjson.loads(row["findings"] or "[]")
        for f in row["findings"]:
            f["title"] = rule_title(str(f.get("rule")))
        return row

    def evaluation_object(self, row: Mapping[str, Any]) -> Evaluation:
        """The stored row as an :class:`Evaluation` (for the printable report of ``audit.report``)."""
        from audit.engine import deduct
        from audit.model import EventRef

        findings = sort_findings([
            Finding(str(f["rule"]), str(f["severity"]), str(f["category"]), int(f["points"]), str(f["basis"]),
                    str(f["message"]),
                    tuple(EventRef(str(e["stream"]), int(e["version"]), str(e["type"])) for e in f.get("events", [])),
                    title=str(f.get("title") or ""))
            for f in row["findings"]])
        return Evaluation(case=str(row["grp"]), as_of=date.fromisoformat(str(row["as_of"])), score=int(row["score"]),
                          grade=row["grade"], veto=bool(row["veto"]), findings=findings,
                          deductions=deduct(findings, self.config), agency=row.get("agency"),
                          procedure=row.get("procedure"), path=str(row.get("path") or ""),
                          status=str(row.get("status") or ""))

    def evaluated_as_of(self) -> str | None:
        if not self.has_audit():
            return None
        found = self.rows(f"SELECT MIN(as_of) AS low, MAX(as_of) AS high FROM {self.t(AUDIT_TABLE)}")
        return found[0]["high"] if found else None

    def grades(self, cases: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(cases))
        if not wanted or not self.has_audit():
            return {}
        out: dict[str, dict[str, Any]] = {}
        for sql, chunk in in_lists(f"SELECT grp, score, grade, veto, blockers, majors, minors FROM "
                                   f"{self.t(AUDIT_TABLE)} WHERE grp IN ({{in}})", wanted):
            for row in self.rows(sql, chunk):
                out[row["grp"]] = row
        return out

    def grade_counts(self) -> list[dict[str, Any]]:
        """Files per agency, grade and kind of file (``kind``: '' for a penalty case, else 行政许可 …) from the
        audit's table (none without it). Counting every row is a scan of the table, so the answer is kept
        while the audit's tracked position stays and for at most ``WARNING_TTL`` seconds: a new event the
        audit applied shows at once, a same-day re-check of due rows (no new event) within that time."""
        if not self.has_audit():
            return []
        with self.db.read() as cur:
            position = self.db.tracked(cur, AUDIT_TRACKING)
        kinds = (("licence/", "行政许可"), ("complaint/", "投诉举报"), ("coercion/", "行政强制"),
                 ("inspection/", "行政检查"), ("spotcheck/", "双随机抽查"))
        # The prefixes as parameters: a literal % would be a placeholder to psycopg (PostgreSQL).
        kind = "CASE " + " ".join("WHEN grp LIKE ? THEN ?" for _ in kinds) + " ELSE '' END"
        params = [v for prefix, label in kinds for v in (prefix + "%", label)]
        return self._memo(("grades", position), lambda: self.rows(  # type: ignore[no-any-return]
            f"SELECT agency, grade, COUNT(*) AS n, {kind} AS kind FROM {self.t(AUDIT_TABLE)} "
            "GROUP BY agency, grade, kind", params))

    # -- supervision ----------------------------------------------------------------------------

    def figures(self, agencies: Sequence[str] | None, year: int | None) -> list[dict[str, Any]]:
        """Per agency: cases, 纠错率 (复议 and 诉讼), 出庭率, 公开及时率 — for one year or all years."""
        if not self.db.exists("proj_statistics"):
            return []
        sql = f"SELECT agency, metric, SUM(value) AS value FROM {self.t('proj_statistics')} WHERE agency != ''"
        params: list[Any] = []
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        if agencies is not None:
            if not agencies:
                return []
            sql += f" AND agency IN ({','.join('?' * len(agencies))})"
            params += list(agencies)
        counts: dict[str, dict[str, int]] = {}
        for row in self.rows(sql + " GROUP BY agency, metric ORDER BY agency", params):
            counts.setdefault(row["agency"], {})[row["metric"]] = int(row["value"])
        out = []
        for agency, c in sorted(counts.items()):
            computed = rates(c)
            decided = c.get("reconsideration.decided", 0) + c.get("litigation.judgments", 0)
            corrected = c.get("reconsideration.corrected", 0) + c.get("litigation.corrected", 0)
            out.append({
                "agency": agency, "cases": c.get("cases.registered", 0), "counts": c,
                "correction": (corrected / decided) if decided else None, "corrected": corrected, "decided": decided,
                "appearance": computed["litigation.appearance_rate"],
                "hearings": c.get("litigation.hearings", 0), "appeared": c.get("litigation.head_appeared", 0),
                "timeliness": computed["publication.timeliness"],
                "required": c.get("publication.required", 0), "timely": c.get("publication.timely", 0),
                "rates": {k: (RATES[k][0], v) for k, v in computed.items()},
            })
        return out

    def years(self) -> list[int]:
        if not self.db.exists("proj_statistics"):
            return []
        return [int(r["year"]) for r in self.rows(f"SELECT DISTINCT year FROM {self.t('proj_statistics')} "
                                                  "ORDER BY year DESC")]

    def sample(self, n: int, seed: int, agency: str | None) -> list[str]:
        """A reproducible random sample (双随机) of case streams — the same draw as
        ``enforcement-ledger audit --sample N --seed S [--agency A]``: every case stream (or the
        agency's cases, those still at 案源登记 by the officer who recorded the source) in stream
        order, ``random.Random(seed).sample``, sorted."""
        if agency:
            streams = [r["grp"] for r in self.rows(f"SELECT grp FROM {self.t('proj_cases')} WHERE agency = ? "
                                                   "ORDER BY grp", [agency])]
        else:
            streams = sorted(self.db.streams_with_prefix("case/", self.db.head()))
        return sorted(random.Random(seed).sample(streams, min(n, len(streams))))

    def sample_among(self, n: int, seed: int, agencies: Sequence[str]) -> list[str]:
        """The same draw among the registered cases of several agencies (a reader who does not read all)."""
        if not agencies:
            return []
        pool = [r["grp"] for r in self.rows(f"SELECT grp FROM {self.t('proj_cases')} WHERE agency IN "
                                            f"({','.join('?' * len(agencies))}) ORDER BY grp", list(agencies))]
        return sorted(random.Random(seed).sample(pool, min(n, len(pool))))

    def case_rows(self, cases: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        wanted = list(cases)
        for sql, chunk in in_lists(f"SELECT grp, number, agency, status, status_label, procedure, registered_on, "
                                   f"decided_on FROM {self.t('proj_cases')} WHERE grp IN ({{in}})", wanted):
            for row in self.rows(sql, chunk):
                out[row["grp"]] = row
        return out

    def rectifications(self, as_of: date, agencies: Sequence[str] | None = None,
                       limit: int | None = None) -> list[dict[str, Any]]:
        """Rectification orders (EVAL-08) of ``agencies`` (None: all) with their follow-up state on ``as_of``,
        those not yet reported first, by due date; the first ``limit`` of them (None: all)."""
        if not self.db.exists("proj_deadlines") or (agencies is not None and not agencies):
            return []
        sql, params = self._rectification_sql(agencies)
        found = self.rows(f"SELECT grp, stream, key, title, agency, start_on, due_on, provisional, known_until, "
                          f"done_on {sql} ORDER BY done_on IS NOT NULL, due_on, grp"
                          + (" LIMIT ?" if limit is not None else ""),
                          [*params, *([limit] if limit is not None else [])])
        calendar = self.calendar()
        soon = self.config.warnings.yellow_wd
        for row in found:
            state = queries._state(row, as_of, calendar, soon)
            row["state"] = state
            row["state_label"] = {"met": "已按期整改报告", "pending": "整改中"}.get(state, DEADLINE_STATE_LABELS[state])
            if row["done_on"] and row["done_on"] > row["due_on"]:
                row["state_label"] = "逾期后报告"
            row["version"] = int(str(row["key"]).rsplit("@", 1)[-1]) if "@" in str(row["key"]) else 1
        return found

    def rectification_count(self, agencies: Sequence[str] | None = None) -> int:
        """How many rectification orders (EVAL-08) ``agencies`` (None: all) were given."""
        if not self.db.exists("proj_deadlines") or (agencies is not None and not agencies):
            return 0
        sql, params = self._rectification_sql(agencies)
        return int(self.rows(f"SELECT COUNT(*) AS n {sql}", params)[0]["n"])

    def _rectification_sql(self, agencies: Sequence[str] | None) -> tuple[str, list[Any]]:
        """FROM and WHERE of the rectification orders: a rectification's deadline is a supervision file's
        (``supervision/…`` groups: a range of the primary key, never a scan of every case's deadlines)."""
        sql = (f"FROM {self.t('proj_deadlines')} WHERE grp >= 'supervision/' AND grp < 'supervision0' "
               "AND rule = 'EVAL-08'")
        params: list[Any] = []
        if agencies is not None:
            sql += f" AND agency IN ({','.join('?' * len(agencies))})"
            params += list(agencies)
        return sql, params

    # -- events and the log -------------------------------------------------------------------

    def notification_id(self, stream: str, version: int) -> int | None:
        found = self.db.all("SELECT {nid} FROM {events} WHERE originator_id = ? AND originator_version = ?",
                            (stream, version))
        return int(found[0][0]) if found else None

    # -- public ---------------------------------------------------------------------------------

    def public_decisions(self, as_of: date, agency: str | None, page: int, text: str = "", *,
                         since: date | None = None, until: date | None = None) -> Page:
        """Published decisions shown on ``as_of`` (not withdrawn, before ``max_until``), newest first;
        searched as ``GET /v1/public/disclosures`` searches (:class:`projections.queries.DecisionSearch`:
        document number, organisation name or 统一社会信用代码, words of the violation, decision dates)."""
        if not self.db.exists("pub_decisions"):
            return Page([], 0, 1)
        where = "status = 'published' AND max_until > ? AND published_on <= ?"
        params: list[Any] = [as_of.isoformat(), as_of.isoformat()]
        if agency:
            where += " AND agency = ?"
            params.append(agency)
        found, values = queries.DecisionSearch(text, "", since, until).where()
        where += "".join(f" AND {c}" for c in found)
        params += values
        table = self.t("pub_decisions")
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM {table} WHERE {where}", params)[0]["n"])
        page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
        rows = self.rows(f"SELECT grp, version, document_no, agency, party_kind, party_name, outcome_label, "
                         f"fine_fen, decided_on, published_on, corrected_at FROM {table} WHERE {where} "
                         "ORDER BY published_utc DESC, grp DESC, version DESC LIMIT ? OFFSET ?", [*params, PAGE_SIZE,
                                                                                   (page - 1) * PAGE_SIZE])
        return Page(rows, total, page)

    def public_decision(self, case: str, version: int) -> dict[str, Any] | None:
        if not self.db.exists("pub_decisions"):
            return None
        found = self.rows(f"SELECT * FROM {self.t('pub_decisions')} WHERE grp = ? AND version = ?", [case, version])
        return found[0] if found else None

    def public_withdrawals(self, page: int) -> Page:
        if not self.db.exists("pub_withdrawals"):
            return Page([], 0, 1)
        table = self.t("pub_withdrawals")
        total = int(self.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])
        page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
        rows = self.rows(f"SELECT grp, version, decision_version, document_no, agency, withdrawn_on, reason, "
                         f"explanation FROM {table} ORDER BY withdrawn_utc DESC, grp DESC, version DESC "
                         "LIMIT ? OFFSET ?",
                         [PAGE_SIZE, (page - 1) * PAGE_SIZE])
        return Page(rows, total, page)

    def public_registry(self, as_of: date) -> dict[str, list[dict[str, Any]]]:
        """The 事前公开 tables; each officer's 执法证 state on ``as_of`` (the page's 基准日)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for name, sql in (
            ("agencies", "SELECT stream, name, credit_code, level, region, court, supervised_by FROM {t} "
                         "ORDER BY stream"),
            ("officers", "SELECT stream, name, agency, credential_no, credential_valid_from, credential_valid_to, "
                         "credential_status, roles FROM {t} WHERE agency IS NOT NULL ORDER BY agency, stream"),
            ("items", "SELECT stream, code, name, kind, basis, sanction_basis, penalty_types, min_fen, max_fen, bands, "
                      "no_penalty FROM {t} ORDER BY stream, code"),
        ):
            table = f"pub_{name}"
            out[name] = self.rows(sql.format(t=self.t(table))) if self.db.exists(table) else []
        for officer in out["officers"]:
            officer["roles"] = orjson.loads(officer["roles"] or "[]")
            officer["credential_status"] = credential_status_on(officer, as_of)
        for item in out["items"]:
            for name in ("penalty_types", "basis", "sanction_basis", "bands"):
                item[name] = orjson.loads(item[name] or "[]")
            item["no_penalty"] = orjson.loads(item["no_penalty"]) if item["no_penalty"] else None
        return out

    def public_statistics(self, year: int | None) -> list[dict[str, Any]]:
        return self.figures(None, year)


def rule_title(rule: str) -> str:
    """A rule's title from the rule book of whichever kind of file it judges (case, licence, complaint,
    inspection)."""
    from audit.complaint_rulebook import COMPLAINT_RULES
    from audit.inspection_rulebook import INSPECTION_RULES
    from audit.licence_rulebook import LICENCE_RULES

    for book in (RULES, LICENCE_RULES, COMPLAINT_RULES, INSPECTION_RULES):
        spec = book.get(rule)
        if spec is not None:
            return spec.title
    return ""


def public_tables() -> list[str]:
    return [t.name for p in ALL for t in p.tables if t.public]




def _timeline_line(line: Any) -> dict[str, Any]:
    """A timeline entry as a dict whatever shape the projection stored it in."""
    if isinstance(line, Mapping):
        out = dict(line)
    elif isinstance(line, list | tuple):  # compact rows: stream, version, type, at, recorded_at, by, ...
        keys = ("stream", "version", "type", "at", "recorded_at", "by", "backfilled", "overrides")
        out = dict(zip(keys, line, strict=False))
    else:
        out = {}
    out.setdefault("stream", "")
    out["version"] = int(out.get("version") or 0)
    kind = str(out.get("type") or "")
    out["label"] = out.get("label") or STEP_LABELS.get(kind, kind)
    out["at"] = out.get("at_text") or out.get("at")
    out["overrides"] = list(out.get("overrides") or [])
    return out
