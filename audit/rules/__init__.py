"""The rules, one module per family: the case-level ones registered with ``audit.rulebook.rule``,
the licence-file ones (``lic*``) with ``audit.licence_rulebook.licence_rule``, the inspection ones
(``ins*``) with ``audit.inspection_rulebook.inspection_rule``, the coercion and enforcement ones
(``coe*``, ``enf``) with ``audit.coercion_rulebook.coercion_rule``.

Importing this package registers every rule; the import order below is the
registration order, which is the order of the generated rule reference and of the
audit's findings — keep it.
"""

from audit.rules import pen, pen_sanction, ts, pub, rc, lit, evaluation  # noqa: F401 - registers the rules  # isort: skip
from audit.rules import lic, lic_decision, lic_after, lic_file  # noqa: F401 - licence rules  # isort: skip
from audit.rules import cmp, cmp_followup  # noqa: F401 - complaint rules  # isort: skip
from audit.rules import ins, ins_result  # noqa: F401 - inspection rules  # isort: skip
from audit.rules import coe, enf, coe_file  # noqa: F401 - coercion and enforcement rules  # isort: skip

__all__: list[str] = []
