"""Deterministic identifiers: seeds, onion v3 host names, Bitcoin addresses and session ids.

All of them are derived from hashes of the world seed and a label, so they are stable for a seed
and differ between seeds. The onion names and addresses are syntactically valid (correct
checksums) but belong to nobody: the public keys and key hashes are hash outputs.
"""

from __future__ import annotations

import base64
import hashlib

_MASK64 = (1 << 64) - 1
_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def derive_seed(seed: int, *labels: object) -> int:
    """Return a 64-bit seed derived from ``seed`` and labels (stable across runs and Pythons)."""
    text = ":".join([str(seed), *(str(label) for label in labels)])
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def mix64(a: int, b: int) -> int:
    """Mix two integers into a well-spread 64-bit value (splitmix64 finaliser); fast and pure."""
    z = (a * 0x9E3779B97F4A7C15 + b + 0x632BE59BD9B4E019) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def onion_v3_host(seed: int, label: str) -> str:
    """Return a syntactically valid v3 onion host name (56 base32 chars + ``.onion``).

    Follows rend-spec-v3: ``base32(PUBKEY | CHECKSUM | VERSION)`` where
    ``CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2]`` and ``VERSION = 3``.
    """
    pubkey = hashlib.sha256(f"forumwatch-sim-onion:{seed}:{label}".encode()).digest()
    version = b"\x03"
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]
    return base64.b32encode(pubkey + checksum + version).decode("ascii").lower() + ".onion"


def is_valid_onion_v3(host: str) -> bool:
    """Check the length, version and checksum of a v3 onion host name."""
    name = host.lower().removesuffix(".onion")
    if len(name) != 56:
        return False
    try:
        raw = base64.b32decode(name.upper())
    except ValueError:
        return False
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    expected = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()[:2]
    return version == b"\x03" and checksum == expected


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, remainder = divmod(number, 58)
        out.append(_B58_ALPHABET[remainder])
    leading = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading + "".join(reversed(out))


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58_ALPHABET.index(char)
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * leading + body


def bitcoin_p2pkh_address(seed: int, label: str) -> str:
    """Return a base58check P2PKH address (version 0) whose key hash is derived from a hash."""
    payload = b"\x00" + hashlib.sha256(f"forumwatch-sim-btc:{seed}:{label}".encode()).digest()[:20]
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return _b58encode(payload + checksum)


def is_valid_base58check(address: str) -> bool:
    """Check the base58check checksum of a legacy Bitcoin address."""
    try:
        raw = _b58decode(address)
    except ValueError:
        return False
    if len(raw) != 25:
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def _bech32_polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for index in range(5):
            checksum ^= generator[index] if ((top >> index) & 1) else 0
    return checksum


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(char) >> 5 for char in hrp] + [0] + [ord(char) & 31 for char in hrp]


def _convert_bits(data: bytes, from_bits: int, to_bits: int) -> list[int]:
    accumulator = 0
    bits = 0
    out = []
    max_value = (1 << to_bits) - 1
    for byte in data:
        accumulator = (accumulator << from_bits) | byte
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & max_value)
    if bits:
        out.append((accumulator << (to_bits - bits)) & max_value)
    return out


def bitcoin_bech32_address(seed: int, label: str) -> str:
    """Return a BIP-173 P2WPKH address (``bc1q...``) whose program is derived from a hash."""
    program = hashlib.sha256(f"forumwatch-sim-bech32:{seed}:{label}".encode()).digest()[:20]
    data = [0, *_convert_bits(program, 8, 5)]
    polymod = _bech32_polymod([*_bech32_hrp_expand("bc"), *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - index)) & 31 for index in range(6)]
    return "bc1" + "".join(_BECH32_CHARSET[value] for value in data + checksum)


def is_valid_bech32(address: str) -> bool:
    """Check the BIP-173 checksum of a ``bc1`` address."""
    hrp, _, rest = address.lower().rpartition("1")
    if hrp != "bc" or len(rest) < 7 or any(char not in _BECH32_CHARSET for char in rest):
        return False
    values = [_BECH32_CHARSET.index(char) for char in rest]
    return _bech32_polymod(_bech32_hrp_expand(hrp) + values) == 1


def session_id(seed: int, *labels: object) -> str:
    """Return a 32-hex-digit phpBB-style session id derived from the seed and labels."""
    text = ":".join([str(seed), *(str(label) for label in labels)])
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def short_token(seed: int, label: str, length: int) -> str:
    """Return ``length`` lowercase base32 characters derived from the seed and a label."""
    digest = hashlib.sha256(f"forumwatch-sim-token:{seed}:{label}".encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:length]
