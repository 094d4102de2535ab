"""Signed badge tokens (Ed25519): what a badge's QR code holds.

A token carries no personal data and no row id: a key id for the summit, the badge's random
public reference and the badge's version, signed with the summit's private key. Anyone holding
only the public key can verify a token offline; the server also checks revocation and version.

Layout before base64url: 1 byte format (1) | 4 bytes key id | 8 bytes badge reference |
2 bytes version | 64 bytes signature over the first 15 bytes.
"""
from __future__ import annotations

import base64
import hashlib
import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

FORMAT = 1
_HEADER = struct.Struct(">B4s8sH")
SIGNATURE_LENGTH = 64


class InvalidToken(ValueError):
    """Not a token, damaged, or not signed by the key it names."""


@dataclass(frozen=True)
class TokenClaims:
    key_id: bytes
    badge_ref: bytes
    version: int


def key_id(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:4]


def new_badge_ref() -> bytes:
    return os.urandom(8)


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """Base64url of the raw 32-byte key, as offline scanners receive it."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def sign(private_key: Ed25519PrivateKey, badge_ref: bytes, version: int) -> str:
    if len(badge_ref) != 8 or not 0 <= version < 65536:
        raise ValueError("badge_ref must be 8 bytes and version fit in 16 bits")
    header = _HEADER.pack(FORMAT, key_id(private_key.public_key()), badge_ref, version)
    signature = private_key.sign(header)
    return base64.urlsafe_b64encode(header + signature).rstrip(b"=").decode()


def digest(token: str) -> str:
    """SHA-256 (hex) of a token as scanned: what ``badges.token_digest`` holds."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def decode(token: str) -> tuple[TokenClaims, bytes, bytes]:
    """Claims, signed bytes and signature, without checking the signature."""
    if not isinstance(token, str) or not 0 < len(token) <= 200:
        raise InvalidToken("wrong length")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise InvalidToken("not base64url") from None
    if len(raw) != _HEADER.size + SIGNATURE_LENGTH:
        raise InvalidToken("wrong length")
    # One spelling per token: the decoder skips stray characters and spare bits, which would
    # let altered strings pass as the badge's token.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != token:
        raise InvalidToken("not the canonical spelling")
    header, signature = raw[:_HEADER.size], raw[_HEADER.size:]
    form, kid, badge_ref, version = _HEADER.unpack(header)
    if form != FORMAT:
        raise InvalidToken("unknown format")
    return TokenClaims(kid, badge_ref, version), header, signature


def verify(token: str, public_key: Ed25519PublicKey) -> TokenClaims:
    """Check a token with nothing but the summit's public key."""
    claims, header, signature = decode(token)
    if claims.key_id != key_id(public_key):
        raise InvalidToken("signed with another key")
    try:
        public_key.verify(signature, header)
    except InvalidSignature:
        raise InvalidToken("bad signature") from None
    return claims
