"""The re-derivation of a recorded 双随机 draw, as ``draw verify`` and the audit report it.

Why a re-export: the check is pure (``domain.draw`` over a ``SpotCheckTask``), so it lives beside the
task's fold (:mod:`projections.inspectionfile.rederive`), where the spot-check read model stores its
outcome too; callers of the audit layer keep importing it from here.
"""

from projections.inspectionfile.rederive import FAIL, OK, UNVERIFIED, DrawCheck, DrawReport, beacon_check, verify_draw

__all__ = ["FAIL", "OK", "UNVERIFIED", "DrawCheck", "DrawReport", "beacon_check", "verify_draw"]
