"""What is decided about a case before its dates: the procedure's item, the amounts, the path
through the statement or hearing, whether legal review and collective discussion are required."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from demo import catalogue as cat
from demo.draw import choice, round_amount, weighted_choice
from demo.model import DefectKind, Raw
from demo.registry import LAPSING, Agency, Officer
from domain.config import Config


@dataclass
class Spec:
    """What is decided about a case before its dates: procedure, item, amounts, path."""

    index: int
    seed: str
    procedure: str
    target: str
    agency: Agency
    item: cat.ItemSpec
    party_kind: str
    defect: DefectKind | None = None
    circumstance: str = "一般"
    proposed: list[Raw] = field(default_factory=list)
    decided: list[Raw] = field(default_factory=list)
    hearing_right: bool = False
    path: str = "silent"
    adopted: bool = False
    review: bool = False
    discussion: bool = False
    service: str = "in_person"
    payment: str | None = None
    outcome: str = "penalty"
    min_start: date = date.min
    lapsed: Officer | None = None


def fine_of(penalties: Sequence[Raw]) -> int:
    return sum(p.get("amount_fen", 0) for p in penalties if p["type"] == "fine")


def _kind_threshold(spec: Spec, person: int, organisation: int) -> int:
    return organisation if spec.party_kind == "organisation" else person


def _hearing_eligible(spec: Spec, penalties: Sequence[Raw], config: Config) -> bool:
    """As gates._hearing_eligible: a fine or confiscation at or above 较大数额, or a listed type."""
    _, _, hp, ho = spec.agency.spec.catalogue
    threshold = _kind_threshold(spec, hp, ho)
    for kind in ("fine", "confiscation"):
        total = sum(p.get("amount_fen", 0) for p in penalties if p["type"] == kind)
        if total and total >= threshold:
            return True
    return any(p["type"] in config.hearing.penalty_types for p in penalties)


def _review_threshold(spec: Spec) -> int:
    rp, ro, _, _ = spec.agency.spec.catalogue
    return _kind_threshold(spec, rp, ro)


def _needs(spec: Spec, config: Config) -> tuple[bool, bool]:
    """(legal review required, collective discussion required) for the decided penalties."""
    held = spec.path == "hearing"
    fine = fine_of(spec.decided)
    big = bool(fine) and fine >= _review_threshold(spec)
    review = big or (config.legal_review.when_hearing_held and held) or any(
        p["type"] in config.legal_review.penalty_types for p in spec.decided)
    cd = config.collective_discussion
    discussion = ((cd.when_hearing_eligible and _hearing_eligible(spec, spec.decided, config))
                  or (cd.when_hearing_held and held) or (cd.when_review_threshold and big))
    return review, discussion


def _items_for(agencies: dict[str, Agency], procedure: str) -> list[tuple[Agency, cat.ItemSpec]]:
    return [(a, i) for a in agencies.values() for i in a.items if procedure in i.procedures]


def choose_item(rng: random.Random, agencies: dict[str, Agency], procedure: str,
                kind: DefectKind | None) -> tuple[Agency, cat.ItemSpec]:
    options = _items_for(agencies, procedure)
    name = kind.name if kind else ""

    def reaches(agency: Agency, item: cat.ItemSpec, which: int) -> bool:
        kinds = ("person", "organisation") if item.party == "either" else (item.party,)
        review_p, review_o, hearing_p, hearing_o = agency.spec.catalogue
        person, organisation = ((review_p, review_o), (hearing_p, hearing_o))[which]
        return all(item.max_fen >= (organisation if k == "organisation" else person) for k in kinds)

    if name in ("no_hearing_right", "no_collective_discussion", "hearing_notice_short"):
        options = [(a, i) for a, i in options if reaches(a, i, 1)]
    elif name == "no_legal_review":
        options = [(a, i) for a, i in options if reaches(a, i, 0)]
    if name == "decision_overdue":
        options = [(a, i) for a, i in options if i.expert]
    elif name == "unqualified_reviewer":
        options = [(a, i) for a, i in options if a.spec.unqualified_reviewer]
    elif name == "expired_credential":
        options = [(a, i) for a, i in options if any((a.spec.code, s) in LAPSING for s in range(1, 20))]
    elif name in ("summary_over_limit", "minor_party"):
        options = [(a, i) for a, i in options if i.party == "person" and "fine" in i.penalty_types]
    elif name == "cash_late":
        options = [(a, i) for a, i in options if "fine" in i.penalty_types and i.min_fen <= 10_000]
    if name == "summary_over_limit":
        options = [(a, i) for a, i in options if i.max_fen > 20_000]
    return choice(rng, options)


def general_amounts(spec: Spec, rng: random.Random, config: Config) -> None:
    item = spec.item
    name = spec.defect.name if spec.defect else ""
    if item.bands:
        weights = {"轻微": 20, "一般": 55, "较重": 15, "严重": 10}
        spec.circumstance = weighted_choice(rng, [(b[0], weights[b[0]]) for b in item.bands])
        _, low, high = next(b for b in item.bands if b[0] == spec.circumstance)
    else:
        spec.circumstance, low, high = "一般", item.min_fen, item.max_fen
    low = max(low, 100_000 if item.max_fen >= 1_000_000 else 10_000 if item.max_fen >= 100_000 else 1_000)
    fine = round_amount(rng, low, high)
    if name == "fine_out_of_range":
        spec.circumstance = item.bands[-1][0] if item.bands else "严重"
        fine = item.max_fen + round_amount(rng, item.max_fen // 5, item.max_fen // 2)
    penalties: list[Raw] = []
    if "warning" in item.penalty_types and rng.random() < 0.3:
        penalties.append({"type": "warning"})
    penalties.append({"type": "fine", "amount_fen": fine})
    if item.confiscation_fen and rng.random() < 0.5:
        penalties.append({"type": "confiscation", "amount_fen": round_amount(rng, *item.confiscation_fen)})
    spec.proposed = penalties

    def raise_fine(to: int) -> None:
        """Raise the fine to a threshold, and the circumstance with it (PEN-33: the fine
        stays in its circumstance's discretion band)."""
        for p in spec.proposed:
            if p["type"] == "fine" and p["amount_fen"] < to:
                p["amount_fen"] = min(item.max_fen, to)
                fitting = [c for c, lo, hi in item.bands if lo <= p["amount_fen"] <= hi]
                if fitting and spec.circumstance not in fitting:
                    spec.circumstance = fitting[-1]

    _, _, hp, ho = spec.agency.spec.catalogue
    if name in ("no_hearing_right", "no_collective_discussion", "hearing_notice_short"):
        raise_fine(_kind_threshold(spec, hp, ho))
    if name == "no_legal_review":
        raise_fine(_review_threshold(spec))
    spec.hearing_right = _hearing_eligible(spec, spec.proposed, config) and name != "no_hearing_right"
    if spec.hearing_right:
        spec.path = weighted_choice(rng, (("hearing", 35), ("waiver", 20), ("statement", 25), ("silent", 20)))
    else:
        spec.path = weighted_choice(rng, (("waiver", 30), ("statement", 30), ("silent", 40)))
    if name == "hearing_notice_short":
        spec.path = "hearing"
    elif name in ("no_notice", "decision_in_window", "heavier_than_notice") or (
            name == "no_hearing_right" and spec.path == "hearing"):
        spec.path = "silent"
    spec.decided = [dict(p) for p in spec.proposed]
    if name == "heavier_than_notice":  # heavier than told, yet within the band (only PEN-11)
        fine_line = next(p for p in spec.decided if p["type"] == "fine")
        low, high = next(((lo, hi) for c, lo, hi in item.bands if c == spec.circumstance),
                         (item.min_fen, item.max_fen))
        fine = fine_line["amount_fen"]
        if fine < high:
            fine_line["amount_fen"] = min(high, fine + max(1_000, (high - fine) // 2))
        else:  # at the top of the band: the notice told less
            for p in spec.proposed:
                if p["type"] == "fine":
                    p["amount_fen"] = max(low, fine - max(1_000, (fine - low) // 2))
        spec.hearing_right = _hearing_eligible(spec, spec.proposed, config)
    elif spec.path in ("statement", "hearing") and not name and rng.random() < 0.2:
        band_low = next((b[1] for b in item.bands if b[0] == spec.circumstance), item.min_fen)
        for p in spec.decided:
            if p["type"] == "fine":
                reduced = p["amount_fen"] - round_amount(rng, p["amount_fen"] // 10, p["amount_fen"] // 5)
                if reduced >= max(band_low, item.min_fen) and reduced < p["amount_fen"]:
                    p["amount_fen"] = reduced
                    spec.adopted = True
    spec.review, spec.discussion = _needs(spec, config)
    if not spec.review and rng.random() < 0.3:
        spec.review = True  # many agencies review every general-procedure case
    if name == "no_legal_review":
        spec.review = False
    elif name == "no_collective_discussion":
        spec.discussion = False
    elif name == "unqualified_reviewer":
        spec.review = True
    spec.service = weighted_choice(rng, (("in_person", 60), ("mail", 30), ("electronic", 10)))
    spec.payment = weighted_choice(rng, (("bank", 70), ("electronic", 30))) if fine_of(spec.decided) or any(
        p["type"] == "confiscation" for p in spec.decided) else None


def summary_amounts(spec: Spec, rng: random.Random, config: Config) -> None:
    item = spec.item
    name = spec.defect.name if spec.defect else ""
    limit = config.summary.organisation_max_fen if spec.party_kind == "organisation" else config.summary.person_max_fen
    if name == "summary_over_limit":
        spec.decided = [{"type": "fine", "amount_fen": round_amount(rng, limit + 1_000, item.max_fen)}]
    elif "warning" in item.penalty_types and rng.random() < 0.3 and name != "cash_late" and spec.target != "paid":
        spec.decided = [{"type": "warning"}]
    else:
        high = min(item.max_fen, limit)
        if name == "cash_late":
            high = min(high, config.payment.on_the_spot_max_fen)
        spec.decided = [{"type": "fine", "amount_fen": round_amount(rng, max(item.min_fen, 1_000), high)}]
    spec.proposed = spec.decided
    fine = fine_of(spec.decided)
    if not fine:
        spec.payment = None
    elif name == "cash_late" or (fine <= config.payment.on_the_spot_max_fen and rng.random() < 0.6
                                 and spec.target != "decided"):
        spec.payment = "on_the_spot"
    else:
        spec.payment = weighted_choice(rng, (("bank", 60), ("electronic", 40)))
