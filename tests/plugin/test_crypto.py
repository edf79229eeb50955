import pytest
from cryptography.fernet import Fernet

from plugin.crypto import InvalidToken, TokenCipher


def test_round_trip_with_a_fresh_nonce_per_value():
    cipher = TokenCipher("secret")
    first, second = cipher.encrypt("token-123"), cipher.encrypt("token-123")
    assert first != second
    assert "token-123" not in first
    assert cipher.decrypt(first) == cipher.decrypt(second) == "token-123"


def test_other_secret_cannot_decrypt():
    with pytest.raises(InvalidToken):
        TokenCipher("other").decrypt(TokenCipher("secret").encrypt("token"))


def test_separate_encryption_key_wins_over_secret_key():
    key = Fernet.generate_key().decode()
    encrypted = TokenCipher("secret", key).encrypt("token")
    assert TokenCipher("different secret", key).decrypt(encrypted) == "token"
    with pytest.raises(InvalidToken):
        TokenCipher("secret").decrypt(encrypted)
