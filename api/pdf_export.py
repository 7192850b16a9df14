"""PDF for paper: the whole case file, the 评查意见书 and the 责令整改通知书.

Bureaus print, sign and archive; these are the three papers they need. Why they are made
the way they are:

* **Chinese renders anywhere, with no system font or library**: the text is set in the PDF
  standard's CJK CID font ``STSong-Light`` (Adobe-GB1, as ReportLab offers it), which every
  PDF reader supplies, so the file carries no font and the machine that makes it needs none.
* **The text is real text** (extractable, searchable): the case number is on page 1 of the
  case file and of the 评查意见书.
* **What a person reads is Chinese**: step types, stages, statuses, severities, outcomes via
  ``projections.labels`` and ``audit.model``; money via ``domain.money.yuan``; times in +08:00.
* **The same bytes for the same input** (``invariant=1``: no creation time, no random id).

The case file is the fold of ``projections.casefile`` (the same file the audit evaluates) and
the evaluation is the audit's; the callers (``export``, ``audit``, the pages) load them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

import audit.engine  # noqa: F401 - registers every rule, whose title and basis a notice cites
from audit.model import SEVERITY_LABELS, Evaluation
from audit.rulebook import PATH_LABELS, RULES
from domain.calendar import SHANGHAI, WorkingCalendar
from domain.config import CATEGORIES, Config
from domain.money import yuan
from projections.casefile import CaseFile
from projections.labels import (
    OUTCOME_LABELS,
    PARTY_KIND_LABELS,
    PROCEDURE_LABELS,
    RETENTION_LABELS,
    STAGES,
    deadline_label,
    step_label,
)

__all__ = ["Checked", "LoggedEvent", "Rectification", "case_file_pdf", "evaluation_pdf", "notice_number",
           "rectification_pdf"]

FONT: Final = "STSong-Light"
MONO: Final = "Courier"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, wordWrap="CJK")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8.5, leading=11.5)
_CELL = ParagraphStyle("cell", parent=_BODY, fontSize=8.5, leading=11)
_HEAD = ParagraphStyle("head", parent=_CELL, textColor=colors.black)
_H1 = ParagraphStyle("h1", parent=_BODY, fontSize=16, leading=22, spaceAfter=8)
_TITLE = ParagraphStyle("title", parent=_BODY, fontSize=24, leading=34, alignment=TA_CENTER, spaceAfter=6)
_SUBTITLE = ParagraphStyle("subtitle", parent=_BODY, fontSize=13, leading=20, alignment=TA_CENTER)
_CODE = ParagraphStyle("code", fontName=MONO, fontSize=7.5, leading=9.5, wordWrap="LTR", splitLongWords=True)
_TOC_LINE = ParagraphStyle("toc", parent=_BODY, fontSize=11, leading=20)
_NONE = "—"
_GRID: Final = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
])
_FORM: Final = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
])
_WIDTH: Final = A4[0] - 36 * mm


def _esc(value: object) -> str:
    text = _NONE if value is None or value == "" else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(value: object, style: ParagraphStyle = _CELL) -> Paragraph:
    return Paragraph(_esc(value), style)


def _time(moment: datetime | None) -> str:
    """A moment as a person in the bureau reads it: Beijing time, to the minute."""
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment is not None else _NONE


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return _NONE
    if isinstance(moment, datetime):
        return moment.astimezone(SHANGHAI).date().isoformat()
    return moment.isoformat()


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
    body = [[_p(h, _HEAD) for h in header]]
    body += [[c if isinstance(c, Flowable) else _p(c) for c in row] for row in rows]
    table = Table(body, colWidths=[w * _WIDTH for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


def _form(rows: Sequence[tuple[str, object]], label: float = 0.24) -> Table:
    table = Table([[_p(k, _BODY), _p(v, _BODY)] for k, v in rows], colWidths=[label * _WIDTH, (1 - label) * _WIDTH])
    table.setStyle(_FORM)
    return table


def _signatures(labels: Sequence[str]) -> Table:
    """Lines to sign or seal: who, the blank to sign in, the date."""
    table = Table([[_p(k, _BODY), "", _p("日期：", _BODY)] for k in labels],
                  colWidths=[0.3 * _WIDTH, 0.42 * _WIDTH, 0.28 * _WIDTH], rowHeights=[11 * mm] * len(labels))
    table.setStyle(_FORM)
    return table


def _name(names: Mapping[str, str], identity: str | None) -> str:
    if not identity:
        return _NONE
    known = names.get(identity)
    return f"{known}（{identity.split('/', 1)[-1]}）" if known else identity


class _Heading(Paragraph):  # type: ignore[misc]  # ReportLab ships no types
    """A section heading that the 卷内目录 lists with its page."""


class _Doc(SimpleDocTemplate):  # type: ignore[misc]
    def __init__(self, buffer: io.BytesIO, *, title: str, running: str) -> None:
        super().__init__(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                         bottomMargin=18 * mm, title=title, author="enforcement-ledger", subject=running,
                         creator="enforcement-ledger", invariant=1)
        self.running = running

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _Heading):
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))

    def decorate(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, A4[1] - 12 * mm, self.running)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()


def _build(story: list[Flowable], *, title: str, running: str, toc: bool = False) -> bytes:
    buffer = io.BytesIO()
    doc = _Doc(buffer, title=title, running=running)
    if toc:
        doc.multiBuild(story, onFirstPage=doc.decorate, onLaterPages=doc.decorate)
    else:
        doc.build(story, onFirstPage=doc.decorate, onLaterPages=doc.decorate)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the case file


@dataclass(frozen=True)
class LoggedEvent:
    """An event of the file as the transparency log holds it (for the verification appendix)."""

    stream: str
    version: int
    type: str
    position: int | None
    sha256: str


@dataclass(frozen=True)
class Checked:
    """What a reader needs to check the file offline: the signed checkpoint, the log's key, the events."""

    origin: str
    size: int
    checkpoint: str
    """The signed checkpoint note, as the log serves it (text, blank line, signature lines)."""
    vkey: str
    events: tuple[LoggedEvent, ...] = field(default=())

    @classmethod
    def of(cls, log: Any, rows: Sequence[tuple[int, str, int, bytes]]) -> Checked:
        """From an open ``TransparencyLog`` and the file's events (notification id, stream, version, bytes)."""
        import orjson

        latest = log.latest_checkpoint()
        events = []
        for nid, stream, version, stored in rows:
            envelope = orjson.loads(stored).get("event") or {}
            events.append(LoggedEvent(stream, version, str(envelope.get("type")), log.position_of(nid),
                                      hashlib.sha256(stored).hexdigest()))
        return cls(log.origin, latest.size if latest is not None else 0,
                   latest.note.decode("utf-8") if latest is not None else "", log.vkey() or "", tuple(events))


