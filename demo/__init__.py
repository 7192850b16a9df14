"""The demo generator: a realistic, reproducible year of enforcement in one district, as steps.

Not the legal model: it only generates steps (``generate``) from ``domain``'s vocabulary,
calendar and configuration; ``api``'s ``demo`` command records them. See ``demo.generator``
for why the data looks the way it does, and docs/demo.md.
"""

from demo.draw import credit_code, resident_id
from demo.generator import generate
from demo.model import (
    COMPLAINT_DEFECT_KINDS,
    DEFECT_KINDS,
    ENFORCING,
    LICENCE_DEFECT_KINDS,
    PROCEDURES,
    STAGES,
    Defect,
    DefectKind,
    DemoCase,
    DemoData,
    DemoFile,
    DemoStream,
    Proceeding,
    Rectification,
    Segment,
)
from demo.rectifications import SUPERVISOR
from demo.workdays import holiday_notice_years

__all__ = [
    "COMPLAINT_DEFECT_KINDS",
    "DEFECT_KINDS",
    "ENFORCING",
    "LICENCE_DEFECT_KINDS",
    "PROCEDURES",
    "STAGES",
    "SUPERVISOR",
    "Defect",
    "DefectKind",
    "DemoCase",
    "DemoData",
    "DemoFile",
    "DemoStream",
    "Proceeding",
    "Rectification",
    "Segment",
    "credit_code",
    "generate",
    "holiday_notice_years",
    "resident_id",
]
