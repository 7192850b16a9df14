"""Personal-data detection and redaction for published decisions (PUB-01).

PUB-01 is a gate: a ``DecisionPublished`` text that still holds personal data
is refused. ``find_personal_data`` is that check and ``redact`` the tool that
prepares a publishable text. Both work on plain text, are pure, and report
spans of the text as given (full-width digits are read like ASCII ones).

What is personal data here (rules.md §7 PUB-01 and "How the project applies
it", Q13):

* resident ID numbers (18 digits with a valid GB 11643 check character and a
  plausible birth date; 15-digit legacy numbers with a plausible birth date). On
  public surfaces (``public_surface=True``: what the service serves without a
  token) the check character is not required: a mistyped ID number is still a
  person's ID number, and a surface that serves bytes cannot ask who typed them;
* contact details: mainland mobile numbers, landlines with an area code (or
  after a 电话/手机 label), e-mail addresses;
* bank card / account numbers (16–19 digits passing the Luhn check, or any
  8–25 digits after a 账号/账户/卡号 label) — of persons and organisations alike;
* detailed addresses: the value after 住址/住所/家住/现住/户籍/地址… labels, and
  street/road/lane + 号 (with 栋/单元/室…), estate + 栋, or village + 组
  anywhere. rules.md protects the addresses of natural persons only, so an
  address stated for an organisation is public and not flagged: the nearest
  party mentioned in the 120 characters before it is an organisation of
  ``organisation_names`` (not a known person, nor a 法定代表人/证人… label) and
  its label is not a person-only one (住址/家住/现住/户籍/暂住…). The text cannot
  tell a private address from a public place, so the place of a violation
  committed by a person is flagged too; pass it in ``allowed`` if it may be
  published;
* the names of natural persons the case knows (``known_names``), party and
  legal representative included (the project's Q13 default: organisations by
  name, natural persons masked 张某某); leave a name out of ``known_names`` to
  publish it (e.g. the officers, or the party if a Q13 policy says so).

Not personal data, and never flagged: 统一社会信用代码 and other codes
(digits glued to letters, or introduced by a 信用代码/注册号/执法证号 label),
document numbers such as 东城管罚决字〔2026〕第12号, organisation names.

Not detected (rules.md lists them as [M] examples; a reviewer must still read
the text): health or medical terms near names, plate numbers, real-estate
certificate numbers, names the case does not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.errors import DomainError

__all__ = [
    "Finding",
    "FindingKind",
    "PersonalDataError",
    "find_personal_data",
    "find_personal_data_in",
    "gb11643_check_char",
    "is_plausible_resident_id",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "luhn_valid",
    "mask",
    "redact",
]

FindingKind = Literal["id_number", "phone", "bank_card", "email", "address", "name"]

# Overlapping candidates: the longer span wins, then this order.
_PRIORITY: dict[FindingKind, int] = {
    "id_number": 0,
    "bank_card": 1,
    "phone": 2,
    "email": 3,
    "address": 4,
    "name": 5,
}


class PersonalDataError(DomainError, ValueError):
    """Findings that do not match the text they are applied to."""


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: ``text == source[start:end]``."""

    kind: FindingKind
    start: int
    end: int
    text: str


# -- normalisation ------------------------------------------------------------

# Full-width ASCII (！ to ～) and the ideographic space map one-to-one onto
# ASCII, so offsets in the normalised text are offsets in the original.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _normalise(text: str) -> str:
    return text.translate(_FULLWIDTH)