def _cover(cf: CaseFile, names: Mapping[str, str], as_of: date) -> list[Flowable]:
    party = cf.party
    party_text = _NONE
    if party is not None:
        party_text = f"{party.name or _NONE}（{PARTY_KIND_LABELS.get(party.kind, party.kind)}）"
        if party.credit_code:
            party_text += f"，统一社会信用代码 {party.credit_code}"
    cause = cf.violation.get("summary") if isinstance(cf.violation.get("summary"), str) else None
    decision = cf.decision
    decided = _NONE
    if decision is not None:
        decided = f"{OUTCOME_LABELS.get(decision.outcome, decision.outcome)}"
        if decision.document_no:
            decided += f"，{decision.document_no}"
        if decision.fine_fen:
            decided += f"，罚款 {yuan(decision.fine_fen)}"
    elif cf.transferred_at is not None:
        decided = OUTCOME_LABELS["transfer"]
    retention = RETENTION_LABELS.get(cf.retention, cf.retention) if cf.retention else "未记录（尚未归档）"
    return [
        Spacer(1, 30 * mm),
        Paragraph("行政执法案卷", _TITLE),
        Paragraph(_esc(names.get(cf.agency or "", "") or cf.agency or "执法机关未确定"), _SUBTITLE),
        Spacer(1, 14 * mm),
        _form([
            ("案号", cf.number), ("执法机关", _name(names, cf.agency)), ("当事人", party_text),
            ("案由", cause or cf.item), ("执法事项", cf.item),
            ("程序", PROCEDURE_LABELS.get(cf.procedure or "", cf.procedure)), ("状态", cf.status_label),
            ("处理结果", decided),
            ("立案日期", _day(cf.registered_at)), ("决定日期", _day(decision.at if decision else None)),
            ("结案日期", _day(cf.closed_at)), ("归档日期", _day(cf.archived_at)),
            ("档号", cf.archive_no), ("保管期限", retention),
        ]),
        Spacer(1, 10 * mm),
        Paragraph(f"本卷据账本中已签名的事件生成，截至 {as_of.isoformat()}（北京时间）。"
                  "卷中各事件可按附录“核验”离线核对。", _SMALL),
    ]


