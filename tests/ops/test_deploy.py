"""The files in deploy/ are the ones the README installs, and they agree with the app: the
upload limit, the commands the units run, the site's markers. (nginx and gunicorn run them
in test_two_nodes.py.)"""
from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from summit.config import Defaults
from tests.support import nodes
from tests.support.nodes import DEPLOY, render_site

ROOT = DEPLOY.parent


def deploy_files() -> set[str]:
    return {str(p.relative_to(ROOT)) for p in DEPLOY.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment]
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_the_readme_installs_exactly_the_files_in_deploy():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Deploying"):readme.index("## Where things live")]
    named = set(re.findall(r"deploy/[\w./-]+[\w]", section))
    named |= {f"deploy/systemd/summit-expire-offers{end}" for end in (".service", ".timer")}
    named = {n for n in named if (ROOT / n).is_file()}
    assert named == deploy_files()


def test_nginx_takes_the_uploads_the_app_takes():
    site = render_site(["127.0.0.1:8000"], "/srv/summit/summit/static", "/c.pem", "/c.key",
                       "443", "80")
    limits = re.findall(r"^    client_max_body_size (\d+)m;", site, re.M)
    assert [int(limit) * 1024 * 1024 for limit in limits] == [Defaults.MAX_CONTENT_LENGTH]
    assert "@" not in re.sub(r"#.*", "", site)  # every marker filled
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-ID"):
        assert f"proxy_set_header {header} " in site


def test_an_unknown_marker_is_refused(tmp_path):
    site = tmp_path / "site.conf"
    site.write_text("server { listen @PORTT@; }")
    module = nodes.site_renderer()
    with pytest.raises(ValueError, match="@PORTT@"):
        module.render(["a:1"], "x", "/s", "/c", "/k", site=site)


@pytest.mark.sqlite_only  # the app's commands, the same on either database
@pytest.mark.parametrize("name", ["summit.service", "summit-worker.service",
                                  "summit-expire-offers.service"])
def test_every_unit_runs_a_command_the_app_has(app, name):
    service = unit(name)["Service"]
    commands = [service["ExecStart"]] + ([service["ExecStartPre"]]
                                         if "ExecStartPre" in service else [])
    for command in commands:
        words = shlex.split(command)
        if words[0].endswith("/flask"):
            path = [w for w in words[1:] if not w.startswith("-") and w != "summit"]
            group = app.cli.get_command(None, path[0]) if path[0] != "db" else None
            if group is not None and len(path) > 1:
                assert group.get_command(None, path[1]) is not None, command
            elif path[0] != "db":
                assert group is not None, command
        else:
            assert words[0].endswith("/gunicorn") and words[-1].endswith(
                "deploy/gunicorn.conf.py")
    assert service["EnvironmentFile"] == "/etc/summit/summit.env"


def test_the_app_unit_gives_prometheus_a_folder_and_the_timer_runs_every_ten_minutes():
    service = unit("summit.service")["Service"]
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/summit-app/metrics"
    assert service["RuntimeDirectory"] == "summit-app"
    timer = unit("summit-expire-offers.timer")["Timer"]
    assert timer["OnCalendar"] == "*:0/10"
    conf = Path(DEPLOY / "gunicorn.conf.py").read_text()
    assert "def child_exit" in conf and "mark_process_dead" in conf
