"""Every action the code records in the audit log has a label in words
(services/core/audit_words), and the audit page shows the words: who did what to whom, a
before/after table of the changed fields, never the code, a table name or JSON."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from summit.extensions import db
from summit.models import UpdateKind
from summit.services.core import audit, audit_words
from summit.services.press import review as press_review
from tests.support import factories
from tests.support.pages import text

SUMMIT = Path(__file__).resolve().parents[2] / "summit"
LINKS = {"url_for", "external_url"}
ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
# What an f-string action can be: each family the code builds, with every value it takes.
FAMILIES = {
    r"press\.(.+)": [f"press.{d}" for d in press_review.TO],
    r"agreement\.update\.(.+)": [f"agreement.update.{k.value}" for k in UpdateKind],
}


def is_record(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr == "record"
            and isinstance(func.value, ast.Name) and func.value.id == "audit")


def endpoints(tree: ast.AST) -> set[str]:
    """Strings that are url_for endpoints, not actions."""
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) or getattr(node.func, "attr", "")) in LINKS
            and node.args and isinstance(node.args[0], ast.Constant)}


def recorded_actions() -> set[str]:
    """Every action name the code can record: literal ones, the values f-strings take, and,
    where the action is a parameter, every action-shaped string of the modules that define or
    call the function passing it on."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SUMMIT.rglob("*.py")}
    actions: set[str] = set()
    passing: set[str] = set()  # functions that hand their `action` parameter to record
    for tree in trees.values():
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for call in (n for n in ast.walk(function) if isinstance(n, ast.Call)):
                if not is_record(call):
                    continue
                action = call.args[1]
                if isinstance(action, ast.Constant):
                    actions.add(action.value)
                elif isinstance(action, ast.JoinedStr):
                    shape = "".join(re.escape(p.value) if isinstance(p, ast.Constant) else "(.+)"
                                    for p in action.values)
                    assert shape in FAMILIES, f"teach this test the values of {shape}"
                    actions.update(FAMILIES[shape])
                elif isinstance(action, ast.Name):
                    passing.add(function.name)
                else:  # a choice between literals ("a" if new else "b")
                    actions.update(n.value for n in ast.walk(action)
                                   if isinstance(n, ast.Constant) and isinstance(n.value, str))
    assert {"_transition", "set_status", "_set_account_flag"} <= passing
    for tree in trees.values():
        names = {getattr(n.func, "id", getattr(n.func, "attr", None))
                 for n in ast.walk(tree) if isinstance(n, ast.Call)}
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if passing & (names | defined):
            skip = endpoints(tree)
            actions.update(n.value for n in ast.walk(tree)
                           if isinstance(n, ast.Constant) and isinstance(n.value, str)
                           and ACTION.match(n.value) and n.value not in skip
                           and n.value.split(".")[0] in {a.split(".")[0] for a in actions})
    return actions


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()

    assert {"press.submit", "checkin.manual", "registration.approve", "booking.offer",
            "press.needs_info", "agreement.update.funds", "user.set_active"} <= actions
    missing = sorted(actions - set(audit_words.ACTION_LABELS))
    assert not missing, f"audit actions without words in audit_labels.ACTION_LABELS: {missing}"
    assert not set(audit_words.ACTION_LABELS) - actions, "labels for actions nobody records"


def test_the_audit_page_says_who_did_what_to_whom_in_words(client, login, event, organiser):
    factories.make_registration(event, "赵波", "zhaobo@example.com", approve_as=organiser)
    login(organiser.email)

    page = text(client.get(f"/summits/{event.slug}/audit?object_type=registrations",
                           headers={"Accept-Language": "zh-CN"}))

    visible = re.sub(r'data-action="[^"]*"|<[^>]+>', " ", page)
    assert "报名已通过" in visible and "报名 赵波" in visible
    assert re.search(r"<th scope=\"row\">状态</th><td>待审核</td><td>已通过</td>", page)
    assert "registration.approve" not in visible and "registrations" not in visible
    assert "{" not in visible.split("审计日志", 1)[1]  # no JSON
    assert '<option value="registrations" selected>报名</option>' in page


def test_every_audited_field_has_a_label():
    fields: set[str] = set()
    for path in SUMMIT.joinpath("services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and any(
                    isinstance(t, ast.Name) and re.search(r"(FIELDS|AUDITED)$", t.id)
                    for t in node.targets):
                fields.update(e.value for e in node.value.elts if isinstance(e, ast.Constant))
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "snapshot" \
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Tuple):
                fields.update(e.value for e in node.args[1].elts)
            elif isinstance(node, ast.Call) and is_record(node):
                for keyword in node.keywords:
                    if keyword.arg in ("before", "after") and isinstance(keyword.value, ast.Dict):
                        fields.update(k.value for k in keyword.value.keys
                                      if isinstance(k, ast.Constant))
    labelled = set(audit_words.FIELD_LABELS).union(*audit_words.KIND_FIELD_LABELS.values())
    assert {"status", "funds_in_place", "name_pinyin", "title_zh"} <= fields
    missing = sorted(fields - labelled)
    assert not missing, " ".join(missing)


def test_an_id_of_another_object_reads_as_its_name(client, login, event, organiser):
    registration = factories.make_registration(event, "赵波", "zhaobo2@example.com")
    guest = factories.make_category(event, "vip-guest", "特邀嘉宾")
    audit.record(organiser, "registration.update", registration, summit=event,
                 before={"category_id": registration.category_id},
                 after={"category_id": guest.id})
    db.session.commit()
    login(organiser.email)

    page = text(client.get(f"/summits/{event.slug}/audit?object_type=registrations",
                           headers={"Accept-Language": "zh-CN"}))

    row = re.search(r"<th scope=\"row\">类别</th><td>([^<]*)</td><td>([^<]*)</td>", page)
    assert row is not None and row.group(2) == "特邀嘉宾"
    assert row.group(1) == registration.category.label_zh
