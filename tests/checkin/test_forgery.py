"""Mutated and forged badge tokens are all refused: 10,000 against the verifier itself (what
the server and, with the same rules, the offline scanner check), a few hundred over HTTP."""
from __future__ import annotations

import base64
import random
import struct
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from summit.extensions import db
from summit.models import CheckIn, Role
from summit.services.badges import issuing as badges, tokens as badge_tokens
from tests.support import factories

KEY = Ed25519PrivateKey.generate()
OTHER_KEY = Ed25519PrivateKey.generate()
REF = bytes.fromhex("0123456789abcdef")
VERSION = 3
GENUINE = badge_tokens.sign(KEY, REF, VERSION)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def header(key: Ed25519PrivateKey, ref: bytes = REF, version: int = VERSION,
           form: int = 1) -> bytes:
    return struct.pack(">B4s8sH", form, badge_tokens.key_id(key.public_key()), ref, version)


# Ten thousand tokens drawn with a seeded generator: as varied as Hypothesis would draw them
# and a hundred times faster (the verifier, not the drawing, is what is tested here).
RAW = base64.urlsafe_b64decode(GENUINE + "==")


def changed_character(rng: random.Random) -> str:
    at = rng.randrange(len(GENUINE))
    char = rng.choice([c for c in ALPHABET + "=+/. !é赵\x00" if c != GENUINE[at]])
    return GENUINE[:at] + char + GENUINE[at + 1:]


def flipped_bits(rng: random.Random) -> str:
    raw = bytearray(RAW)
    for at in rng.sample(range(len(raw)), rng.randint(1, 4)):
        raw[at] ^= rng.randint(1, 255)
    return encode(bytes(raw))


def cut_or_extended(rng: random.Random) -> str:
    extra = "".join(rng.choices(ALPHABET + "=", k=rng.randint(1, 8)))
    return rng.choice([GENUINE[:rng.randrange(len(GENUINE))], GENUINE + extra,
                       extra.replace("=", "A") + GENUINE])


def forged(rng: random.Random) -> str:
    """Right layout, made without the summit's private key."""
    ref = rng.choice([REF, rng.randbytes(8)])
    version = rng.randint(0, 65535)
    kind = rng.choice(["random signature", "other key", "other key named as ours",
                       "replayed signature"])
    if kind == "random signature":
        return encode(header(KEY, ref, version) + rng.randbytes(64))
    if kind == "other key":
        signed = header(OTHER_KEY, ref, version)
        return encode(signed + OTHER_KEY.sign(signed))
    if kind == "other key named as ours":
        signed = header(KEY, ref, version)
        return encode(signed + OTHER_KEY.sign(signed))
    # The genuine signature on another badge or version.
    if (ref, version) == (REF, VERSION):
        version = (VERSION + 1) % 65536
    return encode(header(KEY, ref, version) + RAW[15:])


def any_text(rng: random.Random) -> str:
    return "".join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0x80, 0xd7ff),
                                   rng.randint(0xe000, 0x10ffff)]))
                   for _ in range(rng.randint(0, 220)))


def any_bytes(rng: random.Random) -> str:
    return encode(rng.randbytes(rng.randint(0, 120)))


FAMILIES = (changed_character, flipped_bits, cut_or_extended, forged, any_text, any_bytes)


def test_the_genuine_token_verifies():
    assert badge_tokens.verify(GENUINE, KEY.public_key()) == badge_tokens.TokenClaims(
        badge_tokens.key_id(KEY.public_key()), REF, VERSION)


def test_ten_thousand_mutated_or_forged_tokens_are_refused():
    rng = random.Random(20170803)
    tokens = [FAMILIES[n % len(FAMILIES)](rng) for n in range(10_000)]
    assert len(set(tokens)) > 9_000  # varied, not one token ten thousand times
    accepted = []
    for token in tokens:
        if token == GENUINE:
            continue
        try:
            badge_tokens.verify(token, KEY.public_key())
        except badge_tokens.InvalidToken:
            continue
        accepted.append(token)
    assert not accepted


# --- over HTTP, against a real badge -------------------------------------------------------

@pytest.fixture
def genuine(summit):
    organiser = factories.make_member(summit, Role.ORGANISER, "organiser@example.com")
    factories.make_category(summit, "delegate", "代表")
    holder = factories.make_registration(summit, "赵波", "zhaobo@example.com",
                                         approve_as=organiser)
    badge = badges.ensure_badge(holder)
    db.session.commit()
    return badges.token_for(badge)


def mutations_of(token: str) -> st.SearchStrategy[str]:
    raw = base64.urlsafe_b64decode(token + "==")

    def flip(change: tuple[int, int]) -> str:
        copy = bytearray(raw)
        copy[change[0]] ^= change[1]
        return encode(bytes(copy))

    return st.one_of(
        st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)).map(flip),
        st.binary(min_size=64, max_size=64).map(lambda sig: encode(raw[:15] + sig)),
        st.integers(1, len(token) - 1).map(lambda n: token[:n]))


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_tokens_of_a_real_badge_are_refused_over_http(client, summit, genuine, auth,
                                                              data):
    token = data.draw(mutations_of(genuine))
    assume(token != genuine)

    response = client.post(f"/api/v1/summits/{summit.slug}/checkins", headers=auth,
                           json={"token": token, "gate": "东门", "scan_id": uuid.uuid4().hex})

    assert response.status_code == 200
    assert response.get_json()["result"] == "invalid"
    assert db.session.query(CheckIn).filter_by(result="ok").count() == 0