def _documents(cf: CaseFile) -> list[Flowable]:
    volumes = {e.volume for e in cf.catalogue}
    rows = []
    for e in cf.catalogue:
        where = (e.sha256[:16] if e.sha256 else
                 ("事件记录" if e.version is not None else ("" if not e.paginated else "缺")))
        rows.append([(f"{e.volume} " if len(volumes) > 1 else "") + str(e.seq), e.item_title, e.title,
                     _day(e.on), f"v{e.version}" if e.version is not None else "", where])
    out: list[Flowable] = [_Heading("二、文书目录", _H1),
                           Paragraph("按卷内顺序（EVAL-04）列出卷中文书和记录；“事件记录”指该步骤本身即为记录，"
                                     "文件以其 SHA-256（此处列前 16 位）在账本中引用。", _SMALL), Spacer(1, 3 * mm)]
    out.append(_table(["序号", "项目", "题名", "日期", "事件", "文件"], rows, [0.07, 0.26, 0.27, 0.12, 0.07, 0.21])
               if rows else Paragraph("卷中没有文书。", _BODY))
    return out


def _timeline(cf: CaseFile, names: Mapping[str, str]) -> list[Flowable]:
    lines = sorted([*cf.timeline, *(t for r in cf.reviews for t in r.timeline),
                    *(t for s in cf.lawsuits for t in s.timeline)], key=lambda t: (t.at, t.stream, t.version))
    rows = []
    for t in lines:
        note = "补录" if t.backfilled else ""
        if t.overrides:
            note += ("，" if note else "") + "越权：" + "、".join(t.overrides)
        recorded = _NONE
        try:
            recorded = _time(datetime.fromisoformat(t.recorded_at.replace("Z", "+00:00")))
        except ValueError:
            pass
        rows.append([_time(t.at), step_label(t.type), STAGES.get(t.stage, t.stage),
                     f"{t.stream.split('/', 1)[0]} v{t.version}" if t.stream != cf.stream else f"v{t.version}",
                     _name(names, t.by), recorded, note])
    return [_Heading("三、时间线", _H1),
            Paragraph("发生时间为步骤所述时间，记入账本为账本记录时间，均为北京时间（+08:00）。", _SMALL),
            Spacer(1, 3 * mm),
            _table(["发生时间", "步骤", "阶段", "流/版本", "记录人", "记入账本", "备注"], rows,
                   [0.15, 0.2, 0.1, 0.1, 0.19, 0.15, 0.11])]


def _deadlines(cf: CaseFile, as_of: date, calendar: WorkingCalendar, soon: int) -> list[Flowable]:
    rows = []
    for d in cf.all_deadlines:
        state = d.state(as_of, calendar, soon)
        due = d.due.due.isoformat() + ("（待定）" if d.due.provisional else "")
        rows.append([d.title, d.rule, "机关" if d.is_duty else "当事人", d.start.isoformat(), due,
                     _day(d.done_on), deadline_label(state, d.holder)])
    out: list[Flowable] = [_Heading("四、期限", _H1),
                           Paragraph(f"各法定期限的起算、届满和完成日期；状态按 {as_of.isoformat()} 计算。", _SMALL),
                           Spacer(1, 3 * mm)]
    out.append(_table(["期限", "规则", "承担", "起算", "届满", "完成", "状态"], rows,
                      [0.28, 0.1, 0.08, 0.13, 0.15, 0.13, 0.13]) if rows else Paragraph("无期限。", _BODY))
    return out


def _findings(ev: Evaluation, config: Config) -> list[Flowable]:
    weights = config.evaluation.weights
    out: list[Flowable] = [
        _table(list(CATEGORIES), [[f"扣 {ev.deductions.get(c, 0)} / {weights.get(c, 0)}" for c in CATEGORIES]],
               [1 / len(CATEGORIES)] * len(CATEGORIES)), Spacer(1, 4 * mm)]
    if not ev.findings:
        out.append(Paragraph("未发现问题。", _BODY))
        return out
    rows = [[f"{f.rule}\n{f.title}".strip(), SEVERITY_LABELS.get(f.severity, f.severity), f.category,
             str(f.points), f.message + ("（待定：日历未知）" if f.provisional else ""), f.basis] for f in ev.findings]
    for row in rows:
        row[0] = Paragraph(_esc(row[0]).replace("\n", "<br/>"), _CELL)
    out.append(_table(["规则", "严重程度", "类别", "扣分", "问题", "法律依据"], rows,
                      [0.14, 0.1, 0.1, 0.06, 0.36, 0.24]))
    return out


