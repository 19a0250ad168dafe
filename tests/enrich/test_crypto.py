"""Crypto: addresses validated by checksum, amounts with their currency.

The addresses are public test vectors (BIP 173/350, EIP-55) and well-known donation or
genesis addresses; altering one character must make each of them invalid.
"""

from __future__ import annotations

import pytest

from forumwatch.enrich.crypto import find_crypto, normalise_number
from forumwatch.enrich.keccak import keccak256
from forumwatch.enrich.tokens import TextView

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
P2SH = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
SEGWIT = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
MONERO = (  # the Monero project's general fund (a public donation address)
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3Xjrp"
    "DtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
)
ETHEREUM = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def flip(address: str, index: int = -2) -> str:
    """The address with one character changed to another of its alphabet."""
    char = address[index]
    replacement = "2" if char != "2" else "3"
    if address.startswith("0x"):
        replacement = "b" if char.lower() != "b" else "c"
    return address[:index] + replacement + address[index + 1 :] if index != -1 else address


def found(text: str) -> list[tuple[str, str, str]]:
    return [(a.kind, a.value, a.detail) for a in find_crypto(TextView.of(text))]


ADDRESS_CASES = [
    (f"donate {GENESIS} thanks", [("crypto", "BTC", GENESIS)]),
    (f"p2sh {P2SH}.", [("crypto", "BTC", P2SH)]),
    (f"segwit {SEGWIT.upper()} or {SEGWIT}", [("crypto", "BTC", SEGWIT)]),
    (f"taproot {TAPROOT}", [("crypto", "BTC", TAPROOT)]),
    (f"xmr: {MONERO}", [("crypto", "XMR", MONERO)]),
    (f"eth {ETHEREUM}", [("crypto", "ETH", ETHEREUM)]),
    (f"eth lower {ETHEREUM.lower()}", [("crypto", "ETH", ETHEREUM.lower())]),
    # one character off: a checksum failure, so not an address
    (f"typo {flip(GENESIS)}", []),
    (f"typo {flip(P2SH)}", []),
    (f"typo {flip(SEGWIT)}", []),
    (f"typo {flip(TAPROOT)}", []),
    (f"typo {flip(MONERO)}", []),
    (f"bad case {ETHEREUM[:-1] + 'D'}", []),  # EIP-55 checksum broken by one letter's case
    ("mixed case bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", []),
    # look-alikes that are not addresses at all
    ("order id 1111111111111111111111111111111111 shipped", []),
    ("hash 0x" + "g" * 40, []),
]


@pytest.mark.parametrize(("text", "expected"), ADDRESS_CASES)
def test_addresses(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


AMOUNT_CASES = [
    ("even 0.003 BTC helps", ("BTC", "0.003 BTC")),
    ("schon 0,0015 btc helfen", ("BTC", "0.0015 BTC")),  # decimal comma
    ("BTC 0.5 for the server", ("BTC", "0.5 BTC")),
    ("only 1,500 sats", ("BTC", "1500 sat")),  # thousands separator
    ("tip ₿0.01", ("BTC", "0.01 BTC")),
    ("pay 50 USD in XMR", ("XMR", "50 USD")),
    ("$20 in bitcoin", ("BTC", "20 USD")),
    ("10 € in Monero", ("XMR", "10 EUR")),
    ("Отправил 0.003 BTC на адрес", ("BTC", "0.003 BTC")),
    ("2 биткоина", ("BTC", "2 BTC")),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNT_CASES)
def test_amounts(text: str, expected: tuple[str, str]) -> None:
    assert found(text) == [("amount", *expected)]


@pytest.mark.parametrize(
    "text",
    ["version 1.5 on Saturday", "we sat down at 3", "BTC prices are up", f"xmr {MONERO}"],
)
def test_no_amount_without_a_number_next_to_a_coin(text: str) -> None:
    assert [item for item in found(text) if item[0] == "amount"] == []


@pytest.mark.parametrize(
    ("raw", "number"),
    [("0,003", "0.003"), ("1,500", "1500"), ("1 500", "1500"), ("1.234,5", "1234.5"), ("12", "12")],
)
def test_number_normalisation(raw: str, number: str) -> None:
    assert normalise_number(raw) == number


def test_keccak256_known_digests() -> None:
    # Keccak-256 (Ethereum's), not SHA3-256: the empty string's digests differ.
    assert keccak256(b"").hex().startswith("c5d2460186f7233c927e7db2dcc703c0")
    assert keccak256(b"abc").hex().startswith("4e03657aea45a94fc7d47ba826c8d667")
