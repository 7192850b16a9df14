"""The licence file (行政许可 案卷): one pure fold from a ``licence/`` stream's events to what a
reviewer reads, shaped like ``projections.casefile``.

``fold_licencefile`` follows an application from receipt to 补正, acceptance (or not), 核查,
hearings, excluded periods, the decision, the certificate, publication, closing and archive — or a
proceeding the agency opens on an effective licence (撤回, 撤销, 注销) — and records the licence a
change, renewal or proceeding concerns. A future SQL projection and the audit both call it, so a
file is the same whichever way it was loaded.

The package: ``model`` (the dataclasses; documents, catalogue lines and deadlines are the case
file's types), ``documents`` (EVAL-09's items and the 卷内目录), ``fold`` (``HANDLERS``, one
function per step type) over the ``accumulator``'s :class:`LicenceFold`, whose methods count the
deadlines with ``domain.licence_limits``.
"""

from projections.licencefile.documents import LICENCE_PAPERS, licence_catalogue, licence_documents
from projections.licencefile.fold import HANDLERS, fold_licencefile
from projections.licencefile.model import (
    CONCLUDED,
    LICENCE_ITEMS,
    LICENCE_UNPAGINATED,
    STATUS_LABELS,
    AgencyRegistry,
    IssuedLicence,
    LicenceDecision,
    LicenceFile,
    LicencePublication,
)

__all__ = [
    "CONCLUDED",
    "HANDLERS",
    "LICENCE_ITEMS",
    "LICENCE_PAPERS",
    "LICENCE_UNPAGINATED",
    "STATUS_LABELS",
    "AgencyRegistry",
    "IssuedLicence",
    "LicenceDecision",
    "LicenceFile",
    "LicencePublication",
    "fold_licencefile",
    "licence_catalogue",
    "licence_documents",
]
