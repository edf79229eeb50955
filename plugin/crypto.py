"""Encryption of Strava tokens at rest.

Tokens grant write access to an athlete's Strava account, so a leaked database
must not leak them. Fernet gives authenticated encryption with a fresh random
IV per value. The key comes from `LIFTRUN_ENCRYPTION_KEY` when an operator
wants to rotate it independently, else it is derived from `SECRET_KEY` with
HKDF so that the eight documented settings are enough in production.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["TokenCipher", "InvalidToken"]


def derive_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"liftrun-coach", info=b"strava-token-encryption")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode("utf-8")))


class TokenCipher:
    def __init__(self, secret_key: str, encryption_key: str | None = None):
        key = encryption_key.encode("ascii") if encryption_key else derive_key(secret_key)
        self._fernet = Fernet(key)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
