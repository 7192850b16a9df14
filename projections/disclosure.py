"""What the public may see (三项制度 公示): pure functions from folded files to public rows.

事后公开: a decision's publication as the public reads it — after PUB-02 (no publication
of a suppressed case or of a minor's case) and PUB-01 (redaction), with its PUB-04
period and its PEN-41 withdrawal. 事前公开: the registry (agencies, officers with their
执法证, enforcement items with legal basis and discretion bands, the 法制审核目录清单).

Redaction is done here, whatever the ledger holds: backfilled publications may still
hold personal data (补录 passes structural checks only), and a published text must never
carry more than the penalised organisation's name and 统一社会信用代码 of any party. Two
passes: the domain's PUB-01 detector as a public surface judges (ID numbers — a mistyped
one too —, phones, bank cards, e-mail, private
addresses, the names of natural persons the file knows — masked 张某某 per Q13), then
every personal field the file records for any party, interviewee, agent or applicant
(name of a natural person, ID number, phone, address, birth date, legal representative)
wherever it still appears verbatim. The organisation's own address is hidden too:
public tables hold no party field but the organisation's name and credit code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, Protocol

import orjson

from domain.config import Config
from domain.personal_data import Finding, FindingKind, find_personal_data, mask, redact
from domain.reading import int_of
from domain.registry import credential_state, fold_agency, fold_officer
from domain.shapes import Party
from projections.casefile import CaseFile, Publication
from projections.labels import OUTCOME_LABELS
from projections.sql import instant_key

__all__ = [
    "Masked",
    "credential_status_on",
    "forbidden_values",
    "json_text",
    "mask_name",
    "public_decisions",
    "public_registry",
    "redact_public",
    "suppressed",
]


class Masked(Protocol):
    """What the masking reads of a file: its party (the penalised party, a licence's applicant or
    holder), every party-like record it holds, and the persons and organisations it names. A
    ``CaseFile`` is one; so is a licence's masking context (``projections.licence_disclosure``)."""

    @property
    def party(self) -> Party | None: ...

    @property
    def people(self) -> Sequence[Party]: ...

    @property
    def person_names(self) -> Sequence[str]: ...

    @property
    def organisation_names(self) -> Sequence[str]: ...


def json_text(value: Any) -> str:
    """A JSON cell: sorted keys, so equal values are equal text on every run and store."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def mask_name(name: str) -> str:
    """A natural person's name as published (张三 → 张某, 张三丰 → 张某某)."""
    return mask(Finding("name", 0, len(name), name)) if name else name


def _masked(kind: FindingKind | None, value: str) -> str:
    """The mask of a value: the domain's form for its kind, all ``*`` for anything else."""
    return "*" * len(value) if kind is None else mask(Finding(kind, 0, len(value), value))


def _public_values(cf: Masked, config: Config) -> set[str]:
    """The party values a public text may show: the penalised organisation's name and credit code
    (and, if the Q13 settings say so, a natural-person party's or a legal representative's name)."""
    cfg = config.publication
    party = cf.party
    public: set[str] = set()
    if party is None:
        return public
    if party.kind == "organisation":
        public |= {v for v in (party.name, party.credit_code) if v}
    if party.kind == "person" and not cfg.mask_person_party and party.name:
        public.add(party.name)
    if not cfg.mask_legal_representative and party.legal_representative:
        public.add(party.legal_representative)
    return public


