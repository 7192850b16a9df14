"""事后公开 of inspection results and spot-check tasks (PUB-06, 双随机、一公开): pure rows from the folds.

Why its own module: an inspection publishes what PUB-06's 检查 row says — the agency, the object (an
organisation's name and credit code; a natural person masked, 张某某, with no number), the item, the
date and the result (未发现问题, 责令改正, 已移送立案, 无法联系) — and a spot check publishes its plan, its
draw and what anyone needs to re-derive it (commitment, secret, beacon checkpoint, snapshot hashes and
counts, the drawn indices and inspectors). The masking is :func:`projections.disclosure.redact_public`
over a small masking context (:class:`InspectionMask`): the inspected object is the only party an
inspection file holds.

Two public tables: ``pub_inspections`` (one row per ``DecisionPublished`` of a result; a withdrawn one
keeps no text; none after a ``PublicationSuppressed``, PUB-02) and ``pub_spotchecks`` (one row per task
whose plan was published or whose draw is recorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from domain.calendar import SHANGHAI
from domain.config import Config
from domain.personal_data import find_personal_data, redact
from domain.shapes import Party
from projections.disclosure import json_text, mask_name, redact_public
from projections.inspectionfile import RESULT_LABELS, InspectionFile, SpotCheckTask
from projections.inspectionfile.rederive import DrawReport
from projections.sql import instant_key

__all__ = [
    "InspectionMask",
    "object_columns",
    "public_inspection_rows",
    "public_key",
    "public_result_label",
    "public_spotcheck_row",
]

Row = tuple[Any, ...]
REFERRED_LABEL: Final = "已移送立案"


@dataclass(frozen=True, slots=True)
class InspectionMask:
    """What :func:`~projections.disclosure.redact_public` masks in an inspection's public text: the
    inspected object (a natural person's name, numbers, phone and address; an organisation's address)."""

    party: Party | None

    @property
    def people(self) -> Sequence[Party]:
        return (self.party,) if self.party is not None else ()

    @property
    def person_names(self) -> Sequence[str]:
        p = self.party
        return (p.name,) if p is not None and p.kind != "organisation" and p.name else ()

    @property
    def organisation_names(self) -> Sequence[str]:
        p = self.party
        return (p.name,) if p is not None and p.kind == "organisation" and p.name else ()


def _day(moment: Any) -> str | None:
    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def object_columns(f: InspectionFile) -> tuple[str | None, str | None, str | None]:
    """(kind, name, credit code) of the inspected object as a table holds it: an organisation's name
    and 统一社会信用代码; a natural person's name masked (PUB-06, Q13) and no number."""
    party = f.party
    if party is None:
        return None, None, None
    if party.kind == "organisation":
        return "organisation", party.name or None, party.credit_code
    return party.kind or None, mask_name(party.name) if party.name else None, None


def public_result_label(f: InspectionFile) -> str | None:
    """The result as PUB-06 names it: 已移送立案 once referred to a case, else the result's label."""
    if f.result is None:
        return None
    if any(r.case for r in f.referrals):
        return REFERRED_LABEL
    return RESULT_LABELS.get(f.result.result or "", f.result.result)


def public_key(key: str | None) -> str | None:
    """A directory key as a public cell may hold it (a key that reads as personal data is masked)."""
    if not key:
        return key
    return redact(key, find_personal_data(key, [], [], public_surface=True))


def public_inspection_rows(f: InspectionFile, config: Config) -> list[Row]:
    """Rows of ``pub_inspections`` for one inspection file."""
    if not f.exists or f.result is None or f.suppressions:
        return []
    mask = InspectionMask(f.party)
    kind, name, credit = object_columns(f)
    inspected = _day(f.site[0].at) if f.site else None
    out: list[Row] = []
    for pub in f.publications:
        withdrawn = pub.withdrawn_version is not None
        text = None if withdrawn else redact_public(pub.text, mask, config) or None
        out.append((
            f.stream, pub.version, f.agency, f.item, f.origin.kind, f.origin.spotcheck, f.origin.object_index,
            kind, name, credit, inspected, _day(f.result.at), f.result.result, public_result_label(f),
            pub.published_at.isoformat(), _day(pub.published_at), pub.channel,
            redact_public(pub.batch, mask, config) if pub.batch else None, text,
            "withdrawn" if withdrawn else "published", instant_key(pub.published_at)))
    return out


def public_spotcheck_row(task: SpotCheckTask, report: DrawReport | None) -> list[Row]:
    """The row of ``pub_spotchecks`` for one task: once its plan is published or its draw recorded."""
    draw = task.draw
    if not task.exists or (task.published_at is None and draw is None):
        return []
    objects, inspectors = task.snapshot("objects"), task.snapshot("inspectors")
    drawn = [{"index": index, "key": public_key(key), "officers": list(task.assigned(index) or ())
              if index is not None else []} for index, key in (draw.objects if draw is not None else ())]
    shown = draw.at if draw is not None else task.published_at
    return [(
        task.stream, task.agency, json_text(list(task.items)), task.population, task.sample_size,
        task.inspectors_per_object, _day_text(task.period[0]), _day_text(task.period[1]), task.seed_commitment,
        task.algorithm, _day(task.published_at), objects.count if objects else None,
        objects.sha256 if objects else None, inspectors.count if inspectors else None,
        json_text(list(inspectors.officers)) if inspectors else None, _day(draw.at) if draw else None,
        draw.seed_secret if draw else None, draw.beacon_size if draw else None, draw.beacon_root if draw else None,
        draw.seed if draw else None, draw.objects_snapshot if draw else None, json_text(drawn),
        json_text([{"object_index": r.object_index, "officer": r.officer, "replacement": r.replacement,
                    "reason": r.reason} for r in task.replacements]),
        json_text([{"object_index": s.object_index, "key": public_key(s.key), "reason": s.reason}
                   for s in task.skipped]),
        rederived_state(task, report), json_text(report.as_json()["checks"]) if report is not None else None,
        _day_text(task.completed_on), task.status, instant_key(shown),
    )]


def rederived_state(task: SpotCheckTask, report: DrawReport | None) -> str | None:
    """``ok`` (every check of the recorded draw re-derives, the beacon left to ``draw verify``),
    ``fail``, or None before the draw."""
    if task.draw is None or report is None:
        return None
    return "ok" if report.ok else "fail"


def _day_text(day: Any) -> str | None:
    return day.isoformat() if day is not None else None
