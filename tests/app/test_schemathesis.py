"""The API document, checked by a real client: Schemathesis reads GET /api/v1/openapi.json from
the test app and sends what the document allows (and what it forbids) to every operation, once
with an organiser's token and once with none, and every default check must pass: no 500, every
answer documented and shaped as documented, schema-valid requests accepted, schema-invalid
ones refused.

Bounded: a fixed seed, derandomised Hypothesis and a few examples an operation, on SQLite only
(the document and the views are the same on PostgreSQL; the database rules are proven on both
by the area tests). The expected statuses for the rules a schema cannot express are in
``schemathesis.toml`` at the repository root."""
from __future__ import annotations

import time
import traceback
import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis.errors import HypothesisWarning
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.transport.wsgi import WSGITransport

from summit.extensions import db
from summit.models import Convention, Role
from summit.services.agenda import publish as agenda_publish
from summit.services.bookings import booking as bookings
from summit.services.protocol import seating
from tests.support import factories, press_factories
from tests.support.agenda import token_for
from tests.support.agenda_factories import make_agenda_item, make_room
from tests.support.reception import reception_objects

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"


@pytest.fixture
def api_world(event, organiser):
    """The test summit, accrediting media, with what each operation needs to find: a room, a
    bookable salon the organiser (also a registered delegate) has booked, a published
    programme, a pending registration, a press application and an agreement."""
    summit = event
    summit.press_enabled = True
    db.session.commit()
    factories.grant(organiser, summit, Role.AGREEMENTS_OFFICER)
    factories.grant(organiser, summit, Role.MEDIA_OFFICER)
    room = make_room(summit)
    salon = make_agenda_item(summit, room=room, capacity=20)
    agenda_publish.publish_agenda(organiser, summit, note="第一版")
    mine = factories.make_registration(summit, "赵波", organiser.email, approve_as=organiser)
    mine.user = organiser
    db.session.commit()
    bookings.book_seat(organiser, salon, mine)
    pending = factories.make_registration(summit, "次仁多吉")
    application = press_factories.submitted(summit, zones=("MAIN",))
    agreement = factories.make_agreement(summit, organiser)
    meal, transfer, hotel = reception_objects(summit, organiser)
    # A podium on the salon, so the seating PUT gets past "set up the podium first".
    seating.configure(organiser, salon, 2, 5, Convention.GOVERNMENT)
    return {"slug": summit.slug, "registration_id": pending.id, "item_id": salon.id,
            "application_id": application.id, "agreement_id": agreement.id,
            "meal_id": meal.id, "transfer_id": transfer.id, "hotel_id": hotel.id}


def _with_examples(document: dict, values: dict) -> dict:
    """The served document with the seeded objects as examples of its path parameters."""
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in values:
                    parameter["example"] = values[parameter["name"]]
    return document


def _described(event, case_id: str, check) -> str:
    failure = check.failure_info.failure
    response = event.recorder.find_response(case_id=case_id)
    answer = f"{response.status_code} {response.text[:300]}" if response is not None else ""
    return (f"{event.recorder.label} [{event.phase.value}] {check.name}: {failure.title}: "
            f"{failure.message}\n    {check.failure_info.code_sample}\n    -> {answer}")


@pytest.fixture(autouse=True)
def probes_reach_the_app(monkeypatch):
    """Schemathesis 4.32.5 re-sends a request without its token (the ``ignored_auth`` check)
    with the socket settings of its HTTP transport, which werkzeug's test client refuses
    (``max_redirects``): drop those for the in-process app, as its own send does for a
    requests session."""
    send = WSGITransport.send

    def in_process(self, case, *, session=None, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(self, case, session=session, **kwargs)

    monkeypatch.setattr(WSGITransport, "send", in_process)


def run_schemathesis(app, document: dict, headers: dict | None = None) -> list[str]:
    """Every failure and error of one run over every operation, as text; the run's size and
    time are printed."""
    config = SchemathesisConfig.from_path(CONFIG)
    if not headers:
        # Anonymous callers can create nothing to follow up on (a public registration answers
        # without its id), so the stateful phase runs with the organiser's token only; and
        # the organiser's run already fuzzes and covers every operation, the public ones
        # included, while the others answer an anonymous caller 401 whatever it sends: one
        # documented example an operation is what is left to check.
        config.projects.default.phases.update(phases=["examples"])
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema.app = app
    if headers:
        schema.config.update(headers=headers)
    problems: list[str] = []
    requests = 0
    started = time.perf_counter()
    with warnings.catch_warnings():
        # Hypothesis warns when it shows a large generated value; the run reports failures.
        warnings.simplefilter("ignore", HypothesisWarning)
        found = list(from_schema(schema).execute())
    for event in found:
        if isinstance(event, events.ScenarioFinished):
            requests += len(event.recorder.cases)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is not None:
                        problems.append(_described(event, case_id, check))
            if event.skip_warning is not None:
                problems.append(f"{event.label}: warning {event.skip_warning}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            error = getattr(event, "value", None) or getattr(event, "exception", None)
            problems.append(f"{getattr(event, 'label', '')} error: " + "".join(
                traceback.format_exception(error))[-1500:])
    print(f"\nSchemathesis: {requests} requests in {time.perf_counter() - started:.1f} s")
    return sorted(set(problems))


@pytest.fixture
def seeded_document(client, api_world) -> dict:
    return _with_examples(client.get("/api/v1/openapi.json").get_json(), api_world)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_api_keeps_its_document_for_an_organiser(app, seeded_document, organiser):
    problems = run_schemathesis(app, seeded_document, token_for(organiser))

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_api_keeps_its_document_for_anyone(app, seeded_document):
    problems = run_schemathesis(app, seeded_document)

    assert not problems, "\n".join(problems)
