"""Rows of the role × URL matrix for personal data (issue 21): everyone signed in has their
own data and requests; the queue is privacy officers' and organisers' (any summit), the
notice a summit's privacy officers' and organisers'."""
from __future__ import annotations

from summit.extensions import db
from summit.models import DataRequest, RequestKind, Role
from summit.services.privacy import requests as data_requests

PRIVACY = frozenset({Role.PRIVACY_OFFICER.value, Role.ORGANISER.value, "admin"})
NOTICE = {"text_zh_hans": "告知", "text_zh_hant": "告知", "text_en": "Notice"}


def data_request(w, role: tuple) -> DataRequest:
    """A request per role and route (an answered request cannot be answered again), made by
    the matrix's target account."""
    made = w.__dict__.setdefault("_data_requests", {})
    if role not in made:
        made[role] = DataRequest(user_id=w.target.id, kind=RequestKind.CORRECTION,
                                 reason="姓名有误", due_on=data_requests.working_days_after(
                                     w.summit.starts_on, 15))
        db.session.add(made[role])
        db.session.commit()
    return made[role]


def answer_form(request_id: int) -> dict:
    return {f"r{request_id}-status": "refused", f"r{request_id}-answer": "依法保留"}


def who(w) -> int | None:
    return w.user.id if w.user is not None else None


def routes(Route, S, LOGGED_IN):  # the matrix's Route class, summit path helper, roles
    return [
        Route("privacy.my_data", "GET", lambda w: "/me/data", LOGGED_IN),
        Route("privacy.my_data", "POST", lambda w: "/me/data", LOGGED_IN,
              data=lambda w: {"kind": "correction", "reason": "电话有误"}),
        Route("privacy.my_data_json", "GET", lambda w: "/me/data.json", LOGGED_IN),
        Route("privacy.my_data_pdf", "GET", lambda w: "/me/data.pdf", LOGGED_IN),
        Route("privacy.queue", "GET", lambda w: "/privacy/requests", PRIVACY),
        Route("privacy.answer", "POST",
              lambda w: f"/privacy/requests/{data_request(w, ('web', who(w))).id}/answer", PRIVACY,
              data=lambda w: answer_form(data_request(w, ("web", who(w))).id)),
        Route("privacy.notice", "GET", lambda w: f"{S(w)}/privacy-notice", PRIVACY),
        Route("privacy.notice", "POST", lambda w: f"{S(w)}/privacy-notice", PRIVACY,
              data=lambda w: dict(NOTICE)),
        Route("api.my_data", "GET", lambda w: "/api/v1/me/data", LOGGED_IN),
        Route("api.create_data_request", "POST", lambda w: "/api/v1/me/data-requests",
              LOGGED_IN, data=lambda w: {"kind": "deletion", "reason": "不再参会"}),
        Route("api.list_data_requests", "GET", lambda w: "/api/v1/data-requests", PRIVACY),
        Route("api.answer_data_request", "POST",
              lambda w: f"/api/v1/data-requests/{data_request(w, ('api', who(w))).id}/answer",
              PRIVACY,
              data=lambda w: {"status": "refused", "answer": "依法保留"}),
    ]
