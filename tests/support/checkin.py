"""Fixtures and helpers shared by the checkin tests (part of the tests' plugin): an approved
holder, the gate's API token, scanning over the API, and a printed badge as a phone
camera's video (browser tests)."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from summit.extensions import db
from summit.models import Registration, Summit, User
from summit.services.badges import issuing as badges
from tests.support import factories


def enrol(summit: Summit, name: str, email: str, approve_as: User | None = None
          ) -> Registration:
    return factories.make_registration(summit, name, email, approve_as=approve_as)


def token_of(registration: Registration) -> str:
    """The QR token of the registration's badge (made and committed when there is none)."""
    badge = badges.ensure_badge(registration)
    db.session.commit()
    return badges.token_for(badge)


def post(client, auth: dict, summit: Summit, **body):
    """A scan sent to the summit's check-in API."""
    return client.post(f"/api/v1/summits/{summit.slug}/checkins", json=body, headers=auth)


@pytest.fixture
def holder(event, organiser) -> Registration:
    """赵波 (zhaobo@example.com), a delegate the organiser approved."""
    return enrol(event, "赵波", "zhaobo@example.com", organiser)


@pytest.fixture
def auth(client, staff) -> dict:
    """The check-in staff's API token, as a header."""
    response = client.post("/api/v1/tokens",
                           json={"email": staff.email, "password": factories.PASSWORD})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


# What a phone camera delivers, as the scanner asks for.
FRAME = (1280, 720)


def badge_video(pdf: bytes, folder: Path) -> Path:
    """The badge's first page, centred on a white frame, as a 4:2:0 YUV4MPEG2 file."""
    (folder / "badge.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", str(folder / "badge.pdf"),
                    str(folder / "badge")], check=True)
    page = Image.open(folder / "badge.png").convert("RGB")
    page.thumbnail(FRAME)
    frame = Image.new("RGB", FRAME, "white")
    frame.paste(page, ((FRAME[0] - page.width) // 2, (FRAME[1] - page.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (FRAME[0] // 2, FRAME[1] // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    path = folder / "badge.y4m"
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            video.write(b"FRAME\n" + planes)
    return path
