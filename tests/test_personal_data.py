"""Tests of personal-data detection and redaction (PUB-01, Q13)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.personal_data import (
    Finding,
    PersonalDataError,
    find_personal_data,
    is_valid_credit_code,
    is_valid_resident_id,
    luhn_valid,
    mask,
    redact,
)
from tests.helpers.examples import scaled

# -- independent check-digit helpers (not the module's own) -------------------

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check(body)


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:  # these are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def kinds(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, **kw)]  # type: ignore[arg-type]


PERSON_ID = make_id("420112", date(1985, 3, 12), 153)  # 42011219850312153X
CARD = luhn_complete("622202123456789012")  # 19 digits


def test_helpers_agree_with_known_values() -> None:
    assert PERSON_ID == "42011219850312153X"  # the summary-case example party
    assert is_valid_resident_id(PERSON_ID)
    assert is_valid_resident_id(PERSON_ID.lower())
    assert luhn_valid("4111111111111111") and luhn_valid(CARD)
    assert not luhn_valid("4111111111111112")
    assert is_valid_credit_code("91420112MA4KX7Y166")
    assert is_valid_credit_code("914403001922038216")
    assert not is_valid_credit_code("91420112MA4KX7Y167")


# -- each kind ------------------------------------------------------------------


def test_id_numbers() -> None:
    assert kinds(f"公民身份号码{PERSON_ID}，") == [("id_number", PERSON_ID)]
    assert kinds(f"身份证号：{PERSON_ID.lower()}") == [("id_number", PERSON_ID.lower())]
    # Full-width digits are read like ASCII ones; the span is the original text.
    wide = PERSON_ID.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert kinds(f"身份证{wide}号") == [("id_number", wide)]
    # 15-digit legacy number: region + YYMMDD + sequence.
    assert kinds("旧身份证号420112850312153") == [("id_number", "420112850312153")]


def test_invalid_id_numbers_are_not_ids() -> None:
    bad_check = PERSON_ID[:17] + "1"
    assert not any(k == "id_number" for k, _ in kinds(bad_check))
    bad_date = make_id("420112", date(1985, 3, 12), 153)[:10] + "1332" + "1530"
    assert not any(k == "id_number" for k, _ in kinds(bad_date))
    bad_region = make_id("000112", date(1985, 3, 12), 153)
    assert not any(k == "id_number" for k, _ in kinds(bad_region))
    # Part of a longer digit run or glued to letters: not an ID number.
    assert not any(k == "id_number" for k, _ in kinds(PERSON_ID + "0"))
    assert not any(k == "id_number" for k, _ in kinds("AB" + PERSON_ID))


@pytest.mark.parametrize(
    "phone",
    [
        "13907181234",
        "139 0718 1234",
        "139-0718-1234",
        "+86 139 0718 1234",
        "+8613907181234",
        "027-87654321",
        "(027)87654321",
        "0716-8765432",
        "02787654321",
    ],
)
def test_phones(phone: str) -> None:
    assert kinds(f"联系方式{phone}。") == [("phone", phone)]


def test_phone_variants() -> None:
    assert kinds("电话：87654321") == [("phone", "87654321")]  # labelled local number
    assert kinds("电话（０２７）８７６５４３２１") == [("phone", "（０２７）８７６５４３２１")]
    assert kinds("编号213907181234") == []  # a longer digit run
    assert kinds("编号139071812345") == []
    assert kinds("12907181234") == []  # 12x is not a mobile prefix
    assert kinds("罚款5000元，2026年3月4日") == []


def test_bank_cards() -> None:
    assert kinds(f"开户账号{CARD}。") == [("bank_card", CARD)]
    grouped = "4111 1111 1111 1111"
    assert kinds(f"卡号：{grouped}") == [("bank_card", grouped)]
    assert kinds("编号4111111111111112") == []  # fails Luhn
    # A corporate account need not pass Luhn: the label tells.
    assert kinds("开户银行：中国工商银行武汉分行，账号：3202 0011 0920 0123 457。") == [
        ("bank_card", "3202 0011 0920 0123 457")
    ]


def test_emails() -> None:
    assert kinds("邮箱zhang.san_01@qq.com。") == [("email", "zhang.san_01@qq.com")]
    assert kinds("电子邮件：li@mail.whu.edu.cn") == [("email", "li@mail.whu.edu.cn")]


def test_addresses() -> None:
    assert kinds("住址：武汉市东西湖区常青花园十六小区5栋，电话") == [
        ("address", "武汉市东西湖区常青花园十六小区5栋")
    ]
    assert kinds("家住湖北省武汉市洪山区珞喻路1037号3栋2单元501室。") == [
        ("address", "湖北省武汉市洪山区珞喻路1037号3栋2单元501室")
    ]
    assert kinds("户籍地：湖北省孝感市孝南区杨店镇李家村3组。") == [
        ("address", "湖北省孝感市孝南区杨店镇李家村3组")
    ]
    # No label: street + number, estate + building, village + group.
    assert kinds("经查，其居住的解放大道100号3栋") == [("address", "解放大道100号3栋")]
    assert kinds("位于阳光花园5栋2单元501室的房屋") == [("address", "阳光花园5栋2单元501室")]
    assert kinds("在金银湖路12号门前") == [("address", "金银湖路12号")]


def test_address_value_stops_at_next_item() -> None:
    found = kinds("住址：武汉市江汉区解放大道100号 电话13907181234")
    assert found == [("address", "武汉市江汉区解放大道100号"), ("phone", "13907181234")]


def test_names_of_known_persons() -> None:
    text = "当事人张三丰，证人李四、欧阳修到场。张三丰签字。"
    found = find_personal_data(text, known_names=["张三丰", "李四", "欧阳修", "王五"])
    assert [(f.kind, f.text, f.start) for f in found] == [
        ("name", "张三丰", 3),
        ("name", "李四", 9),
        ("name", "欧阳修", 12),
        ("name", "张三丰", 18),
    ]
    assert redact(text, found) == "当事人张某某，证人李某、欧阳某到场。张某某签字。"


def test_names_longest_match_and_already_masked() -> None:
    assert kinds("张三丰和张三", known_names=["张三", "张三丰"]) == [
        ("name", "张三丰"),
        ("name", "张三"),
    ]
    # 钱某 is how the summary example records its party: already masked.
    assert kinds("当事人钱某", known_names=["钱某", "钱某某", "张"]) == []


# -- what must not be flagged -------------------------------------------------

PUBLISHED_EXAMPLE = (
    "东城管罚决字〔2026〕第0012号：武汉市东西湖区味香餐饮管理有限公司（统一社会信用代码"
    "91420112MA4KX7Y166）超过排放标准排放油烟，依据《中华人民共和国大气污染防治法》"
    "第一百一十八条第一款，处罚款。"
)


@pytest.mark.parametrize(
    "text",
    [
        "91420112MA4KX7Y166",
        "统一社会信用代码：91420112MA4KX7Y166",
        "（统一社会信用代码91420112MA4KR2T85G）",
        "统一社会信用代码：914403001922038216",  # an all-digit code
        "注册号：420112000123456",
        "东城管罚决字〔2026〕第12号",
        "东城管罚决字〔2026〕第0012号",
        "国办发〔2018〕118号、国家发展改革委令第58号、国务院令第825号",
        "依据《中华人民共和国道路交通安全法》第九十条",
        "执法人员王五（执法证号42011219850312153X）",
        "罚款人民币20000元，于2026年4月20日前缴纳",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert find_personal_data(text) == []


def test_published_example_passes() -> None:
    assert (
        find_personal_data(
            PUBLISHED_EXAMPLE,
            known_names=["黄建国"],
            organisation_names=["武汉市东西湖区味香餐饮管理有限公司"],
        )
        == []
    )


def test_organisation_names_and_addresses() -> None:
    org = "武汉市东西湖区味香餐饮管理有限公司"
    text = (
        f"当事人：{org}，住所：武汉市东西湖区吴家山街道七雄路88号，"
        "法定代表人：黄建国，住址：武汉市江汉区解放大道100号。"
    )
    found = kinds(text, known_names=["黄建国"], organisation_names=[org])
    # The organisation's 住所 is public; the legal representative's 住址 is not.
    assert found == [("name", "黄建国"), ("address", "武汉市江汉区解放大道100号")]
    # Without knowing the organisation, its address is flagged (fail safe).
    assert ("address", "武汉市东西湖区吴家山街道七雄路88号") in kinds(text)


def test_person_name_inside_organisation_name() -> None:
    text = "黄建国烧烤店的经营者黄建国"
    found = find_personal_data(text, known_names=["黄建国"], organisation_names=["黄建国烧烤店"])
    assert [(f.kind, f.start) for f in found] == [("name", 10)]
    # A known name that is itself an organisation party's name is never flagged.
    assert kinds("黄建国烧烤店", known_names=["黄建国烧烤店"], organisation_names=["黄建国烧烤店"]) == []


def test_allowed_strings() -> None:
    text = "本机关地址：武汉市东西湖区吴家山街道新城路1号，联系电话027-83891234。"
    assert len(find_personal_data(text)) == 2
    assert (
        find_personal_data(text, allowed=["武汉市东西湖区吴家山街道新城路1号", "027-83891234"])
        == []
    )


# -- redaction --------------------------------------------------------------------


def test_redact_party_block() -> None:
    text = (
        f"当事人：张三丰，公民身份号码{PERSON_ID}，住址：湖北省武汉市洪山区珞喻路1037号3栋501室，"
        "手机139 0718 1234，座机027-87654321，邮箱zsf@qq.com，"
        f"开户账号{CARD}。"
    )
    out = redact(text, find_personal_data(text, known_names=["张三丰"]))
    assert out == (
        "当事人：张某某，公民身份号码420112********153X，住址：湖北省武汉市洪山区***，"
        "手机139 **** 1234，座机027-****4321，邮箱z***@qq.com，"
        f"开户账号{'*' * 15}{CARD[-4:]}。"
    )
    assert PERSON_ID not in out and CARD not in out and "珞喻路" not in out


@pytest.mark.parametrize(
    ("kind", "text", "masked"),
    [
        ("name", "张三", "张某"),
        ("name", "张三丰", "张某某"),
        ("name", "欧阳修", "欧阳某"),
        ("name", "欧阳娜娜", "欧阳某某"),
        ("name", "买买提·艾力", "买某某"),
        ("id_number", "42011219850312153X", "420112********153X"),
        ("id_number", "420112850312153", "420112******153"),
        ("phone", "13907181234", "139****1234"),
        ("phone", "+86 139 0718 1234", "+86 139 **** 1234"),
        ("phone", "0716-8765432", "0716-***5432"),
        ("phone", "010-87654321", "010-****4321"),
        ("bank_card", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("email", "a@qq.com", "***@qq.com"),
        ("address", "湖北省武汉市洪山区", "湖北省武汉市***"),
        ("address", "金银湖路12号", "***"),
    ],
)
def test_masks(kind: str, text: str, masked: str) -> None:
    assert mask(Finding(kind, 0, len(text), text)) == masked  # type: ignore[arg-type]


def test_redact_rejects_findings_of_another_text() -> None:
    with pytest.raises(PersonalDataError, match="不符"):
        redact("当事人李四", [Finding("name", 3, 5, "张三")])
    with pytest.raises(PersonalDataError):
        redact("李四", [Finding("name", 1, 9, "四")])


def test_redact_overlapping_findings() -> None:
    text = "联系人张三丰"
    out = redact(text, [Finding("name", 3, 6, "张三丰"), Finding("name", 4, 6, "三丰")])
    assert out == "联系人张某某"
    out = redact(text, [Finding("name", 3, 5, "张三"), Finding("name", 4, 6, "三丰")])
    assert out == "联系人张某*"


# -- properties -------------------------------------------------------------------

PROVINCES = ["11", "31", "42", "44", "51", "65", "81", "82"]
# Random Chinese text, without the few characters that would turn a number
# into an address (路…号) or a code label (注册号…).
FILLER = st.text(
    st.characters(
        min_codepoint=0x4E00,
        max_codepoint=0x9FA5,
        exclude_characters="号路街道里巷弄村组栋幢座室楼层户码",
    ),
    max_size=30,
)
VALID_IDS = st.builds(
    make_id,
    st.builds(lambda p, r: p + r, st.sampled_from(PROVINCES), st.from_regex(r"[0-9]{4}", fullmatch=True)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
LUHN_NUMBERS = st.integers(min_value=15, max_value=18).flatmap(
    lambda n: st.from_regex(rf"[1-9][0-9]{{{n - 1}}}", fullmatch=True).map(luhn_complete)
)


@settings(max_examples=scaled(300))
@given(FILLER, VALID_IDS, FILLER)
def test_valid_ids_in_text_are_found_and_redacted(before: str, number: str, after: str) -> None:
    text = before + number + after
    found = find_personal_data(text)
    assert Finding("id_number", len(before), len(before) + 18, number) in found
    assert number not in redact(text, found)


@settings(max_examples=scaled(300))
@given(st.from_regex(r"[0-9]{17}", fullmatch=True), st.sampled_from("0123456789X"))
def test_wrong_checksum_is_not_an_id(body: str, check: str) -> None:
    if check == id_check(body):
        check = "0" if check == "X" else "X"
    assert not any(f.kind == "id_number" for f in find_personal_data(f"号码为{body}{check}。"))


@settings(max_examples=scaled(300))
@given(FILLER, LUHN_NUMBERS, FILLER)
def test_luhn_numbers_are_found(before: str, number: str, after: str) -> None:
    text = before + number + after
    found = find_personal_data(text)
    span = (len(before), len(before) + len(number))
    assert any((f.start, f.end) == span and f.kind in ("bank_card", "id_number") for f in found)
    assert number not in redact(text, found)


NAMES = st.sampled_from(["张三丰", "李四", "王小明", "欧阳娜娜", "陈晨"])
SEGMENTS = st.one_of(
    FILLER,
    VALID_IDS,
    LUHN_NUMBERS,
    NAMES,
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"0[1-9][0-9]{1,2}-[2-9][0-9]{6,7}", fullmatch=True),
    st.from_regex(r"[a-z]{1,8}@(qq|163|whu)\.(com|cn)", fullmatch=True),
    st.builds(lambda n, u: f"住址：武汉市洪山区珞喻路{n}号{u}室，", st.integers(1, 999), st.integers(101, 2999)),
)


@settings(max_examples=scaled(300))
@given(st.lists(st.tuples(SEGMENTS, st.sampled_from(["，", "。", "、", "：", "；"])), max_size=8))
def test_redaction_leaves_none_of_the_findings(parts: list[tuple[str, str]]) -> None:
    text = "".join(seg + sep for seg, sep in parts)
    found = find_personal_data(text, known_names=["张三丰", "李四", "王小明", "欧阳娜娜", "陈晨"])
    spans = [(f.start, f.end) for f in found]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in pairwise(spans))
    assert all(text[f.start : f.end] == f.text for f in found)
    out = redact(text, found)
    for f in found:
        assert f.text not in out
