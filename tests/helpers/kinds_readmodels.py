"""Ledgers with the licence and complaint examples for the read-model tests: no tests here.

Steps are imported as 补录 (structure only) so a test may record what the gates would refuse
live (personal data in a backfilled publication: the projections must still mask it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ledger.service import Ledger
from projections.runner import Runner
from tests.helpers.kinds_examples import COMPLAINT, LICENCE, complaint_steps, edit_step, licence_steps
from tests.helpers.licence_defects import proceeding_steps
from tests.helpers.projection_ledgers import import_examples, import_steps, new_ledger
from tests.helpers.stores import store_config

Raw = dict[str, Any]
PERSON = {"kind": "person", "name": "王小明", "phone": "13912345678", "address": "武汉市东西湖区某小区3栋201室"}
"""A natural-person applicant whose data must never reach a public table."""
COMPLAINANT = ("李某", "13800000000")
"""The example complainant's name and phone (examples/complaint.jsonl)."""


def person_licence() -> list[Raw]:
    """The example licence applied for by a natural person, its publication naming them (a 补录
    the PUB-01 gate never saw)."""
    def applicant(step: Raw) -> None:
        step["data"]["applicant"] = copy.deepcopy(PERSON)

    def text(step: Raw) -> None:
        step["data"]["text"] = ("东审批许字〔2026〕第0031号：准予王小明（电话13912345678，"
                                "住址武汉市东西湖区某小区3栋201室）大型户外广告设置审批，"
                                "许可证号东审批广字〔2026〕第0031号。")

    return edit_step(edit_step(licence_steps(), "LicenceApplied", applicant), "DecisionPublished", text)


def report_complaint() -> list[Raw]:
    """The example complaint as a 举报 (its transfer still says the identity was shared)."""
    def nature(step: Raw) -> None:
        step["data"]["nature"] = "report"

    return edit_step(complaint_steps(), "ComplaintReceived", nature)


def project(ledger: Ledger) -> None:
    runner = Runner(ledger.store)
    try:
        runner.run_once()
    finally:
        runner.close()


@contextmanager
def kinds_ledger(tmp: Path, *extra: list[Raw], examples: bool = True) -> Iterator[Ledger]:
    """The registry (and, with ``examples``, the licence and complaint examples), then ``extra``
    step lists, all backfilled; the projections run once."""
    with store_config("sqlite", tmp) as config:
        ledger = new_ledger(config, tmp / "keys.json", live=False)
        try:
            import_examples(ledger, ["registry"])
            if examples:
                import_steps(ledger, licence_steps(), backfill=True)
                import_steps(ledger, complaint_steps(), backfill=True)
            for steps in extra:
                import_steps(ledger, steps, backfill=True)
            project(ledger)
            yield ledger
        finally:
            ledger.close()


__all__ = ["COMPLAINANT", "COMPLAINT", "LICENCE", "PERSON", "kinds_ledger", "person_licence", "proceeding_steps",
           "project", "report_complaint"]
