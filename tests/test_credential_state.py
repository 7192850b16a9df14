"""A 执法证's state on a day (issue 13, 2): the registry pages and ``/v1/public/registry`` judge it
at their 基准日 with the same function the gates use (``OfficerRecord.credential_problem``)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.citation import chinese_numeral, citation
from domain.registry import CREDENTIAL_STATES, OfficerRecord, credential_state
from projections.disclosure import credential_status_on

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def _record(number: str | None, revoked: bool, start: date | None, end: date | None) -> OfficerRecord:
    return OfficerRecord("officer/x", "某", "agency/X", frozenset({"officer"}), number, start, end, revoked, (), None)


@given(st.one_of(st.none(), st.just("42010201001")), st.booleans(), st.one_of(st.none(), days),
       st.one_of(st.none(), days), days)
def test_the_state_is_valid_exactly_when_the_gates_find_no_problem(number: str | None, revoked: bool,
                                                                  start: date | None, end: date | None,
                                                                  day: date) -> None:
    state = credential_state(number, revoked, start, end, day)
    assert state in CREDENTIAL_STATES
    assert (state == "valid") == (_record(number, revoked, start, end).credential_problem(day) is None)
    row = {"credential_no": number, "credential_status": "revoked" if revoked else "valid",
           "credential_valid_from": start.isoformat() if start else None,
           "credential_valid_to": end.isoformat() if end else None}
    assert credential_status_on(row, day) == (state if number else "none")


@given(days, st.integers(min_value=0, max_value=3650))
def test_a_credential_expires_the_day_after_its_last_valid_day(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    assert credential_state("N", False, start, end, end) == "valid"
    assert credential_state("N", False, start, end, end + timedelta(days=1)) == "expired"
    assert credential_state("N", False, start, end, start - timedelta(days=1)) == "not_yet_valid"


def test_article_numbers_are_distinct_chinese_numerals() -> None:
    written = [chinese_numeral(n) for n in range(1, 1000)]
    assert len(set(written)) == 999
    assert chinese_numeral(118) == "一百一十八" and chinese_numeral(10) == "十" and chinese_numeral(105) == "一百零五"
    assert citation({"law": "中华人民共和国行政处罚法", "article": 38, "clause": 2, "item": None}) == \
        "《中华人民共和国行政处罚法》第三十八条第二款"