def _grade_line(ev: Evaluation) -> str:
    path = PATH_LABELS.get(ev.path, ev.path)
    return (f"评查基准日 {ev.as_of.isoformat()}；{path}；得分 {ev.score} 分，等级 {ev.grade}"
            + ("；存在否决项" if ev.veto else "") + "。")


def _verification(checked: Checked | None, cf: CaseFile) -> list[Flowable]:
    out: list[Flowable] = [_Heading("附录、核验", _H1)]
    if checked is None:
        return [*out, Paragraph("导出时无法读取透明日志，未附核验材料。", _BODY)]
    number = cf.number
    covered = sum(1 for e in checked.events if e.position is not None and e.position < checked.size)
    out += [
        Paragraph(f"本卷的 {len(checked.events)} 个事件都经执法人员 Ed25519 签名，并记入账本的透明日志 "
                  f"{_esc(checked.origin)}；其中 {covered} 个已被下列签名检查点（大小 {checked.size}）覆盖。"
                  "纸面与账本是否一致，可不依赖账本服务器离线核对：", _BODY),
        Spacer(1, 2 * mm),
        Paragraph(f"1. 取得本案导出包：<font name='{MONO}'>enforcement-ledger export --case {_esc(number)} "
                  f"DIR</font>，或在案卷页面点“导出案卷（zip）”。包内有每个事件的签名字节、包含证明回执、"
                  "签名人公钥和日志公钥，以及 README.md。", _BODY),
        Paragraph("2. 逐个核验回执：<font name='Courier'>enforcement-ledger log verify-receipt "
                  "receipts/N.tlog-proof --key log.vkey --event events/N.bin</font>。它校验检查点上的日志签名，"
                  "并由事件字节重算叶子、沿包含证明算到检查点的根。", _BODY),
        Paragraph("3. 把下列日志公钥与机关公布的公钥（<font name='Courier'>enforcement-ledger log key</font>，"
                  "或公开页面“透明日志”）比对；把下列检查点与公开页面或见证方所见的检查点比对。", _BODY),
        Paragraph("4. 下表序号 N 的事件即导出包中的 events/000N.bin（四位序号），其 SHA-256 即该文件的哈希；"
                  "纸面所载与之对应。", _BODY),
        Spacer(1, 3 * mm), Paragraph("签名检查点：", _BODY),
        Paragraph(_esc(checked.checkpoint or "（尚无检查点）").replace("\n", "<br/>"), _CODE),
        Spacer(1, 2 * mm), Paragraph("日志公钥：", _BODY), Paragraph(_esc(checked.vkey or _NONE), _CODE),
        Spacer(1, 3 * mm),
    ]
    rows = [[str(n), f"{e.stream}\nv{e.version}", step_label(e.type),
             str(e.position) if e.position is not None else "未入日志",
             Paragraph(e.sha256, _CODE)] for n, e in enumerate(checked.events, start=1)]
    for row in rows:
        row[1] = Paragraph(_esc(row[1]).replace("\n", "<br/>"), _CELL)
    out.append(_table(["序号", "流/版本", "步骤", "日志位置", "事件字节的 SHA-256"], rows,
                      [0.06, 0.26, 0.2, 0.1, 0.38]))
    return out


def case_file_pdf(cf: CaseFile, ev: Evaluation | None, config: Config, *, as_of: date,
                  names: Mapping[str, str] | None = None, calendar: WorkingCalendar | None = None,
                  checked: Checked | None = None) -> bytes:
    """The whole file to print and archive: 封面, 卷内目录 (with this PDF's pages), 文书目录, 时间线,
    期限, 评查, and the 核验 appendix; each section on its own pages."""
    names = names or {}
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [_TOC_LINE]
    story: list[Flowable] = [*_cover(cf, names, as_of), PageBreak(),
                             _Heading("一、卷内目录", _H1), Paragraph(f"案号 {_esc(cf.number)}", _SMALL),
                             Spacer(1, 4 * mm), toc, PageBreak()]
    story += [*_documents(cf), PageBreak()]
    story += [*_timeline(cf, names), PageBreak()]
    story += [*_deadlines(cf, as_of, calendar or WorkingCalendar(), config.warnings.yellow_wd), PageBreak()]
    story.append(_Heading("五、评查", _H1))
    if ev is None:
        story.append(Paragraph("本案尚无评查结果（运行 enforcement-ledger audit --refresh）。", _BODY))
    else:
        story += [Paragraph(_esc(_grade_line(ev)), _BODY), Spacer(1, 3 * mm), *_findings(ev, config)]
    story += [PageBreak(), *_verification(checked, cf)]
    return _build(story, title=f"行政执法案卷 {cf.number}", running=f"行政执法案卷｜案号 {cf.number}", toc=True)


