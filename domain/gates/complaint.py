"""The 投诉举报 gate (CMP-04): judged at ``ComplaintTransferred`` on ``complaint/`` streams.

Why it refuses: a whistleblower's identity sent to the agency or officers reported cannot be
taken back (信访工作条例 第30条第3款).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from domain.config import PETITION_RULE
from domain.gates.core import Judged, gate

COMPLAINTS: Final = frozenset({"complaint"})


def _recipient(value: object) -> str | None:
    """``to`` as recorded: an agency or body id, or an object naming one."""
    if isinstance(value, Mapping):
        value = value.get("agency") or value.get("id")
    return value if isinstance(value, str) and value else None


@gate("CMP-04", "举报人身份透露给被举报对象", f"{PETITION_RULE}第三十条第三款", frozenset({"ComplaintTransferred"}),
      COMPLAINTS)
def _identity(j: Judged) -> str | None:
    """A 检举/举报 (``nature: report``) passed to the agency or an officer it is against must
    not share the complainant's identity (a 投诉 by the party itself may)."""
    state = j.complaint
    if state is None or state.nature != "report" or j.step.data.get("complainant_identity_shared") is not True:
        return None
    to = _recipient(j.step.data.get("to"))
    if to is None or to not in {state.against_agency, *state.against_officers}:
        return None
    return (f"检举、举报转送被举报的 {to} 时不得透露举报人身份（complainant_identity_shared 为 true），"
            "应隐去举报人信息后再转送")
