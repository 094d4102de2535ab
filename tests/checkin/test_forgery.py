"""Mutated and forged badge tokens are all refused: 10,000 against the verifier itself (what
the server and, with the same rules, the offline scanner check), a few hundred over HTTP."""
from __future__ import annotations

import base64
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


@st.composite
def changed_character(draw) -> str:
    at = draw(st.integers(0, len(GENUINE) - 1))
    char = draw(st.sampled_from(ALPHABET + "=+/. !é赵\x00"))
    assume(char != GENUINE[at])
    return GENUINE[:at] + char + GENUINE[at + 1:]


@st.composite
def flipped_bits(draw) -> str:
    raw = bytearray(base64.urlsafe_b64decode(GENUINE + "=="))
    for at, mask in draw(st.lists(st.tuples(st.integers(0, len(raw) - 1), st.integers(1, 255)),
                                  min_size=1, max_size=4, unique_by=lambda x: x[0])):
        raw[at] ^= mask
    return encode(bytes(raw))


def cut_or_extended() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, len(GENUINE) - 1).map(lambda n: GENUINE[:n]),
        st.text(ALPHABET + "=", min_size=1, max_size=8).map(lambda extra: GENUINE + extra),
        st.text(ALPHABET, min_size=1, max_size=8).map(lambda extra: extra + GENUINE))


@st.composite
def forged(draw) -> str:
    """Right layout, made without the summit's private key."""
    ref = draw(st.one_of(st.just(REF), st.binary(min_size=8, max_size=8)))
    version = draw(st.integers(0, 65535))
    kind = draw(st.sampled_from(["random signature", "other key", "other key named as ours",
                                 "replayed signature"]))
    if kind == "random signature":
        return encode(header(KEY, ref, version) + draw(st.binary(min_size=64, max_size=64)))
    if kind == "other key":
        signed = header(OTHER_KEY, ref, version)
        return encode(signed + OTHER_KEY.sign(signed))
    if kind == "other key named as ours":
        signed = header(KEY, ref, version)
        return encode(signed + OTHER_KEY.sign(signed))
    # The genuine signature on another badge or version.
    assume((ref, version) != (REF, VERSION))
    return encode(header(KEY, ref, version) + base64.urlsafe_b64decode(GENUINE + "==")[15:])


TOKENS = st.one_of(changed_character(), flipped_bits(), cut_or_extended(), forged(),
                   st.text(max_size=220), st.binary(max_size=120).map(encode))


def test_the_genuine_token_verifies():
    assert badge_tokens.verify(GENUINE, KEY.public_key()) == badge_tokens.TokenClaims(
        badge_tokens.key_id(KEY.public_key()), REF, VERSION)


@settings(max_examples=10_000, deadline=None, database=None)
@given(token=TOKENS)
def test_ten_thousand_mutated_or_forged_tokens_are_refused(token):
    assume(token != GENUINE)

    with pytest.raises(badge_tokens.InvalidToken):
        badge_tokens.verify(token, KEY.public_key())


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
