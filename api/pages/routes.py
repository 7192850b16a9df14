"""The reviewer and supervisor pages (``/ui/…``, login by token) and the public pages (``/public/…``).

| page | what it shows |
|---|---|
| ``/`` | where to go: the login, the public disclosure pages |
| ``/ui/login`` | the login form (an API token, kept in an HttpOnly cookie) |
| ``/ui/cases`` | case search and list: agency, status, grade, warning colour, text |
| ``/ui/cases/{number}`` | the case file: 卷内目录, documents and records, timeline, deadlines, evaluation |
| ``/ui/cases/{number}/evaluation.html`` | the printable evaluation report |
| ``/ui/cases/{number}/export.zip`` | the file to take away and check offline (as ``enforcement-ledger export``) |
| ``/ui/cases/{number}/case.pdf``, ``…/evaluation.pdf`` | the case file and the 评查意见书, in PDF to print |
| ``/ui/licences`` | licence files (行政许可): agency, status, decision, grade, warning colour, text |
| ``/ui/licences/{number}`` | a licence file: applicant, decision, 卷内目录, timeline, deadlines, evaluation |
| ``/ui/licences/register/{licence_no}`` | a licence from grant through change and renewal to 撤回/撤销/注销 |
| ``/ui/coercion`` | 行政强制 files (``coercion/``): agency, kind, status, text |
| ``/ui/coercion/measures`` | every 查封/扣押/冻结 (``coercion/`` and ``case/`` streams), its period, the warnings |
| ``/ui/coercion/{number}`` | a 强制 file: party, measures and items, enforcement, 卷内目录, timeline, deadlines |
| ``/ui/complaints`` | the supervisors' register of complaints (投诉举报) with acceptance and answer warnings |
| ``/ui/complaints/{number}`` | a complaint file: all of it for the bureau's supervisors, its view for the agency |
| ``/ui/inspections`` | inspection files, spot-check tasks, INS-10 warnings, objects over INS-06's yearly cap |
| ``/ui/inspections/{number}`` | an inspection file: object, approval, site check, result, 卷内目录, timeline |
| ``/ui/spotchecks/{number}`` | a spot-check task: plan, snapshots, the draw re-derived, drawn objects and results |
| ``/ui/events/{kind}/{id}/{version}`` | one event: its data, signature, chain, inclusion proof, findings |
| ``/ui/streams/{kind}/{id}`` | the events of a 复议, lawsuit or supervision stream |
| ``/ui/streams/supervision/{id}/notice.pdf`` | the 责令整改通知书 of a rectification order |
| ``/ui/documents/{sha256}`` | a stored document (笔录, 决定书, 音像记录) |
| ``/ui/supervision`` | warnings, per-agency figures, rectification orders and their follow-up |
| ``/ui/supervision/warnings`` | every red and yellow warning |
| ``/ui/supervision/sample`` | a reproducible random sample for evaluation (双随机) |
| ``/public/`` … | penalty and licensing decisions with proofs, withdrawals, registry, statistics, log |
| ``/public/licences/{number}`` | a licensing decision as published (行政许可 事后公开) and what ended it |
| ``/public/spotchecks/{number}`` | a spot check (双随机、一公开): plan, draw and how to re-derive it, results |
| ``/public/coercion`` | 行政强制公示: published measures and enforcement decisions (PUB-06), by agency or stream |

Everything is read from the read models (paginated) and filtered by the API's read
policy; the public pages read only the public tables (``pub_*``) and the log.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.pages import cases, coercion, complaints, inspections, licences, public, site, streams, supervision

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for _resource in (site, cases, licences, complaints, coercion, inspections, streams, supervision, public):
    router.include_router(_resource.router)
