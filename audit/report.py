"""Evaluation reports: plain text for the terminal, JSON for programs, one printable HTML page.

The JSON shapes are the public contract (issue 6): one object per case — ``case``,
``score``, ``grade``, ``veto``, ``findings`` [{``rule``, ``severity``, ``category``,
``points``, ``basis``, ``message``, ``events``}] — and an array of them for a list.
The HTML page is self-contained (inline CSS, no scripts, no external resources) and
prints one case per page.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from audit.model import SEVERITY_LABELS, Evaluation
from audit.rulebook import PATH_LABELS
from domain.config import CATEGORIES, Config
from projections.labels import GRADE_LABELS, STATUS_LABELS, step_label

__all__ = ["as_html", "as_json", "as_text"]

GRADE_CLASS: Final[dict[str | None, str]] = {"优秀": "good", "合格": "pass", "不合格": "fail", None: "running"}
SUMMED: Final = ("优秀", "合格", "不合格", None)
"""The grades counted in a summary; None is 办理中 (a file without its concluding step: no grade)."""


def _grade(grade: str | None) -> str:
    return GRADE_LABELS[grade] if grade in GRADE_LABELS else str(grade)


def _counts(evaluations: Sequence[Evaluation]) -> str:
    grades = Counter(e.grade for e in evaluations)
    return "，".join(f"{_grade(g)} {grades.get(g, 0)} 件" for g in SUMMED if g is not None or grades.get(g))


def as_json(evaluations: Sequence[Evaluation], *, single: bool) -> str:
    """One object for ``--case``, an array otherwise."""
    if single:
        return json.dumps(evaluations[0].as_json(), ensure_ascii=False, indent=2)
    return json.dumps([e.as_json() for e in evaluations], ensure_ascii=False, indent=2)


def _status(ev: Evaluation) -> str:
    return STATUS_LABELS.get(ev.status, ev.status) if ev.status else ""


def _events(ev_events: Sequence[Any]) -> str:
    return "、".join(f"{e.stream} v{e.version} {step_label(e.type)}" for e in ev_events)


def as_text(evaluations: Sequence[Evaluation], config: Config) -> str:
    lines: list[str] = []
    for ev in evaluations:
        path = PATH_LABELS.get(ev.path, ev.path)
        lines.append(f"案卷评查 {ev.case}（{path}，{_status(ev)}）截至 {ev.as_of}")
        lines.append(f"  得分 {ev.score} 分，等级 {_grade(ev.grade)}" + ("，存在否决项" if ev.veto else ""))
        if not ev.findings:
            lines.append("  未发现问题")
        for f in ev.findings:
            points = f"扣 {f.points} 分" if f.points else "不扣分"
            lines.append(f"  [{f.severity} {SEVERITY_LABELS[f.severity]}] {f.rule} {f.title}（{f.category}，{points}）")
            lines.append(f"      {f.message}")
            lines.append(f"      依据：{f.basis}")
            if f.events:
                lines.append(f"      涉及：{_events(f.events)}")
        weights = config.evaluation.weights
        lines.append("  分类扣分：" + "，".join(f"{c} {ev.deductions.get(c, 0)}/{weights.get(c, 0)}"
                                          for c in CATEGORIES))
        lines.append("")
    if len(evaluations) > 1:
        lines.append(f"共评查 {len(evaluations)} 件：" + _counts(evaluations))
    return "\n".join(lines).rstrip() + "\n"


_CSS: Final = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#111}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.2em 0 .3em}
.meta{color:#444;margin:.2em 0 .8em}.grade{font-weight:bold;padding:.1em .5em;border-radius:.3em}
.good{background:#d8f0d8}.pass{background:#fff2c6}.fail{background:#f7d0d0}.running{background:#e4e8f0}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.92em}
th,td{border:1px solid #999;padding:.3em .45em;vertical-align:top;text-align:left}
th{background:#eee}.sev-BLOCKER{color:#a00;font-weight:bold}.sev-MAJOR{color:#b45a00}
.small{font-size:.85em;color:#333}.case{page-break-after:always}.case:last-child{page-break-after:auto}
.summary td{text-align:center}
@media print{body{margin:1cm}.case{break-after:page}}
"""


def as_html(evaluations: Sequence[Evaluation], config: Config, *, title: str = "行政执法案卷评查报告",
            generated: date | None = None) -> str:
    """One self-contained, printable page: a summary, then each case with its findings."""
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>",
             f"<style>{_CSS}</style></head><body>", f"<h1>{e(title)}</h1>"]
    if generated is not None:
        parts.append(f"<p class=\"meta\">评查基准日 {generated.isoformat()}；共 {len(evaluations)} 件案卷</p>")
    if len(evaluations) > 1:
        parts.append("<table class=\"summary\"><tr><th>案卷</th><th>得分</th><th>等级</th><th>否决</th>"
                     "<th>否决项/严重/一般</th></tr>")
        for x in evaluations:
            parts.append(f"<tr><td>{e(x.case)}</td><td>{x.score}</td>"
                         f"<td><span class=\"grade {GRADE_CLASS[x.grade]}\">{e(_grade(x.grade))}</span></td>"
                         f"<td>{'是' if x.veto else '否'}</td>"
                         f"<td>{x.count('BLOCKER')}/{x.count('MAJOR')}/{x.count('MINOR')}</td></tr>")
        parts.append("</table><p class=\"meta\">" + _counts(evaluations) + "</p>")
    weights = config.evaluation.weights
    for x in evaluations:
        parts.append("<section class=\"case\">")
        parts.append(f"<h2>{e(x.case)}</h2><p class=\"meta\">{e(PATH_LABELS.get(x.path, x.path))}，{e(_status(x))}；"
                     f"截至 {x.as_of.isoformat()}；得分 <b>{x.score}</b> 分，等级 "
                     f"<span class=\"grade {GRADE_CLASS[x.grade]}\">{e(_grade(x.grade))}</span>"
                     + ("；<b>存在否决项</b>" if x.veto else "") + "</p>")
        parts.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in CATEGORIES) + "</tr><tr>"
                     + "".join(f"<td>扣 {x.deductions.get(c, 0)} / {weights.get(c, 0)}</td>" for c in CATEGORIES)
                     + "</tr></table>")
        if not x.findings:
            parts.append("<p>未发现问题。</p>")
        else:
            parts.append("<table><tr><th>规则</th><th>严重程度</th><th>类别</th><th>扣分</th><th>问题</th>"
                         "<th>法律依据</th><th>涉及事件</th></tr>")
            for f in x.findings:
                parts.append(
                    f"<tr><td>{e(f.rule)}<br><span class=\"small\">{e(f.title)}</span></td>"
                    f"<td class=\"sev-{e(f.severity)}\">{e(SEVERITY_LABELS[f.severity])}</td>"
                    f"<td>{e(f.category)}</td><td>{f.points}</td><td>{e(f.message)}</td>"
                    f"<td class=\"small\">{e(f.basis)}</td><td class=\"small\">{e(_events(f.events))}</td></tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts.append("<p class=\"small\">评分规则：严重问题每项扣 "
                 f"{config.evaluation.major_points} 分、一般问题每项扣 {config.evaluation.minor_points} 分，"
                 "各类别扣完为止；存在否决项的案卷评为不合格；优秀不低于 "
                 f"{config.evaluation.excellent_min} 分且无否决项、无基本要素问题，合格不低于 "
                 f"{config.evaluation.pass_min} 分。</p></body></html>")
    return "".join(parts) + "\n"
