"""Badge tokens: signed with Ed25519, verifiable offline with the public key alone."""
from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings, strategies as st

from summit.services.badges import tokens as bt

KEY = bt.Ed25519PrivateKey.generate()
OTHER = bt.Ed25519PrivateKey.generate()


def test_a_signed_token_verifies_with_only_the_public_key():
    ref = bt.new_badge_ref()
    token = bt.sign(KEY, ref, 3)

    claims = bt.verify(token, KEY.public_key())

    assert (claims.badge_ref, claims.version) == (ref, 3)
    assert claims.key_id == bt.key_id(KEY.public_key())
    assert len(token) < 110 and "=" not in token


def test_a_token_of_another_summit_is_refused():
    token = bt.sign(OTHER, bt.new_badge_ref(), 1)
    with pytest.raises(bt.InvalidToken, match="another key"):
        bt.verify(token, KEY.public_key())


def test_a_changed_version_breaks_the_signature():
    raw = bytearray(base64.urlsafe_b64decode(bt.sign(KEY, b"12345678", 1) + "=="))
    raw[14] ^= 1  # last byte of the version
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(bt.InvalidToken, match="bad signature"):
        bt.verify(forged, KEY.public_key())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=120).map(
    lambda b: base64.urlsafe_b64encode(b).decode())))
def test_random_input_is_never_accepted(text):
    with pytest.raises(bt.InvalidToken):
        bt.verify(text, KEY.public_key())

