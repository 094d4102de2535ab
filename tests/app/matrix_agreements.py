"""Rows of the role × URL matrix for agreements, and the objects they point at (made on first
use and kept on the matrix's world, so ``build_world`` stays as it is)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook

from summit.extensions import db
from summit.models import Agreement, AgreementAttachment, Role
from summit.services.agreements import files as agreement_files, imports as agreement_import
from tests.support import factories, press_factories

ADMIN = "admin"
READERS = frozenset({Role.ORGANISER.value, Role.AGREEMENTS_OFFICER.value, Role.OFFICIAL.value,
                     ADMIN})
WRITERS = frozenset({Role.AGREEMENTS_OFFICER.value, ADMIN})
PDF = press_factories.letter_pdf("matrix")


@dataclass
class AgreementWorld:
    agreement: Agreement
    attachment: AgreementAttachment


def agreement_world(w) -> AgreementWorld:
    found = getattr(w, "_agreements", None)
    if found is None:
        officer = factories.make_member(w.summit, Role.AGREEMENTS_OFFICER,
                                        "matrix-agreements-officer@example.com")
        agreement = factories.make_agreement(w.summit, officer)
        attachment = agreement_files.attach(
            officer, agreement, agreement_files.check_upload("签约.pdf", PDF, "scan"), None,
            agreement.created_at)

        db.session.commit()
        found = AgreementWorld(agreement, attachment)
        w._agreements = found
    return found


def ledger_file() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([agreement_import.header_text(c) for c in agreement_import.COLUMNS])
    values = {"title": "导入的协议", "kind": "purchase", "county": "乡城县", "sector": "农产品上行",
              "amount": "100.00", "signed_at": "2017-08-03 10:30", "party_a": "乡城县人民政府",
              "party_b": "某电商公司"}
    sheet.append([values.get(c.key, "") for c in agreement_import.COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


RECORD_FORM = {"title": "矩阵协议", "kind": "strategic", "county": "康定市", "sector": "农村电商",
               "amount": "100", "amount_kind": "agreement", "signed_at": "2017-08-03T10:30",
               "party_a": "甘孜州人民政府", "party_b": "某公司", "predecessor_id": ""}
API_AGREEMENT = {"title": "API 协议", "kind": "intent", "county": "丹巴县", "sector": "文旅",
                 "amount": "100.00", "signed_at": "2017-08-03T10:30:00",
                 "parties": [{"side": "a", "name": "丹巴县人民政府"},
                             {"side": "b", "name": "某公司"}]}


def routes(Route, S):  # the matrix's Route class and summit path helper
    A = agreement_world

    def agreement_url(w) -> str:
        return f"/agreements/{A(w).agreement.id}"

    return [
        Route("agreements.ledger", "GET", lambda w: f"{S(w)}/agreements", READERS),
        Route("agreements.record", "GET", lambda w: f"{S(w)}/agreements/new", WRITERS),
        Route("agreements.record", "POST", lambda w: f"{S(w)}/agreements/new", WRITERS,
              data=lambda w: dict(RECORD_FORM)),
        Route("agreements.detail", "GET", agreement_url, READERS),
        Route("agreements.correct", "GET", lambda w: f"{agreement_url(w)}/edit", WRITERS),
        Route("agreements.correct", "POST", lambda w: f"{agreement_url(w)}/edit", WRITERS,
              data=lambda w: dict(RECORD_FORM, title="更正的协议")),
        Route("agreements.add_update", "POST", lambda w: f"{agreement_url(w)}/updates", WRITERS,
              data=lambda w: {"kind": "note", "happened_on": "2018-01-05", "note": "走访企业"}),
        Route("agreements.attachment", "GET",
              lambda w: f"/agreements/files/{A(w).attachment.id}", READERS),
        Route("agreements.dashboard", "GET", lambda w: f"{S(w)}/agreements/dashboard", READERS),
        Route("agreements.dashboard_all", "GET", lambda w: "/agreements/dashboard", READERS),
        Route("agreements.ledger_xlsx", "GET", lambda w: f"{S(w)}/agreements/ledger.xlsx",
              READERS),
        Route("agreements.dashboard_xlsx", "GET",
              lambda w: f"{S(w)}/agreements/dashboard.xlsx", READERS),
        Route("agreements.dashboard_all_xlsx", "GET", lambda w: "/agreements/dashboard.xlsx",
              READERS),
        Route("agreements.report_pdf", "GET",
              lambda w: f"{S(w)}/agreements/report.pdf", READERS),
        Route("agreements.report_all_pdf", "GET", lambda w: "/agreements/report.pdf", READERS),
        Route("agreements.import_template", "GET",
              lambda w: f"{S(w)}/agreements/import/template.xlsx", WRITERS),
        Route("agreements.import_ledger", "GET", lambda w: f"{S(w)}/agreements/import",
              WRITERS),
        Route("agreements.import_ledger", "POST", lambda w: f"{S(w)}/agreements/import",
              WRITERS, data=lambda w: {"file": (io.BytesIO(ledger_file()), "ledger.xlsx")}),
        Route("api.create_agreement", "POST", lambda w: f"/api/v1{S(w)}/agreements", WRITERS,
              data=lambda w: dict(API_AGREEMENT)),
        Route("api.list_agreements", "GET", lambda w: f"/api/v1{S(w)}/agreements", READERS),
        Route("api.get_agreement", "GET", lambda w: f"/api/v1{agreement_url(w)}", READERS),
        Route("api.create_agreement_update", "POST",
              lambda w: f"/api/v1{agreement_url(w)}/updates", WRITERS,
              data=lambda w: {"kind": "note", "note": "电话回访"}),
        Route("api.agreements_summary", "GET",
              lambda w: f"/api/v1{S(w)}/agreements/summary", READERS),
    ]
