"""The 强制 file (行政强制 案卷, EVAL-10): one pure fold from a ``coercion/`` stream's events to what a
reviewer reads, shaped like ``projections.licencefile``.

``fold_coercionfile`` follows a stand-alone measure (查封、扣押、冻结: approval or the emergency report,
the measure, its period and extension, testing periods, disposal or release and return) or an
enforcement by the agency (催告, the enforcement or 代履行 decision, its carrying out, costs), then
publication, closing and archive. The measures and the enforcement are :mod:`projections.measures`'
records, which the penalty case file shows too (EVAL-04 item 7).

The package: ``model`` (the dataclasses; documents, catalogue lines and deadlines are the case file's
types), ``documents`` (EVAL-10's items and the 卷内目录), ``fold`` (``HANDLERS``, one function per step
type) over the ``accumulator``'s :class:`CoercionFold`.
"""

from projections.coercionfile.documents import COERCION_PAPERS, coercion_catalogue, coercion_documents
from projections.coercionfile.fold import HANDLERS, fold_coercionfile
from projections.coercionfile.model import (
    COERCION_ITEMS,
    COERCION_UNPAGINATED,
    CONCLUDED,
    STATUS_LABELS,
    CoercionFile,
    Warning,
)

__all__ = [
    "COERCION_ITEMS",
    "COERCION_PAPERS",
    "COERCION_UNPAGINATED",
    "CONCLUDED",
    "HANDLERS",
    "STATUS_LABELS",
    "CoercionFile",
    "Warning",
    "coercion_catalogue",
    "coercion_documents",
    "fold_coercionfile",
]
