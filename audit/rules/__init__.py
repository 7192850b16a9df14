"""The case-level rules, one module per family, registered with ``audit.rulebook.rule``.

Importing this package registers every rule; the import order below is the
registration order, which is the order of the generated rule reference and of the
audit's findings — keep it.
"""

from audit.rules import pen, pen_sanction, ts, pub, rc, lit, evaluation, cmp, cmp_followup  # noqa: F401 - registers the rules  # isort: skip

__all__: list[str] = []
