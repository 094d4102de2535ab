"""The summit and the people the tests act on, each defined once. A test module that needs
a variant of its own names it for what differs (``full_salon``, ``colleague``)."""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask_babel import force_locale

from summit.models import Role, Summit, User
from tests.support import factories


@pytest.fixture
def english(app) -> Iterator[None]:
    """Messages in English outside a request (where the default is zh_Hans), so they can be
    compared as the code writes them. A module asks for it with
    ``pytestmark = pytest.mark.usefixtures("english")``."""
    with force_locale("en"):
        yield


@pytest.fixture
def summit(app) -> Summit:
    return factories.make_summit("kangding-test")


@pytest.fixture
def as_role(app, login, summit) -> Callable[[str | None], User | None]:
    """Log in as a fresh user holding `role` at `summit` ('admin', 'user' for no role, or
    None for anonymous)."""
    def do(role: str | None) -> User | None:
        if role is None:
            return None
        user = factories.make_user(f"{role}@example.com", admin=role == "admin")
        if role not in ("admin", "user"):
            factories.grant(user, summit, Role(role))
        login(user.email)
        return user

    return do


@pytest.fixture
def event(summit) -> Summit:
    """The test summit with a main hall and three categories: delegates (main hall) and
    experts register openly, guests only by invitation."""
    main = factories.make_zone(summit, "MAIN", "主会场")
    factories.make_category(summit, "delegate", "代表", zones=[main])
    factories.make_category(summit, "expert", "专家")
    factories.make_category(summit, "guest", "嘉宾", public=False)
    return summit


@pytest.fixture
def admin(app) -> User:
    return factories.make_user("admin@example.com", admin=True)


@pytest.fixture
def organiser(summit) -> User:
    return factories.make_member(summit, Role.ORGANISER, "organiser@example.com")


@pytest.fixture
def staff(summit) -> User:
    """Check-in staff at the test summit's gates."""
    return factories.make_member(summit, Role.CHECKIN_STAFF, "gate@example.com", name="签到员")


@pytest.fixture
def media_officer(summit) -> User:
    return factories.make_member(summit, Role.MEDIA_OFFICER, "officer@example.com")


@pytest.fixture
def agreements_officer(summit) -> User:
    return factories.make_member(summit, Role.AGREEMENTS_OFFICER, "officer@example.com")


@pytest.fixture
def sign_in(client, login) -> Callable[[str], None]:
    """Log in as an existing user and clear the welcome message."""
    def do(email: str) -> None:
        login(email)
        client.get("/")  # shows (and so clears) the welcome message

    return do


@pytest.fixture
def signed_in_organiser(organiser: User, sign_in) -> User:
    """The organiser of the test summit, logged in on `client`, the welcome message already
    shown (and so cleared)."""
    sign_in(organiser.email)
    return organiser


@pytest.fixture
def colleague(event: Summit) -> User:
    """A second organiser (staff@example.com), who acts through the services while the client
    is someone else."""
    return factories.make_member(event, Role.ORGANISER, "staff@example.com")
