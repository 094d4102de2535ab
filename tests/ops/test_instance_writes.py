"""Nothing a second app server needs may be written to one server's instance folder: every
place in summit/ that names the instance folder or writes a file is listed here with why it
may. A new one fails this test until it goes through services/core/storage.py (or is added
here with its reason)."""
from __future__ import annotations

import ast
from pathlib import Path

SUMMIT = Path(__file__).resolve().parents[2] / "summit"

WRITERS = {"write_bytes", "write_text", "write_private", "private_folder", "private_file",
           "mkdir", "makedirs", "touch", "link", "symlink_to", "copyfile", "copy", "rename"}

# module:function -> why it may write locally (or name the instance folder)
ALLOWED = {
    "summit/app.py:load_config": "owner-only instance folder and SQLite file (one node)",
    "summit/app.py:register_printing": "font cache: rebuilt from the system fonts on any node",
    "summit/services/core/private_files.py:private_folder": "the owner-only helpers",
    "summit/services/core/private_files.py:private_file": "the owner-only helpers",
    "summit/services/core/private_files.py:write_private": "the owner-only helpers",
    "summit/services/core/storage.py:LocalStorage.put": "the local storage backend",
    "summit/services/core/storage.py:LocalStorage.check": "the local storage backend",
    "summit/services/core/storage.py:build": "the local backend's default folder",
    "summit/services/core/storage.py:current": "follows the app's instance folder",
    "summit/services/core/mail.py:outbox_path": "development outbox (no MAIL_SERVER)",
    "summit/services/core/mail.py:send_email": "development outbox (no MAIL_SERVER)",
    "summit/services/core/fonts.py:ensure_fast_fonts": "font cache: derived, on any node",
    "summit/services/core/fonts.py:ensure_tibetan_cut": "font cache: derived, on any node",
    "summit/services/badges/keys.py:legacy_key_path": "reads keys older versions kept there",
    "summit/services/badges/render.py:png_preview": "a temporary folder, then deleted",
    # Issue 21's data key file: each node needs the same one (DATA_KEY in the environment
    # for several nodes); listed so that a new write still fails this test.
    "summit/sealing.py:install": "the ID-number data key file (or DATA_KEY)",
    "summit/sealing.py:write_key_file": "the ID-number data key file (or DATA_KEY)",
    "summit/services/ops/backup.py:*": "the backup archive the operator asked for",
    "summit/services/ops/metrics.py:*": "Prometheus multiprocess files (per node by design)",
    "summit/services/ops/migration_lock.py:*": "SQLite's migration lock, by its database",
}


def _writes_mode(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(isinstance(m, ast.Constant) and isinstance(m.value, str)
               and set(m.value) & set("wax+") for m in modes)


def _places() -> set[str]:
    found: set[str] = set()
    for path in sorted(SUMMIT.rglob("*.py")):
        module = path.relative_to(SUMMIT.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node: ast.AST, scope: str, module: str = module) -> None:
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = node.name if not scope or scope.startswith("<") else \
                    f"{scope}.{node.name}"
                for child in ast.iter_child_nodes(node):
                    visit(child, inner)
                return
            hit = False
            if isinstance(node, ast.Attribute) and node.attr == "instance_path":
                hit = True
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                # os.link makes a file; a service's link() (protocol.people.link) does not.
                receiver = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) \
                    else ""
                if name in WRITERS and not (name == "link" and receiver not in ("os", "")):
                    hit = True
                if name == "open" and _writes_mode(node):
                    hit = True
                if isinstance(func, ast.Attribute) and name in ("open", "replace") and \
                        getattr(func.value, "id", "") == "os":
                    hit = True
            if hit:
                found.add(f"{module}:{scope or '<module>'}")
            for child in ast.iter_child_nodes(node):
                visit(child, scope)

        visit(tree, "")
    return found


def _allowed(place: str) -> bool:
    module = place.split(":")[0]
    return place in ALLOWED or f"{module}:*" in ALLOWED


def test_nothing_new_writes_to_the_instance_folder():
    places = _places()
    new = sorted(place for place in places if not _allowed(place))
    assert new == [], ("These places write files or name the instance folder: store files "
                       "through services/core/storage.py, or list them here with a reason")
    # The list stays true: every named place still exists.
    stale = sorted(p for p in ALLOWED if not p.endswith(":*") and p not in places)
    assert stale == []