# -- check digits -------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# GB/T 2260 province-level codes (71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证).
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gb11643_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise PersonalDataError(f"需要17位数字：{first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _plausible_birth(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _region_ok(number: str) -> bool:
    # 9 + province: the 2023 外国人永久居留身份证, which follows GB 11643 too.
    if number[0] == "9":
        return int(number[1:3]) in _PROVINCES
    return int(number[:2]) in _PROVINCES


def is_valid_resident_id(number: str) -> bool:
    """A 18-digit ID number with a valid region, birth date and check character,
    or a 15-digit legacy one with a valid region and birth date (no check digit)."""
    if not number.isascii():
        return False
    if len(number) == 18:
        body, check = number[:17], number[17].upper()
        if not body.isdigit() or not (check.isdigit() or check == "X"):
            return False
        birth = (int(body[6:10]), int(body[10:12]), int(body[12:14]))
        return _region_ok(body) and _plausible_birth(*birth) and gb11643_check_char(body) == check
    if len(number) == 15 and number.isdigit():
        birth = (1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        return number[0] != "9" and _region_ok(number) and _plausible_birth(*birth)
    return False


def is_plausible_resident_id(number: str) -> bool:
    """A 18-digit ID number with a valid region and birth date, whatever its check character
    (what public surfaces refuse: a mistyped ID number still names a person); else as
    ``is_valid_resident_id``."""
    if len(number) == 18 and number.isascii():
        body, check = number[:17], number[17].upper()
        if not body.isdigit() or not (check.isdigit() or check == "X"):
            return False
        return _region_ok(body) and _plausible_birth(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    return is_valid_resident_id(number)


def is_valid_credit_code(code: str) -> bool:
    """Whether ``code`` is a 统一社会信用代码 with a valid GB 32100 check character."""
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code, _USCC_WEIGHTS, strict=False))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by bank card numbers."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# -- patterns -----------------------------------------------------------------

# Digits glued to letters or other digits belong to a code (信用代码, plate,
# document number), not to a phone, card or ID number.
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"

_ID_RE = re.compile(_B + r"(?:\d{17}[0-9Xx]|\d{15})" + _E, re.ASCII)
_CARD_RE = re.compile(
    _B + r"(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)" + _E, re.ASCII
)
_COUNTRY = r"(?:(?:\+|00)?86[ -]?)?"
_MOBILE_RE = re.compile(_B + _COUNTRY + r"1[3-9]\d(?:[ -]?\d{4}){2}" + _E, re.ASCII)
_LANDLINE_RE = re.compile(
    _B + _COUNTRY + r"(?:\(0\d{2,3}\)\s?|0\d{2,3}[ -]?)[2-9]\d{6,7}" + _E, re.ASCII
)
_LABELLED_LOCAL_RE = re.compile(
    r"(?:联系电话|电话号码|电话|手机号码|手机号|手机|联系方式|座机|传真|Tel|TEL|tel)"
    r"\s*[:：]?\s*([2-9]\d{6,7})" + _E,
    re.ASCII,
)
# Corporate accounts (对公账户) need not pass Luhn: after an account label any
# long digit run is an account number.
_LABELLED_ACCOUNT_RE = re.compile(
    r"(?:银行账号|银行卡号|开户账号|收款账号|账号|账户|卡号)\s*(?:为|是)?\s*[:：]?\s*"
    r"(\d(?:[ -]?\d){7,24})" + _E,
    re.ASCII,
)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])",
    re.ASCII,
)
# A code label right before a number: the number is that code, not personal data.
_CODE_LABEL_RE = re.compile(
    r"(统一社会信用代码|社会信用代码|信用代码|注册号|组织机构代码|执法证件编号|执法证件号|执法证编号|执法证号)"
    r"\s*(?:为|是)?\s*[:：]?\s*$"
)