# --------------------------------------------------------------------------- 评查意见书


def evaluation_pdf(cf: CaseFile, ev: Evaluation, config: Config, *, evaluator: str | None,
                   names: Mapping[str, str] | None = None, issued: date | None = None) -> bytes:
    """The 评查意见书: whose file, which decision, who evaluated when, the findings with their
    rule and article, the score and grade, and lines to sign."""
    names = names or {}
    party = cf.party.name if cf.party is not None else None
    decision = cf.decision.document_no if cf.decision is not None else None
    story: list[Flowable] = [
        Paragraph("行政执法案卷评查意见书", _TITLE), Paragraph(f"案号 {_esc(cf.number)}", _SUBTITLE),
        Spacer(1, 8 * mm),
        _form([("被评查机关", _name(names, cf.agency)), ("案号", cf.number), ("当事人", party),
               ("决定书文号", decision or "无（未作出决定）"),
               ("案件状态", cf.status_label), ("评查人员", _name(names, evaluator)),
               ("评查基准日", ev.as_of.isoformat()), ("出具日期", (issued or ev.as_of).isoformat()),
               ("得分与等级", f"{ev.score} 分，{ev.grade}" + ("（存在否决项）" if ev.veto else ""))]),
        Spacer(1, 6 * mm), Paragraph("评查发现", _H1), *_findings(ev, config), Spacer(1, 6 * mm),
        Paragraph("评查意见", _H1),
        Paragraph(_esc(_opinion(ev)), _BODY),
        Paragraph(f"评分规则：严重问题每项扣 {config.evaluation.major_points} 分、一般问题每项扣 "
                  f"{config.evaluation.minor_points} 分，各类别扣完为止；存在否决项的案卷评为不合格；优秀不低于 "
                  f"{config.evaluation.excellent_min} 分且无否决项，合格不低于 {config.evaluation.pass_min} 分。",
                  _SMALL),
        KeepTogether([Spacer(1, 10 * mm), _signatures(["评查人员（签名）", "复核人（签名）", "评查机关（盖章）"])]),
    ]
    return _build(story, title=f"评查意见书 {cf.number}", running=f"行政执法案卷评查意见书｜案号 {cf.number}")


def _opinion(ev: Evaluation) -> str:
    if not ev.findings:
        return f"经评查，本案卷未发现问题，得 {ev.score} 分，评为{ev.grade}。"
    rules = "、".join(f.rule for f in ev.findings)
    text = f"经评查，本案卷存在 {len(ev.findings)} 项问题（{rules}），得 {ev.score} 分，评为{ev.grade}。"
    if ev.veto:
        text += "存在否决项，案卷评为不合格。"
    return text + "请被评查机关对照上列规则和法律依据逐项整改，并在规定期限内书面报告整改情况。"


# --------------------------------------------------------------------------- 责令整改通知书


@dataclass(frozen=True)
class Rectification:
    """A ``RectificationOrdered`` step of a supervision stream, and its report if one came."""

    stream: str
    version: int
    agency: str
    case: str | None
    findings: tuple[str, ...]
    due_at: datetime | None
    ordered_at: datetime | None
    ordered_by: str | None
    reported_at: datetime | None = None
    actions: tuple[str, ...] = ()

    @classmethod
    def of(cls, stream: str, envelopes: Sequence[Mapping[str, Any]]) -> Rectification | None:
        """The stream's last order, from its envelopes (``type``, ``at``, ``by``, ``data``); None if none."""
        found: Rectification | None = None
        for n, env in enumerate(envelopes, start=1):
            data = env.get("data") if isinstance(env.get("data"), Mapping) else {}
            assert isinstance(data, Mapping)
            if env.get("type") == "RectificationOrdered":
                found = cls(stream, int(env.get("version") or n), str(data.get("agency") or ""),
                            data.get("case") if isinstance(data.get("case"), str) else None,
                            tuple(f for f in data.get("findings") or () if isinstance(f, str)),
                            _parse(data.get("due_at")), _parse(env.get("at")),
                            env.get("by") if isinstance(env.get("by"), str) else None)
            elif env.get("type") == "RectificationReported" and found is not None:
                found = cls(found.stream, found.version, found.agency, found.case, found.findings, found.due_at,
                            found.ordered_at, found.ordered_by, _parse(data.get("reported_at")),
                            tuple(a for a in data.get("actions") or () if isinstance(a, str)))
        return found


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def notice_number(order: Rectification) -> str:
    """The notice's number: 监督责改〔year〕<the supervision stream's id>号 (and the order's version
    when a stream holds several orders), so it names the ledger record it prints."""
    year = order.ordered_at.astimezone(SHANGHAI).year if order.ordered_at is not None else 0
    ident = order.stream.split("/", 1)[-1]
    return f"监督责改〔{year}〕{ident}{'' if order.version == 1 else f'-{order.version}'}号"


