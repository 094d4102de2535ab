"""Logs hold no ID numbers, phones or emails: a run through the demo with every SQL statement
and its parameters logged, and the app's own messages, are scanned for the demo's values."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from summit import logs
from summit.extensions import db
from summit.models import Registration
from summit.services.demo import seed as demo
from tests.support import logscan

pytestmark = pytest.mark.usefixtures("english")


def test_a_demo_run_logs_none_of_the_demos_personal_values(app, client, caplog, login):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements and parameters
    demo.seed_demo()
    login("organiser@example.com", demo.DEMO_PASSWORD)
    summit = demo.DEMO_SLUG
    assert client.get(f"/summits/{summit}/registrations").status_code == 200
    assert client.get(f"/summits/{summit}/register").status_code == 200
    people = db.session.scalars(db.select(Registration)).all()
    log = logging.getLogger("summit.test")
    for person in people:
        log.info("registered %s <%s> phone %s id %s", person.name, person.email, person.phone,
                 person.id_number)
    log.warning("by hand: +86 138-0013-8000, zhao.bo@example.com, 51330019700101123x")

    captured = caplog.text
    assert "INSERT INTO registrations" in captured and "[email]" in captured
    values = {v for p in people for v in (p.email, p.phone, p.id_number) if v}
    assert demo.DEMO_ID_NUMBERS["zhao.bo@example.com"] in values
    assert [value for value in values | {"51330019700101123x", "138-0013-8000"}
            if value in captured] == []
    assert "赵波" in captured  # names are not masked; the record is kept readable


def test_the_mask_keeps_other_numbers():
    assert logs.mask("badge 12345, amount 268000000.00, order 2017080312") == \
        "badge 12345, amount 268000000.00, order 2017080312"
    assert logs.mask("id 11010519491231002X phone 13812345678 a@b.cn") == \
        "id [id number] phone [phone] [email]"


def test_every_record_of_the_run_goes_to_the_run_file_and_a_leak_names_its_logger(
        tmp_path, request):
    logging.getLogger("summit.test.logscan").warning("the run file gets this: order 42")
    logscan._handler.flush()
    run_file = Path(logscan._handler.baseFilename)
    assert "summit.test.logscan\tWARNING\tthe run file gets this: order 42" in \
        run_file.read_text(encoding="utf-8")
    assert not [line for line in logscan.scan(run_file, demo.personal_values())]

    leaky = tmp_path / "leaky.log"
    leaky.write_text("summit.ok\tINFO\tnothing here\n"
                     "summit.desk\tERROR\tprinter said: Traceback\\n phone 13990001234\n",
                     encoding="utf-8")
    assert logscan.scan(leaky, demo.personal_values()) == [
        "logger 'summit.desk' (ERROR) wrote the demo's phone '13990001234'"]
    assert {"51330019700101123X", "zhao.bo@example.com", "13800138000"} <= \
        demo.personal_values()


def test_a_logged_traceback_is_masked_too(app):
    try:
        raise ValueError("duplicate key (email)=(zhao.bo@example.com) phone 13800138000")
    except ValueError:
        logging.getLogger("summit.test.traceback").exception("saving failed")
    logscan._handler.flush()
    *_, line = [line for line in Path(logscan._handler.baseFilename).read_text(
        encoding="utf-8").splitlines() if line.startswith("summit.test.traceback")]
    assert "duplicate key (email)=([email]) phone [phone]" in line
    assert "zhao.bo" not in line and "Traceback" in line