_CJK = "\u4e00-\u9fff"
_NUM = r"(?:\d+|[一二三四五六七八九十百零〇两]+)"
_UNIT = r"(?:号楼|号院|栋|幢|座|单元|层|楼|室|户|号)"
_TAIL = rf"(?:(?:{_NUM}|[A-Za-z]){_UNIT}|-\d+)*"
# group "suffix": what names the place; the rest is its number.
_ADDRESS_CORE_RES = (
    re.compile(
        rf"(?P<suffix>大道|大街|胡同|路|街|巷|弄|道|里){_NUM}(?:[-之]{_NUM})?号院?{_TAIL}", re.ASCII
    ),
    re.compile(rf"(?P<suffix>村){_NUM}组(?:{_NUM}号)?{_TAIL}", re.ASCII),
    re.compile(
        rf"(?P<suffix>小区|花园|家园|新村|公寓|大厦|广场|社区|苑|园|城){_NUM}(?:号楼|栋|幢|座){_TAIL}",
        re.ASCII,
    ),
)
_PERSON_ONLY_LABELS = (
    "家庭住址",
    "家庭地址",
    "身份证住址",
    "户籍地址",
    "户籍所在地",
    "户籍地",
    "户籍",
    "经常居住地",
    "居住地址",
    "居住地",
    "现住址",
    "现住",
    "家住",
    "暂住地",
    "暂住",
    "住址",
)
_OTHER_LABELS = (
    "住所地",
    "住所",
    "联系地址",
    "通讯地址",
    "送达地址",
    "注册地址",
    "经营地址",
    "经营场所",
    "地址",
)
_ADDRESS_LABEL_RE = re.compile(
    "(?P<label>"
    + "|".join(sorted(_PERSON_ONLY_LABELS + _OTHER_LABELS, key=len, reverse=True))
    + r")(?:为|是|在)?\s*[:：]?\s*(?P<value>[^，,。；;\n\r\t()、]{2,60})"
)
# A labelled value stops where the next item of a party block starts.
_VALUE_CUT_RE = re.compile(
    r"电话|手机|联系方式|邮箱|电子邮件|身份证|公民身份号码|出生|性别|民族|法定代表人|负责人|信用代码|[:：]"
)
_PLACE_HINT_RE = re.compile(r"[0-9省市区县镇乡村路街巷弄号室组栋幢道里苑园楼层]")
# Mentions that make the next address a person's, even after an organisation.
_PERSON_MENTION_RE = re.compile(
    r"法定代表人|负责人|经营者|投资人|委托代理人|代理人|证人|姓名|性别|出生|身份证|公民身份号码"
)
_NAME_CHAR_RE = re.compile(rf"[{_CJK}0-9A-Za-z]")
_STOP_CHARS = frozenset("在于住至到的与及是从往对将把其即系为被由等和")
_DIVISION_END = frozenset("省市区县镇乡旗州")
_ROAD_NAME_MAX = 10
_ATTRIBUTION_WINDOW = 120

_COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 "
    "宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 "
    "司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 "
    "东郭 南门 羊舌 微生 梁丘 左丘 西门 南荣 第五".split()
)
_ALREADY_MASKED_RE = re.compile(r".{1,2}某+")


# -- detection ----------------------------------------------------------------