def _replace_outside(text: str, value: str, replacement: str, protected: Sequence[str]) -> str:
    """Replace ``value`` everywhere in ``text`` except inside the ``protected`` strings."""
    if not protected:
        return text.replace(value, replacement)
    spans: list[tuple[int, int]] = []
    for keep in protected:
        start = text.find(keep)
        while start >= 0:
            spans.append((start, start + len(keep)))
            start = text.find(keep, start + 1)
    out: list[str] = []
    pos = 0
    while (start := text.find(value, pos)) >= 0:
        end = start + len(value)
        if any(s < end and start < e for s, e in spans):
            out.append(text[pos : start + 1])
            pos = start + 1
            continue
        out.append(text[pos:start])
        out.append(replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def forbidden_values(cf: Masked, config: Config) -> list[tuple[str, FindingKind | None]]:
    """Every personal field the file records, as (value, mask kind): what no public cell may hold.

    The penalised organisation's name and credit code are public; a natural-person
    party's name is public only when the Q13 setting says so.
    """
    public = _public_values(cf, config)
    out: list[tuple[str, FindingKind | None]] = []
    people: list[Party] = list(cf.people)
    for person in people:
        if person.kind == "person" and person.name:
            out.append((person.name, "name"))
        if person.legal_representative:
            out.append((person.legal_representative, "name"))
        fields: tuple[tuple[str | None, FindingKind | None], ...] = (
            (person.id_number, "id_number" if person.id_number and len(person.id_number) in (15, 18) else None),
            (person.phone, "phone"), (person.address, "address"),
            (person.birth_date.isoformat() if person.birth_date else None, None),
            (person.credit_code if person.kind == "person" else None, None),
            (person.address if person.kind == "organisation" else None, "address"),
        )
        out += [(value, kind) for value, kind in fields if value]
    out += [(name, "name") for name in cf.person_names]
    seen: dict[str, FindingKind | None] = {}
    for value, kind in out:
        if len(value.strip()) >= 2 and value not in public:
            seen.setdefault(value, kind)
    return sorted(seen.items(), key=lambda item: (-len(item[0]), item[0]))


def redact_public(text: str, cf: Masked, config: Config, *, agency_names: Sequence[str] = ()) -> str:
    """``text`` as a public table may hold it (PUB-01 detector, then the file's own personal fields)."""
    if not text:
        return text
    public = _public_values(cf, config)
    party = cf.party
    persons = [n for n in cf.person_names if n not in public]
    persons += [p.legal_representative for p in cf.people
                if p.legal_representative and p.legal_representative not in public]
    organisations = [*cf.organisation_names, *agency_names]
    allowed = sorted(public) + [c for c in (party.credit_code if party is not None else None,) if c]
    out = redact(text, find_personal_data(text, persons, organisations, allowed=allowed, public_surface=True))
    protected = sorted(public, key=len, reverse=True)
    for value, kind in forbidden_values(cf, config):
        if value in out:
            out = _replace_outside(out, value, _masked(kind, value), protected)
    return out


def _under(born: date, day: date, years: int) -> bool:
    """Under ``years`` 周岁 on ``day`` (the birthday itself still counts as under, as the gates read it)."""
    try:
        anniversary = born.replace(year=born.year + years)
    except ValueError:  # 29 February
        anniversary = date(born.year + years, 2, 28)
    return day <= anniversary


def suppressed(cf: CaseFile, config: Config) -> bool:
    """PUB-02: a ``PublicationSuppressed`` step, or a natural-person party who was a minor at the act."""
    if cf.suppressions:
        return True
    party, act = cf.state.party, cf.state.violation.act_on
    if party is None or party.kind != "person" or party.birth_date is None or act is None:
        return False
    return _under(party.birth_date, act, config.minors.publication_suppressed_under)


def _party_columns(cf: CaseFile) -> tuple[str | None, str | None, str | None]:
    party = cf.party
    if party is None:
        return None, None, None
    if party.kind == "organisation":
        return "organisation", party.name or None, party.credit_code
    return party.kind or None, mask_name(party.name) if party.name else None, None


def _day(moment: Any) -> str | None:
    from domain.calendar import SHANGHAI

    return moment.astimezone(SHANGHAI).date().isoformat() if moment is not None else None


def public_decisions(cf: CaseFile, config: Config) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Rows of ``pub_decisions`` and ``pub_withdrawals`` for one case (none when PUB-02 applies)."""
    publications = cf.penalty_publications
    if not publications or suppressed(cf, config):
        return [], []
    decisions: list[tuple[Any, ...]] = []
    withdrawals: list[tuple[Any, ...]] = []
    kind, name, credit = _party_columns(cf)
    decision = cf.decision
    outcome = cf.outcome
    penalties = [{"type": p.type, "amount_fen": p.amount_fen} for p in decision.penalties] if decision else []
    summary = cf.violation.get("summary")
    violation = (redact_public(summary, cf, config) or None) if isinstance(summary, str) else None
    for pub in publications:
        withdrawal = pub.withdrawal
        status = "withdrawn" if withdrawal is not None else "published"
        text = None if withdrawal is not None else redact_public(pub.text, cf, config)
        decisions.append((
            cf.stream, pub.version, decision.document_no if decision else None, cf.agency, kind, name, credit,
            outcome, OUTCOME_LABELS.get(outcome or "", outcome), json_text(penalties), cf.fine_fen,
            _day(decision.at) if decision else None, pub.published_text, _day(pub.published_at), pub.channel,
            _public_url(pub, cf, config), text, _iso(pub.corrected_at), pub.regime, pub.min_until.isoformat(),
            pub.max_until.isoformat(), status, _iso(withdrawal.withdrawn_at) if withdrawal else None,
            instant_key(pub.published_at), None if withdrawal is not None else violation,
        ))
        if withdrawal is not None:
            withdrawals.append((
                cf.stream, withdrawal.version, pub.version, decision.document_no if decision else None, cf.agency,
                _iso(withdrawal.withdrawn_at), _day(withdrawal.withdrawn_at),
                redact_public(withdrawal.reason or "", cf, config) or None,
                redact_public(withdrawal.explanation or "", cf, config) or None,
                instant_key(withdrawal.withdrawn_at),
            ))
    return decisions, withdrawals


def _public_url(pub: Publication, cf: CaseFile, config: Config) -> str | None:
    return redact_public(pub.url, cf, config) if pub.url else None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


# --------------------------------------------------------------------------- 事前公开

_AGENCY_FIELDS: Final = ("name", "credit_code", "level", "region", "court", "supervised_by")


def public_registry(stream: str, history: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of the 事前公开 tables for one agency or officer stream (its whole history)."""
    kind = stream.split("/", 1)[0]
    if kind == "agency":
        rows = _agency_rows(stream, history)
    elif kind == "officer":
        rows = _officer_rows(stream, history)
    else:
        return {}
    return {table: [_registry_cells(row) for row in found] for table, found in rows.items()}


def _registry_cells(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A registry row as a public table may hold it: names of officers and agencies are public
    (事前公开), but a 补录 registry step is recorded as it was, so every text cell but the stream
    is redacted with the PUB-01 detector as a public surface judges (no known names)."""
    return (row[0], *(redact(c, find_personal_data(c, public_surface=True)) if isinstance(c, str) else c
                      for c in row[1:]))


def _agency_rows(stream: str, history: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    state = fold_agency(stream, history)
    if state is None:
        return {}
    opening = next((e for e in history if e.get("type") == "AgencyRegistered"), None)
    data: Mapping[str, Any] = (opening or {}).get("data") or {}
    agencies = [(
        stream, *(data.get(f) if isinstance(data.get(f), str) else None for f in _AGENCY_FIELDS),
        json_text(list(state.reconsideration_bodies)), str((opening or {}).get("at") or ""),
    )]
    items: dict[str, tuple[Any, ...]] = {}
    catalogue: list[tuple[Any, ...]] = []
    for entry in history:
        kind = entry.get("type")
        raw = entry.get("data")
        item: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        if kind == "EnforcementItemPublished" and isinstance(item.get("code"), str):
            items[item["code"]] = (
                stream, item["code"], item.get("name"), item.get("kind"), json_text(item.get("basis") or []),
                json_text(item.get("sanction_basis") or []), json_text(item.get("penalty_types") or []),
                int_of(item.get("min_fen")), int_of(item.get("max_fen")), json_text(item.get("bands") or []),
                json_text(item.get("no_penalty")) if item.get("no_penalty") is not None else None,
                str(entry.get("at") or ""),
            )
        elif kind == "LegalReviewCatalogPublished":
            catalogue = [(
                stream, int_of(item.get("person_fen")), int_of(item.get("organisation_fen")),
                int_of(item.get("hearing_person_fen")), int_of(item.get("hearing_organisation_fen")),
                json_text(item.get("categories") or []), str(entry.get("at") or ""),
            )]
    return {"pub_agencies": agencies, "pub_items": [items[c] for c in sorted(items)],
            "pub_review_catalogues": catalogue}


def _officer_rows(stream: str, history: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
    record = fold_officer(stream, history)
    if record is None or record.agency is None:
        return {}  # the bootstrap administrator belongs to no agency and enforces nothing
    status = "revoked" if record.credential_revoked else ("valid" if record.credential_no else "none")
    return {"pub_officers": [(
        stream, record.name, record.agency, record.credential_no,
        record.credential_valid_from.isoformat() if record.credential_valid_from else None,
        record.credential_valid_to.isoformat() if record.credential_valid_to else None, status,
        json_text(sorted(record.roles)), json_text(list(record.fields)),
    )]}



def credential_status_on(row: Mapping[str, Any], day: date) -> str:
    """A ``pub_officers`` row's 执法证 state on ``day`` (the stored status knows only revoked or not:
    expiry depends on the day read, so it is computed at the reader's 基准日; issue 13, 2)."""
    def as_date(value: object) -> date | None:
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    return credential_state(row.get("credential_no"), row.get("credential_status") == "revoked",
                            as_date(row.get("credential_valid_from")), as_date(row.get("credential_valid_to")), day)

