"""TS-02 and PUB-06 on ``inspection/`` streams (rules.md "Reused on these streams"; PUB-06's table):
the credential shown at every step that records it, and a published result that names the agency,
the object, the item and the result — each on both sides, on the example's three inspections."""

from __future__ import annotations

import pytest

from tests.helpers.inspection_defects import (
    INSPECTIONS,
    change,
    edited,
    evaluate_all,
    fired,
    put,
)

COMPLIANT, REFERRED = INSPECTIONS[0], INSPECTIONS[1]


def _published_text(stream: str, text: str) -> set[str]:
    return fired(evaluate_all(edited(change(stream, "DecisionPublished", put("text", text))))[stream])


@pytest.mark.parametrize("step_type", ["SiteInspectionRecorded"])
def test_ts02_the_credential_at_every_inspection_step(step_type: str) -> None:
    quiet = fired(evaluate_all(edited())[COMPLIANT])
    assert "TS-02" not in quiet
    shown = fired(evaluate_all(edited(change(COMPLIANT, step_type, put("credentials_shown", False))))[COMPLIANT])
    assert "TS-02" in shown, "TS-02 may accompany INS-05"


LAWFUL_COMPLIANT = ("武汉市东西湖区城市管理执法局 双随机抽查：武汉市东西湖区吴家山街道福满楼餐馆，"
                    "餐饮服务单位油烟净化设施使用情况检查，2026年2月，未发现问题。")


@pytest.mark.parametrize(("text", "missing"), [
    (LAWFUL_COMPLIANT, None),
    (LAWFUL_COMPLIANT.replace("武汉市东西湖区城市管理执法局 ", ""), "执法机关"),
    (LAWFUL_COMPLIANT.replace("武汉市东西湖区吴家山街道福满楼餐馆，", ""), "检查对象"),
    (LAWFUL_COMPLIANT.replace("餐饮服务单位油烟净化设施使用情况检查，", ""), "检查事项"),
    (LAWFUL_COMPLIANT.replace("未发现问题", "已检查"), "检查结论"),
])
def test_pub06_a_published_result_names_agency_object_item_and_result(text: str, missing: str | None) -> None:
    ev = evaluate_all(edited(change(COMPLIANT, "DecisionPublished", put("text", text))))[COMPLIANT]
    found = [f for f in ev.findings if f.rule == "PUB-06"]
    if missing is None:
        assert not found
    else:
        assert len(found) == 1 and missing in found[0].message


def test_pub06_a_result_referred_to_a_case_says_so() -> None:
    lawful = evaluate_all(edited())[REFERRED]
    assert "PUB-06" not in fired(lawful)
    stated = next(f for f in edited() if f["stream"] == REFERRED and f["type"] == "DecisionPublished")["data"]["text"]
    assert "已移送立案" in stated
    assert "PUB-06" in _published_text(REFERRED, stated.replace("已移送立案", "已处理"))
