"""The complaint file (行政执法投诉举报 案卷): one pure fold from a ``complaint/`` stream to what a
reviewer reads, shaped like :mod:`projections.casefile`.

``fold_complaintfile`` is the only place where complaint steps become a :class:`ComplaintFile`: a
SQL projection and the audit both call it. The file has two parts (:mod:`.model`): the public part
every rendering reads (``public_view()``), and the private part with the complainant, which no
public rendering reads — nor the agency complained of when the complaint is a 检举/举报
(``agency_view()``; CMP-04, 信访工作条例 第30条第3款).

The package: ``model`` (the dataclasses, the EVAL-12 items), ``documents`` (papers and the 卷内目录),
``fold`` (``HANDLERS`` over the ``accumulator``'s :class:`ComplaintFold`, whose methods give the
deadlines from ``domain.complaint_limits``) and ``statistics`` (CMP-09).
"""

from projections.complaintfile.accumulator import ComplaintFold
from projections.complaintfile.documents import build_catalogue
from projections.complaintfile.fold import HANDLERS, bureau_of, fold_complaintfile
from projections.complaintfile.model import (
    CATALOGUE_ITEMS,
    CONCLUDED,
    STATUS_LABELS,
    Against,
    AgencyView,
    Assignment,
    Complainant,
    ComplaintFile,
    ComplaintPrivate,
    Conclusion,
    PublicComplaintFile,
)
from projections.complaintfile.statistics import ComplaintStatistics, complaint_statistics

__all__ = [
    "CATALOGUE_ITEMS",
    "CONCLUDED",
    "HANDLERS",
    "STATUS_LABELS",
    "Against",
    "AgencyView",
    "Assignment",
    "Complainant",
    "ComplaintFile",
    "ComplaintFold",
    "ComplaintPrivate",
    "ComplaintStatistics",
    "Conclusion",
    "PublicComplaintFile",
    "build_catalogue",
    "bureau_of",
    "complaint_statistics",
    "fold_complaintfile",
]