def rectification_pdf(order: Rectification, *, names: Mapping[str, str] | None = None) -> bytes:
    """The 责令整改通知书 of one ``RectificationOrdered``: number, addressee, the problems by rule
    with their legal basis, the time limit, the duty to report, and lines to sign and seal."""
    names = names or {}
    number = notice_number(order)
    rows = []
    for rule in order.findings:
        spec = RULES.get(rule)
        rows.append([rule, spec.title if spec is not None else "", spec.basis if spec is not None else ""])
    story: list[Flowable] = [
        Paragraph("责令整改通知书", _TITLE), Paragraph(_esc(number), _SUBTITLE), Spacer(1, 8 * mm),
        Paragraph(f"{_esc(names.get(order.agency) or order.agency)}：", _BODY), Spacer(1, 2 * mm),
        Paragraph(_esc(
            "经行政执法监督" + (f"，你单位办理的 {order.case.split('/', 1)[-1]} 号案件" if order.case else "，你单位")
            + "存在下列问题。依据《行政执法监督条例》和行政执法案卷评查的有关规定（EVAL-08），现责令你单位于 "
            + (_time(order.due_at) if order.due_at else "规定期限")
            + " 前完成整改，并书面报告整改情况。"), _BODY),
        Spacer(1, 4 * mm),
        _table(["规则", "问题", "依据"], rows, [0.14, 0.36, 0.5]) if rows else Paragraph("（未列问题）", _BODY),
        Spacer(1, 4 * mm),
        _form([("通知书编号", number), ("被监督机关", _name(names, order.agency)),
               ("涉及案件", order.case.split("/", 1)[-1] if order.case else "不针对单个案件"),
               ("整改期限", _time(order.due_at)), ("下达时间", _time(order.ordered_at)),
               ("下达人", _name(names, order.ordered_by)), ("账本记录", f"{order.stream} v{order.version}"),
               ("整改报告", (_time(order.reported_at) + "：" + "；".join(order.actions)) if order.reported_at
                else "尚未报告")]),
        KeepTogether([Spacer(1, 10 * mm), _signatures(["监督人员（签名）", "监督机关（盖章）", "被监督机关签收"])]),
    ]
    return _build(story, title=f"责令整改通知书 {number}", running=f"责令整改通知书｜{number}")


# --------------------------------------------------------------------------- loading (CLI and pages)


def names_of(registry: Any) -> dict[str, str]:
    """Agency and officer names from an ``audit.context.RegistryIndex`` (their registration's ``name``)."""
    out: dict[str, str] = {}
    for stream in registry.streams:
        for env in registry.history(stream)[:1]:
            data = env.get("data")
            if isinstance(data, Mapping) and isinstance(data.get("name"), str):
                out[stream] = data["name"]
    return out


def load_case(source: Any, stream: str, as_of: date, config: Config, *, evaluate: bool = True
              ) -> tuple[CaseFile, Evaluation | None, Any] | None:
    """The case file as of ``as_of`` (the fold the audit evaluates), its evaluation (when asked),
    and the registry; None for a case the ledger does not hold. ``source`` is an ``audit.store.LedgerSource``."""
    from audit.context import AuditContext, History
    from audit.engine import evaluate_file, load_file

    group = source.group(stream)
    if group is None:
        return None
    if evaluate:
        ctx = source.context(as_of, config)
    else:  # the fold needs no party history: skip the scan of every case
        ctx = AuditContext(as_of=as_of, registry=source.registry(), config=config, calendar=source.calendar(),
                           history=History())
    file, facts = load_file(group.stream, group.history, ctx, reviews=group.reviews, lawsuits=group.lawsuits)
    return file, evaluate_file(file, facts, ctx) if evaluate else None, ctx.registry