def _occurrences(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return spans


def _inside(span: tuple[int, int], protected: Sequence[tuple[int, int]]) -> bool:
    s, e = span
    return any(ps <= s and e <= pe for ps, pe in protected)


def _labelled_code(t: str, start: int, token: str) -> bool:
    m = _CODE_LABEL_RE.search(t, max(0, start - 20), start)
    if m is None:
        return False
    if m.group(1).startswith("执法证"):
        return True
    return is_valid_credit_code(token.upper()) or len(token) in (9, 15)


def _digit_candidates(t: str, public_surface: bool = False) -> list[tuple[FindingKind, int, int]]:
    found: list[tuple[FindingKind, int, int]] = []
    resident_id = is_plausible_resident_id if public_surface else is_valid_resident_id
    for m in _ID_RE.finditer(t):
        if resident_id(m.group()) and not _labelled_code(t, m.start(), m.group()):
            found.append(("id_number", m.start(), m.end()))
    for m in _CARD_RE.finditer(t):
        digits = re.sub(r"[ -]", "", m.group())
        if luhn_valid(digits) and not _labelled_code(t, m.start(), digits):
            found.append(("bank_card", m.start(), m.end()))
    for regex in (_MOBILE_RE, _LANDLINE_RE):
        for m in regex.finditer(t):
            if not _labelled_code(t, m.start(), m.group()):
                found.append(("phone", m.start(), m.end()))
    for m in _LABELLED_ACCOUNT_RE.finditer(t):
        found.append(("bank_card", m.start(1), m.end(1)))
    for m in _LABELLED_LOCAL_RE.finditer(t):
        found.append(("phone", m.start(1), m.end(1)))
    for m in _EMAIL_RE.finditer(t):
        found.append(("email", m.start(), m.end()))
    return found


def _road_name_start(t: str, suffix_start: int) -> int:
    """Walk back over the place name before 路/街/小区…, stopping at a division."""
    j = suffix_start
    while j > 0 and suffix_start - j < _ROAD_NAME_MAX:
        c = t[j - 1]
        if not _NAME_CHAR_RE.match(c) or c in _STOP_CHARS or c in _DIVISION_END:
            break
        if t[max(0, j - 2) : j] == "街道":
            break
        j -= 1
    return j


def _address_candidates(
    t: str,
    org_spans: Sequence[tuple[int, int]],
    person_spans: Sequence[tuple[int, int]],
    specific: Sequence[tuple[FindingKind, int, int]],
) -> list[tuple[FindingKind, int, int]]:
    """Addresses, never overlapping a number or e-mail found in ``specific``:
    a labelled value ends where one starts, so that each keeps its own kind."""
    found: list[tuple[FindingKind, int, int]] = []

    def organisation_address(start: int) -> bool:
        # The nearest party mentioned before the address decides whose it is.
        window_start = max(0, start - _ATTRIBUTION_WINDOW)
        last_org = max((e for s, e in org_spans if window_start <= s and e <= start), default=-1)
        if last_org < 0:
            return False
        last_person = max(
            (e for s, e in person_spans if window_start <= s and e <= start), default=-1
        )
        for m in _PERSON_MENTION_RE.finditer(t, window_start, start):
            last_person = max(last_person, m.end())
        return last_org > last_person

    for m in _ADDRESS_LABEL_RE.finditer(t):
        value = m.group("value")
        cut = _VALUE_CUT_RE.search(value)
        if cut is not None:
            value = value[: cut.start()]
        start = m.start("value")
        inner = [cs for _, cs, ce in specific if start <= cs < start + len(value)]
        if inner:
            value = value[: min(inner) - start]
        value = value.rstrip()
        if (
            len(value) < 2
            or not re.search(f"[{_CJK}]", value)
            or "@" in value
            or "://" in value
            or not _PLACE_HINT_RE.search(value)
        ):
            continue
        if m.group("label") not in _PERSON_ONLY_LABELS and organisation_address(m.start()):
            continue
        found.append(("address", start, start + len(value)))

    for regex in _ADDRESS_CORE_RES:
        for m in regex.finditer(t):
            start = _road_name_start(t, m.start("suffix"))
            if any(start < ce and cs < m.end() for _, cs, ce in specific):
                continue
            if not organisation_address(start):
                found.append(("address", start, m.end()))
    return found


def find_personal_data(
    text: str,
    known_names: Iterable[str] = (),
    organisation_names: Iterable[str] = (),
    *,
    allowed: Iterable[str] = (),
    public_surface: bool = False,
) -> list[Finding]:
    """Every piece of personal data in ``text``, in text order, without overlaps.

    ``known_names``: the natural persons the case knows (parties, legal
    representatives, witnesses, relatives…). ``organisation_names``: the
    organisations named in the text (organisation parties, the agency); their
    names are never flagged, even when they contain a person's name, and an
    address stated for them is public. ``allowed``: other strings known to be
    public (the agency's address or phone, a credit code); nothing inside them
    is flagged. ``public_surface``: judge as a surface served without a token
    does (an 18-digit ID number counts whatever its check character).
    """
    t = _normalise(text)
    orgs = sorted({n.strip() for n in organisation_names if n.strip()}, key=len, reverse=True)
    org_spans = _occurrences(t, orgs)
    protected = org_spans + _occurrences(t, {_normalise(a) for a in allowed if a})
    names = sorted(
        {
            n.strip()
            for n in known_names
            if len(n.strip()) >= 2
            and n.strip() not in orgs
            and not _ALREADY_MASKED_RE.fullmatch(n.strip())
        },
        key=len,
        reverse=True,
    )
    name_spans = _occurrences(t, names)

    specific = _digit_candidates(t, public_surface)
    candidates = (
        specific
        + _address_candidates(t, org_spans, name_spans, specific)
        + [("name", s, e) for s, e in name_spans]
    )

    chosen: list[tuple[FindingKind, int, int]] = []
    for kind, s, e in sorted(candidates, key=lambda c: (c[1] - c[2], _PRIORITY[c[0]], c[1])):
        if _inside((s, e), protected):
            continue
        if any(s < ce and cs < e for _, cs, ce in chosen):
            continue
        chosen.append((kind, s, e))
    chosen.sort(key=lambda c: c[1])
    return [Finding(kind=k, start=s, end=e, text=text[s:e]) for k, s, e in chosen]


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a JSON value, member names included, with where it is (``a.b[0].c``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield where, key
            yield from _strings(item, where)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def find_personal_data_in(
    value: object,
    known_names: Iterable[str] = (),
    organisation_names: Iterable[str] = (),
    *,
    allowed: Iterable[str] = (),
    public_surface: bool = False,
    path: str = "",
) -> list[tuple[str, Finding]]:
    """``find_personal_data`` over every string of a JSON value (nested members, list items,
    member names), each finding with the path of its string: personal data hides in any
    member a step may carry (``url``, an extra ``note``, ``attachments[0].party``), not only
    in its ``text``."""
    names, orgs, ok = list(known_names), list(organisation_names), list(allowed)
    found: list[tuple[str, Finding]] = []
    for where, text in _strings(value, path):
        if text:
            found += [(where, f) for f in find_personal_data(text, names, orgs, allowed=ok,
                                                            public_surface=public_surface)]
    return found


# -- redaction ----------------------------------------------------------------

_DIVISION_RE = re.compile(
    rf"[{_CJK}]{{1,12}}?(?:特别行政区|自治区|自治州|自治县|地区|街道|省|市|州|盟|区|县|旗|镇|乡)"
)


def _mask_name(name: str) -> str:
    if not re.match(f"[{_CJK}]", name):
        return name[0] + "***"
    surname = name[:2] if len(name) >= 3 and name[:2] in _COMPOUND_SURNAMES else name[:1]
    return surname + ("某" if len(name) - len(surname) == 1 else "某某")


def _mask_digits(text: str, keep_head: int, keep_tail: int) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    hidden = set(positions[keep_head : max(keep_head, len(positions) - keep_tail)])
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def _mask_phone(text: str) -> str:
    digits = "".join(c for c in _normalise(text) if c.isdigit())
    head = 0
    if len(digits) >= 13 and digits.startswith("0086"):
        head = 4
    elif len(digits) >= 12 and digits.startswith("86"):
        head = 2
    rest = digits[head:]
    if rest.startswith("1"):
        head += 3  # mobile: 138****5678
    elif rest.startswith("0"):
        head += 3 if rest[1:2] in ("1", "2") else 4  # keep the area code
    return _mask_digits(text, head, 4)


def _mask_email(text: str) -> str:
    local, _, domain = text.partition("@")
    return (local[0] if len(local) > 1 else "") + "***@" + domain


def _mask_address(text: str) -> str:
    ends: list[int] = []
    pos = 0
    while (m := _DIVISION_RE.match(text, pos)) is not None:
        if m.group().endswith(("小区", "社区", "园区")):
            break
        pos = m.end()
        ends.append(pos)
    if ends and ends[-1] == len(text):
        ends.pop()  # only divisions: hide at least the last one
    return (text[: ends[-1]] if ends else "") + "***"


def mask(finding: Finding) -> str:
    """The replacement for one finding.

    Names: surname + 某/某某 (张三 → 张某, 张三丰 → 张某某, 欧阳修 → 欧阳某), the
    form rules.md gives for natural persons. ID numbers keep the first 6 and the
    last 4 digits (last 3 of a 15-digit one); mobile numbers keep the first 3
    and last 4, landlines the area code and the last 4; bank cards only the
    last 4; e-mail the first character and the domain; addresses keep the
    administrative divisions (省/市/区/县/街道/镇/乡) and hide the rest with ***.
    Separators are kept, every hidden character becomes ``*``.
    """
    text = finding.text
    if finding.kind == "name":
        return _mask_name(text)
    if finding.kind == "id_number":
        return _mask_id(text)
    if finding.kind == "phone":
        return _mask_phone(text)
    if finding.kind == "bank_card":
        return _mask_digits(text, 0, 4)
    if finding.kind == "email":
        return _mask_email(text)
    return _mask_address(text)


def _mask_id(text: str) -> str:
    tail = 3 if len(text) == 15 else 4
    return text[:6] + "*" * (len(text) - 6 - tail) + text[-tail:]


def redact(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every finding replaced by its ``mask``.

    Findings must come from this text (their ``text`` is checked against it);
    overlapping findings are allowed, the overlap is hidden with ``*``.
    """
    ordered = sorted(findings, key=lambda f: (f.start, -f.end))
    for f in ordered:
        if not 0 <= f.start < f.end <= len(text) or text[f.start : f.end] != f.text:
            raise PersonalDataError(f"待脱敏内容与原文不符（位置 {f.start}–{f.end}）：{f.text!r}")
    out: list[str] = []
    pos = 0
    for f in ordered:
        if f.end <= pos:
            continue
        if f.start < pos:
            out.append("*" * (f.end - pos))
        else:
            out.append(text[pos : f.start])
            out.append(mask(f))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
