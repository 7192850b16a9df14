"""The case file (案卷): one pure fold from a case's events to what a reviewer reads.

``fold_casefile`` is the only place where events become a :class:`CaseFile`: the SQL
projections write its parts to tables and the audit evaluates it, so a file is the
same whichever way it was loaded (docs/architecture.md). It is pure — no I/O, no clock — and
forgiving: backfilled history may hold ``null`` for any legal fact, and the file
then simply shows what the paper shows (the audit judges the gaps).

What the fold gathers:

* who and what: party, agency, procedure, item, violation, handlers, every officer named;
* the status (案源登记 → 已立案 → … → 已归档) and the outcome;
* every document and record, each placed in an item of the EVAL-04 catalogue and a
  stage of PEN-38; the 卷内目录 in the configured order (``evaluation.file_order``,
  Q15: chronological by default), with the unpaginated cover, catalogue and 备考表;
* the timeline of every event (its ``at``, the ledger's ``recorded_at``, 补录, overrides);
* the deadlines with their due dates (never their state: that depends on the day it is
  read, see :meth:`Deadline.state`);
* the reconsiderations (复议) and lawsuits (诉讼) that target the case.

Clerical corrections (``RecordCorrected``) are applied before folding, as the gates do
(``domain.casestate.apply_corrections``): an evaluator reads the 补正 file, while the timeline
still shows the original and the correction.

The package: ``model`` (the dataclasses), ``reading`` (forgiving JSON accessors, the timeline
line), ``documents`` (papers and the 卷内目录), ``fold`` (``HANDLERS``, one function per step
type, over the ``accumulator``'s :class:`CaseFold`, whose methods count the deadlines),
``related`` (复议, 诉讼 and 监督 streams) and ``periods`` (counting a period).
"""

from projections.casefile.documents import build_catalogue
from projections.casefile.fold import HANDLERS, fold_casefile
from projections.casefile.model import (
    CATALOGUE_ITEMS,
    CONCLUDED,
    DEFAULT_CONFIG,
    CaseFile,
    CatalogueEntry,
    CourtHearing,
    Deadline,
    DecisionInfo,
    Document,
    History,
    Judgment,
    LawsuitFile,
    LegalReviewInfo,
    Publication,
    ReviewFile,
    SupervisionFile,
    TimelineEntry,
    Withdrawal,
    catalogue_order,
    deadline_state,
)
from projections.casefile.periods import period
from projections.casefile.reading import day_of, days_between, parse_time, party_of, time_of
from projections.casefile.related import (
    fold_lawsuit,
    fold_review,
    fold_supervision,
    named_in_court,
    registered_agency,
    registry_of,
    source_agency,
    source_officer,
)

__all__ = [
    "CATALOGUE_ITEMS",
    "CONCLUDED",
    "DEFAULT_CONFIG",
    "HANDLERS",
    "CaseFile",
    "CatalogueEntry",
    "CourtHearing",
    "Deadline",
    "DecisionInfo",
    "Document",
    "History",
    "Judgment",
    "LawsuitFile",
    "LegalReviewInfo",
    "Publication",
    "ReviewFile",
    "SupervisionFile",
    "TimelineEntry",
    "Withdrawal",
    "build_catalogue",
    "catalogue_order",
    "day_of",
    "days_between",
    "deadline_state",
    "fold_casefile",
    "fold_lawsuit",
    "fold_review",
    "fold_supervision",
    "named_in_court",
    "parse_time",
    "party_of",
    "period",
    "registered_agency",
    "registry_of",
    "source_agency",
    "source_officer",
    "time_of",
]
