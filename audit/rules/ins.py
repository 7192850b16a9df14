"""行政检查 rules up to the site record (INS-01 to INS-06), one small function each, over the
inspection file and its spot-check task (``projections.inspectionfile``).

Where a rule is also a live gate (INS-01 to INS-04), the gate's own check is reused on the step it
judges — the stream before the step, the task as recorded by then, the registry as of its ``at`` —
so the audit and the gate never disagree (INS-02's beacon with this ledger's transparency log, as
live). A 补录 draw passed no gate: its beacon is INFO "unverified" unless it is this ledger's
first checkpoint covering the plan and both snapshots.
"""

from __future__ import annotations

from typing import Final

from audit.draw_check import OK, beacon_check
from audit.facts import RawStep
from audit.inspection_rulebook import DRAWN, FILES, TASK, InspectionSubject, inspection_rule
from audit.model import BLOCKER, INFO, MAJOR, MINOR
from audit.rulebook import Hit
from audit.rules.common import combine, is_doc
from domain.calendar import SHANGHAI
from domain.config import effective_inspection_cap
from projections.inspectionfile import InspectionFile

Part = tuple[str, str, RawStep | None]

OPTIMISATION: Final = "《优化营商环境条例》第五十四条第一款"
WUHAN: Final = "《武汉市规范涉企行政检查办法》"
PENALTY_LAW: Final = "《中华人民共和国行政处罚法》"
COUNTED: Final = frozenset({"random", "routine", "special", "key_sector"})
"""The origins INS-06 counts (日常检查 and 专项检查); complaint and referral checks are 个案检查."""
_OFFICER_STEPS: Final = ("InspectionOpened", "SiteInspectionRecorded", "InquiryRecorded", "CorrectionVerified")


def gate_parts(s: InspectionSubject, rule_id: str, types: tuple[str, ...]) -> list[Part]:
    """The live gate of ``rule_id`` on each step of ``types`` of this stream, as BLOCKER parts."""
    return [(BLOCKER, message, step) for message, step in s.gate_messages(rule_id, s.facts.all(*types))]


@inspection_rule("INS-01", "检查事项未公布或机关无此检查权", BLOCKER, f"{PENALTY_LAW}第五十四条第一款；{OPTIMISATION}",
                 FILES)
def ins01(s: InspectionSubject) -> Hit | None:
    return combine(gate_parts(s, "INS-01", ("InspectionOpened",)), BLOCKER)


def _beacon_part(s: InspectionSubject, draw: RawStep) -> Part | None:
    """A draw recorded live with the log known: the gate judged the beacon (above). Else INFO
    "unverified", unless the beacon is this ledger's first covering checkpoint after all
    (``audit.draw_check.beacon_check``, the check ``draw verify`` reports)."""
    task = s.task
    if task is None or task.draw is None or (s.log is not None and not draw.backfilled):
        return None
    check = beacon_check(task, s.log, backfilled=True)
    if check.status == OK:
        return None
    why = "补录的抽取所用检查点不在本账本中" if draw.backfilled else "评查时未读取本账本的透明日志"
    return (INFO, f"beacon（tree_size {task.draw.beacon_size}）未核验：{why}，"
                  "已核对承诺、种子、抽中序号和检查人员", draw)


@inspection_rule("INS-02", "随机抽取不可复算", BLOCKER, f"{OPTIMISATION}；国办发〔2015〕58号", (DRAWN, TASK))
def ins02(s: InspectionSubject) -> Hit | None:
    """Order, beacon, commitment, seed, indices and inspectors re-derived by the gate (the beacon of a
    补录 draw INFO "unverified"); a drawn inspection whose task is not in the ledger cannot be re-derived
    (EVAL-11 item 3, a veto)."""
    facts = s.task_facts
    if facts is None:
        opened = s.facts.first("InspectionOpened")
        if s.file is None or opened is None:
            return None
        return Hit(f"抽查任务 {s.file.origin.spotcheck} 不在账本中，抽取无法复算（卷内第3项）",
                   (opened.ref,), severity=BLOCKER)
    draw = facts.first("RandomDrawPerformed")
    if draw is None:
        return None
    parts: list[Part] = [(BLOCKER, m, step) for m, step in s.gate_messages("INS-02", [draw], facts)]
    beacon = _beacon_part(s, draw)
    if beacon is not None:
        parts.append(beacon)
    return combine(parts, BLOCKER)


def _undrawn_parts(s: InspectionSubject) -> list[Part]:
    """The task's MAJOR part: once completed, every drawn object inspected or skipped with evidence."""
    task, facts = s.task, s.task_facts
    if task is None or facts is None or task.draw is None or task.completed_on is None:
        return []
    completed = facts.first("SpotCheckCompleted")
    inspected = {i.object_index for i in task.inspections}
    skipped = {k.object_index for k in task.skipped if k.evidence}
    return [(MAJOR, f"抽中的对象 {key}（序号 {index}）既未检查也未记录不予检查的理由和证明", completed)
            for index, key in task.draw.objects if index not in inspected and index not in skipped]


@inspection_rule("INS-03", "检查对象或检查人员不是随机抽取的", BLOCKER, f"{OPTIMISATION}；国办发〔2015〕58号",
                 (DRAWN, TASK))
