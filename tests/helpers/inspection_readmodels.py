"""Targeted inspections of a natural person for the inspection read-model tests: one concluded with a
correction ordered and never published (INS-10's warning), one published with the person's name and
numbers in its text (PUB-06 masks them), both routine (INS-06 counts them), and an inspection item
with a yearly cap of 1."""

from __future__ import annotations

from typing import Any

Raw = dict[str, Any]
AGENCY = "agency/DXH-CGJ"
ITEM = "CGJ-JC-YY-01"
CAPPED = "CGJ-JC-CAP-01"
OFFICERS = ["officer/42011219008", "officer/42011219009"]
HEAD = "officer/42011219003"
PERSON = "李四海"
PERSON_ID = "420112198003041234"
PERSON_PHONE = "13912345678"
UNPUBLISHED = "inspection/DXH-CGJ-JC-2026-0101"
PUBLISHED = "inspection/DXH-CGJ-JC-2026-0102"
CONCLUDED = "2026-04-01T16:00:00+08:00"
"""The unpublished result's conclusion: INS-10's 20 WD run to 2026-04-30 (清明 and 劳动节 counted)."""


def _doc(name: str, n: int) -> Raw:
    return {"sha256": f"{n:064x}", "bytes": 1000 + n, "media_type": "application/pdf", "name": name}


def capped_item() -> Raw:
    return {"stream": AGENCY, "type": "EnforcementItemPublished", "at": "2026-01-08T09:40:00+08:00",
            "by": "officer/admin", "data": {"code": CAPPED, "name": "个体经营场所油烟排放检查", "kind": "inspection",
                     "basis": [{"law": "中华人民共和国大气污染防治法", "article": 29, "clause": None, "item": None,
                                "rank": "law"}], "sanction_basis": [], "penalty_types": [],
                     "spot_check": {"random": False, "max_per_year": 1}}}


def person_inspection(stream: str, *, opened: str, concluded: str, published: str | None, item: str = ITEM,
                      n: int = 0) -> list[Raw]:
    """A routine inspection of the natural person ``PERSON`` ordering a correction; published with a
    text that names them, their ID number and phone, when ``published`` is given."""
    by = OFFICERS[0]
    steps: list[Raw] = [
        {"stream": stream, "type": "InspectionOpened", "at": opened, "by": by,
         "data": {"agency": AGENCY, "item": item, "origin": {"kind": "routine"}, "officers": OFFICERS,
                  "object": {"kind": "person", "name": PERSON, "id_number": PERSON_ID, "phone": PERSON_PHONE},
                  "approved_by": HEAD, "approved_at": opened, "plan": _doc("行政检查审批表", n + 1)}},
        {"stream": stream, "type": "SiteInspectionRecorded", "at": opened, "by": by,
         "data": {"officers": OFFICERS, "credentials_shown": True, "notice": _doc("行政检查通知书", n + 2),
                  "place": "吴家山街道某经营场所", "started_at": opened, "ended_at": opened,
                  "items_checked": ["油烟净化设施"], "record": _doc("现场检查笔录", n + 3), "signed_by_party": True}},
        {"stream": stream, "type": "InspectionConcluded", "at": concluded, "by": by,
         "data": {"result": "correction_ordered", "findings": [{"id": "F1", "text": "油烟直排"}],
                  "correction": {"due": "2026-06-30", "document": _doc("责令改正通知书", n + 4)},
                  "notice": _doc("检查结果告知书", n + 5), "served_at": concluded}},
    ]
    if published is not None:
        steps.append({"stream": stream, "type": "DecisionPublished", "at": published, "by": by,
                      "data": {"published_at": published, "channel": "区政府门户网站",
                               "text": f"对{PERSON}（身份证号{PERSON_ID}，电话{PERSON_PHONE}）经营场所检查："
                                       "责令改正。"}})
    return steps


def person_inspections() -> list[Raw]:
    """Both inspections of ``PERSON`` (the unpublished one, then the published one)."""
    return [*person_inspection(UNPUBLISHED, opened="2026-03-30T10:00:00+08:00", concluded=CONCLUDED, published=None),
            *person_inspection(PUBLISHED, opened="2026-05-06T10:00:00+08:00", concluded="2026-05-07T16:00:00+08:00",
                               published="2026-05-12T09:00:00+08:00", item=CAPPED, n=10)]
