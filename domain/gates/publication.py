"""The publication gates (PUB-01, PUB-02): what a public surface may show, on every stream whose
bytes are served publicly, and publications a minor's or a suppressed case forbids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from domain.casestate import CaseState, fold_case
from domain.config import LAW, OGI, Config
from domain.gates.core import PUBLICLY_SERVED, Judged, gate
from domain.gates.penalty import under
from domain.licence_state import PARTY_OPENINGS, publication_case
from domain.personal_data import Finding, find_personal_data_in, mask
from domain.registry import AgencyState

_SUPPRESSION_NAMES: Final = {
    "minor": "当事人为未成年人", "secret": "涉及国家秘密或商业秘密", "privacy": "涉及个人隐私",
    "security": "可能危及国家安全、公共安全、经济安全或社会稳定", "designated": "上级机关认定不宜公开",
}
_FINDING_NAMES: Final = {
    "id_number": "身份证号", "phone": "电话号码", "bank_card": "银行账号", "email": "电子邮箱",
    "address": "住址", "name": "自然人姓名",
}



def masking_case(stream: str, history: Sequence[Mapping[str, Any]]) -> CaseState:
    """The state a public text of ``stream`` is judged against (PUB-01): a case's own state, a
    licence's applicant, a 强制 file's party or an inspection's object and the persons the stream names
    (``publication_case``); any other stream knows no names (an empty case)."""
    kind = stream.split("/", 1)[0]
    if kind == "case":
        return fold_case(stream, history)
    if kind in PARTY_OPENINGS:
        return publication_case(stream, history, PARTY_OPENINGS[kind])
    return fold_case(stream, [])


def personal_data_context(case: CaseState, config: Config,
                          agency: AgencyState | None) -> tuple[list[str], list[str], list[str]]:
    """(natural persons to mask, organisations, public strings) for judging a case's public text:
    organisations by name, natural persons (party and legal representative too) masked by
    default (Q13, a setting); the agency's and the party's credit codes are public."""
    party = case.party
    cfg = config.publication
    public: set[str] = set()
    if party is not None and party.kind == "person" and not cfg.mask_person_party and party.name:
        public.add(party.name)
    if party is not None and not cfg.mask_legal_representative and party.legal_representative:
        public.add(party.legal_representative)
    persons = [n for n in case.person_names if n not in public]
    organisations = list(case.organisation_names)
    allowed = sorted(public)
    if agency is not None:
        organisations.append(agency.name)
        allowed += [c for c in (agency.credit_code,) if c]
    if party is not None and party.credit_code:
        allowed.append(party.credit_code)
    return persons, organisations, allowed


def personal_data_findings(value: object, case: CaseState, config: Config, agency: AgencyState | None, *,
                           public_surface: bool = False, path: str = "") -> list[tuple[str, Finding]]:
    """PUB-01's findings in every string of ``value`` (a step's members, or the bytes a public
    route would serve), with the case's names as context. One judgement for the live gate
    (``public_surface=False``) and the public routes (``True``: stricter ID numbers)."""
    persons, organisations, allowed = personal_data_context(case, config, agency)
    return find_personal_data_in(value, persons, organisations, allowed=allowed,
                                 public_surface=public_surface, path=path)


def describe_findings(found: Sequence[tuple[str, Finding]]) -> str:
    """The findings as a refusal names them (masked, with the member they were found in)."""
    return "、".join(f"{where} {_describe(f)}" if where not in ("data.text", "text") else _describe(f)
                    for where, f in found[:8]) + (f" 等 {len(found)} 处" if len(found) > 8 else "")


@gate("PUB-01", "公开文本含个人信息", f"{LAW}第五十条；{OGI}第十五条", PUBLICLY_SERVED, None)
def _personal_data(j: Judged) -> str | None:
    """No string of a step whose bytes are served publicly — ``text``, ``url``, extra members,
    nested values, an override's reason — holds an ID number, phone, bank account, e-mail,
    private address or the name of a natural person the case knows."""
    stated = {k: j.step.raw[k] for k in ("data", "override") if k in j.step.raw}
    findings = personal_data_findings(stated, j.case, j.config, j.agency)
    if not findings:
        return None
    return "公开文本含个人信息，应先脱敏：" + describe_findings(findings)


def _describe(finding: Finding) -> str:
    return f"{_FINDING_NAMES.get(finding.kind, finding.kind)}「{mask(finding)}」"


@gate("PUB-02", "依法不予公开", f"{OGI}第十四条至第十六条；{LAW}第四十八条",
      frozenset({"DecisionPublished"}))
def _suppressed(j: Judged) -> str | None:
    """No publication once the case recorded a ``PublicationSuppressed``, nor when the
    penalised person was a minor at the act."""
    if j.case.suppressions:
        reasons = "、".join(_SUPPRESSION_NAMES.get(r, r) for r in dict.fromkeys(j.case.suppressions))
        return f"本案已决定不予公开（{reasons}），不得公开处罚决定"
    party, act = j.case.party, j.case.violation.act_on
    if party is None or party.kind != "person" or party.birth_date is None or act is None:
        return None
    years = j.config.minors.publication_suppressed_under
    if under(party.birth_date, act, years):
        return f"被处罚人生于 {party.birth_date}，违法行为时（{act}）不满 {years} 周岁，处罚决定不予公开"
    return None