def ins03(s: InspectionSubject) -> Hit | None:
    if s.path == TASK:
        return combine(_undrawn_parts(s))
    return combine(gate_parts(s, "INS-03", ("InspectionOpened", "SiteInspectionRecorded")), BLOCKER)


@inspection_rule("INS-04", "检查人员不足两名或无有效执法证", BLOCKER,
                 f"{PENALTY_LAW}第五十五条第一款；{WUHAN}第十八条", FILES)
def ins04(s: InspectionSubject) -> Hit | None:
    """Every step with officers; a non-site check leaves out the opening's and the site's officers."""
    remote = s.file is not None and s.file.remote
    types = ("InquiryRecorded", "CorrectionVerified") if remote else _OFFICER_STEPS
    return combine(gate_parts(s, "INS-04", types), BLOCKER)


def _approval_parts(s: InspectionSubject, opened: RawStep) -> list[Part]:
    parts: list[Part] = []
    approver, approved = opened.get("approved_by"), opened.time("approved_at")
    if not s.is_head(approver, opened):
        parts.append((MAJOR, f"检查方案由 {approver} 批准，不是本机关负责人", opened))
    site = s.facts.all("SiteInspectionRecorded", "RemoteCheckRecorded")
    first = min((x.when("started_at") if x.type == "SiteInspectionRecorded" else x.when("checked_at")
                 for x in site), default=None)
    if approved is not None and first is not None and approved > first and opened.get("urgent") is not True:
        parts.append((MAJOR, f"检查于 {first.astimezone(SHANGHAI):%Y-%m-%d %H:%M} 开始，"
                             "负责人批准在其后且未载明情况紧急", opened))
    return parts


def _site_parts(step: RawStep) -> list[Part]:
    parts: list[Part] = []
    day = step.day
    if not is_doc(step.get("notice")):
        parts.append((MAJOR, f"{day} 现场检查未出具行政检查通知书", step))
    if step.get("credentials_shown") is not True:
        parts.append((MAJOR, f"{day} 现场检查未出示执法证件", step))
    if not is_doc(step.get("record")):
        parts.append((MAJOR, f"{day} 现场检查未制作笔录", step))
    elif step.get("signed_by_party") is not True and step.get("refusal_noted") is not True:
        parts.append((MAJOR, f"{day} 现场检查笔录未经当事人签字，也未注明拒签", step))
    if not step.get("check_code"):
        parts.append((MINOR, f"{day} 现场检查未记录检查码（武汉市行政执法管理与监督云平台）", step))
    return parts


@inspection_rule("INS-05", "检查审批、通知、出示证件或笔录不规范", MAJOR,
                 f"{WUHAN}第十七条；国办发〔2024〕54号；{PENALTY_LAW}第五十五条第二款", FILES)
def ins05(s: InspectionSubject) -> Hit | None:
    """The head's approval before the check (or urgent, approved after); on site the notice, the
    credentials, a record signed or its refusal noted, and the 检查码 (MINOR). A non-site check:
    the approval only."""
    opened = s.facts.first("InspectionOpened")
    if opened is None:
        return None
    parts = _approval_parts(s, opened)
    if s.file is not None and not s.file.remote:
        for step in s.facts.all("SiteInspectionRecorded"):
            parts += _site_parts(step)
    return combine(parts)


def _same_object(a: InspectionFile, b: InspectionFile) -> bool:
    pa, pb = a.party, b.party
    if pa is not None and pb is not None and pa.credit_code and pb.credit_code:
        return pa.credit_code == pb.credit_code
    if a.object_key and b.object_key:
        return a.object_key == b.object_key
    return pa is not None and pb is not None and bool(pa.name) and pa.name == pb.name


def _year(f: InspectionFile) -> int | None:
    return f.opened_at.astimezone(SHANGHAI).year if f.opened_at is not None else None


@inspection_rule("INS-06", "超过年度检查频次上限", MAJOR, f"{WUHAN}第十五条；国办发〔2024〕54号；{OPTIMISATION}",
                 FILES)
def ins06(s: InspectionSubject) -> Hit | None:
    """Per agency, object and calendar year, the routine and special inspections (a drawn one
    included; 个案 and superior-deployed ones not) at most the item's cap; INFO without a cap."""
    f = s.file
    opened = s.facts.first("InspectionOpened")
    if f is None or opened is None or f.origin.kind not in COUNTED or f.opened_at is None:
        return None
    year = _year(f)
    counted = [o for o in s.others if o.stream != f.stream and o.agency == f.agency and _year(o) == year
               and o.origin.kind in COUNTED and o.opened_at is not None and _same_object(o, f)]
    rank = 1 + sum(1 for o in counted if (o.opened_at, o.stream) < (f.opened_at, f.stream))
    total = len(counted) + 1
    cap = effective_inspection_cap(s.config, s.item)
    name = f.party.name if f.party is not None else f.object_key
    if cap is None:
        return Hit(f"{year} 年本机关对 {name} 的日常、专项检查共 {total} 次（本次为第 {rank} 次；未设年度频次上限）",
                   (opened.ref,), severity=INFO)
    if rank > cap:
        return Hit(f"{year} 年本机关对 {name} 的第 {rank} 次日常、专项检查，超过年度频次上限 {cap} 次",
                   (opened.ref,), severity=MAJOR)
    return None


