"""Cryptocurrency addresses (checksum-validated) and amounts with their currency.

Addresses: Bitcoin legacy and P2SH (base58check: double SHA-256), SegWit v0 (bech32) and
Taproot and later (bech32m), Monero standard, sub- and integrated addresses (Monero's block
base58 with a Keccak-256 checksum), Ethereum (EIP-55 mixed-case checksum; an all-lower or
all-upper address carries none and is accepted as written). A string that looks like an address
but fails its checksum is not one: typos and made-up strings are not counted.

Amounts: "0.003 BTC", "0,003 btc", "BTC 0.5", "1500 sats", "₿0.01", and fiat paid in a coin,
"50 USD in XMR" or "$20 in bitcoin" (value the coin, detail "50 USD").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from forumwatch.enrich.keccak import keccak256
from forumwatch.enrich.tokens import TextView
from forumwatch.models import Annotation

CRYPTO = "crypto"
AMOUNT = "amount"

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: index for index, char in enumerate(_BECH32)}
_BECH32M_CONSTANT = 0x2BC830A3
_MONERO_BLOCK_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_MONERO_PREFIXES = {18: "standard", 19: "integrated", 42: "subaddress"}

_BASE58_ADDRESS = re.compile(r"(?<![0-9A-Za-z])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![0-9A-Za-z])")
_BECH32_ADDRESS = re.compile(r"(?<![0-9A-Za-z])(?:bc1|BC1)[0-9A-Za-z]{8,87}(?![0-9A-Za-z])")
_MONERO_ADDRESS = re.compile(
    r"(?<![0-9A-Za-z])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![0-9A-Za-z])"
)
_ETHEREUM_ADDRESS = re.compile(r"(?<![0-9A-Za-z])0x[0-9a-fA-F]{40}(?![0-9A-Za-z])")

_COIN_WORDS = frozenset({
    "btc", "xbt", "mbtc", "sats", "satoshi", "satoshis", "bitcoin", "bitcoins", "xmr", "monero",
    "eth", "ether", "ethereum", "ltc", "litecoin", "litecoins", "usdt",
})  # fmt: skip
# Amounts are looked for only in posts with a coin word, or a few substrings ("0.1btc").
_NUMBER = r"(?<![\w.,])(?:\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\w])"
_COIN = (
    r"m?btc|xbt|sats?|satoshis?|bitcoins?|xmr|monero|eth|ether|ethereum|ltc|litecoins?|usdt"
    r"|биткоин\w*|биткойн\w*"
)
_FIAT = r"usd|eur|gbp|dollars?|euros?|\$|€|£|долларов|доллара|евро|рублей"
_AMOUNT = re.compile(
    rf"(?:(?P<fiat_symbol>[$€£])\s?(?P<fiat_number_a>{_NUMBER})"
    rf"|(?P<fiat_number_b>{_NUMBER})\s?(?P<fiat>{_FIAT}))"
    rf"\s+(?:in|worth of|of|in form of|en|в|на)\s+(?P<fiat_coin>{_COIN})\b"
    rf"|(?P<number>{_NUMBER})\s?(?P<coin>{_COIN})\b"
    rf"|(?P<coin_first>btc|xmr|eth|₿)\s?(?P<number_after>{_NUMBER})",
    re.IGNORECASE,
)
_COIN_CODES = {
    "btc": "BTC", "xbt": "BTC", "mbtc": "BTC", "sat": "BTC", "sats": "BTC", "satoshi": "BTC",
    "satoshis": "BTC", "bitcoin": "BTC", "bitcoins": "BTC", "₿": "BTC", "xmr": "XMR",
    "monero": "XMR", "eth": "ETH", "ether": "ETH", "ethereum": "ETH", "ltc": "LTC",
    "litecoin": "LTC", "litecoins": "LTC", "usdt": "USDT",
}  # fmt: skip
_UNITS = {"mbtc": "mBTC", "sat": "sat", "sats": "sat", "satoshi": "sat", "satoshis": "sat"}
_FIAT_CODES = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "долларов": "USD",
    "доллара": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "евро": "EUR",
    "£": "GBP", "gbp": "GBP", "рублей": "RUB",
}  # fmt: skip


def _b58decode(text: str) -> bytes | None:
    number = 0
    for char in text:
        value = _B58_INDEX.get(char)
        if value is None:
            return None
        number = number * 58 + value
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * (len(text) - len(text.lstrip("1"))) + body


def is_base58check_address(address: str) -> bool:
    """A Bitcoin P2PKH ("1...") or P2SH ("3...") address with a valid checksum."""
    raw = _b58decode(address)
    if raw is None or len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for index in range(5):
            checksum ^= generator[index] if (top >> index) & 1 else 0
    return checksum


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    accumulator = bits = 0
    out: list[int] = []
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & ((1 << to_bits) - 1))
    if bits >= from_bits or (accumulator << (to_bits - bits)) & ((1 << to_bits) - 1):
        return None
    return out


def is_segwit_address(address: str) -> bool:
    """A Bitcoin mainnet SegWit address: bech32 for v0, bech32m for v1+ (BIP 173/350)."""
    if address.lower() != address and address.upper() != address:
        return False  # mixed case is invalid in bech32
    address = address.lower()
    hrp, _, data_part = address.rpartition("1")
    if hrp != "bc" or len(data_part) < 7 or len(address) > 90:
        return False
    data = [_BECH32_INDEX.get(char, -1) for char in data_part]
    if -1 in data:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    constant = _bech32_polymod(expanded + data)
    version = data[0]
    if version > 16 or constant != (1 if version == 0 else _BECH32M_CONSTANT):
        return False
    program = _convert_bits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return False
    return version != 0 or len(program) in (20, 32)


def _monero_decode(address: str) -> bytes | None:
    out = bytearray()
    for start in range(0, len(address), 11):
        block = address[start : start + 11]
        try:
            size = _MONERO_BLOCK_SIZES.index(len(block))
        except ValueError:
            return None
        number = 0
        for char in block:
            value = _B58_INDEX.get(char)
            if value is None:
                return None
            number = number * 58 + value
        if number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def is_monero_address(address: str) -> bool:
    """A Monero mainnet standard, integrated or subaddress with a valid Keccak checksum."""
    raw = _monero_decode(address)
    if raw is None or len(raw) not in (69, 77) or raw[0] not in _MONERO_PREFIXES:
        return False
    if (raw[0] == 19) != (len(raw) == 77):
        return False
    return keccak256(raw[:-4])[:4] == raw[-4:]


def is_ethereum_address(address: str) -> bool:
    """An Ethereum address; a mixed-case one must match its EIP-55 checksum."""
    digits = address[2:]
    if digits == digits.lower() or digits == digits.upper():
        return True
    digest = keccak256(digits.lower().encode("ascii")).hex()
    for char, nibble in zip(digits, digest[:40], strict=True):
        if char.isalpha() and char.isupper() != (int(nibble, 16) >= 8):
            return False
    return True


def _addresses(text: str) -> Iterator[tuple[str, str]]:
    for match in _BASE58_ADDRESS.finditer(text):
        if is_base58check_address(match.group()):
            yield "BTC", match.group()
    for match in _BECH32_ADDRESS.finditer(text):
        if is_segwit_address(match.group()):
            yield "BTC", match.group().lower()
    for match in _MONERO_ADDRESS.finditer(text):
        if is_monero_address(match.group()):
            yield "XMR", match.group()
    for match in _ETHEREUM_ADDRESS.finditer(text):
        if is_ethereum_address(match.group()):
            yield "ETH", match.group()


def normalise_number(text: str) -> str:
    """ "0,003" -> "0.003", "1,500" and "1 500" -> "1500", "1.234,5" -> "1234.5"."""
    text = text.replace(" ", "")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        head, _, tail = text.rpartition(mark)
        if text.count(mark) > 1 or (len(tail) == 3 and head not in ("0", "")):
            text = text.replace(mark, "")  # thousands separators
        else:
            text = f"{head.replace(mark, '')}.{tail}"
    return text


def _amounts(text: str) -> Iterator[tuple[str, str]]:
    for match in _AMOUNT.finditer(text):
        groups = match.groupdict()
        if groups["fiat_coin"]:
            coin = _COIN_CODES.get(groups["fiat_coin"].lower(), groups["fiat_coin"].upper())
            fiat = _FIAT_CODES[(groups["fiat_symbol"] or groups["fiat"] or "").lower()]
            number = normalise_number(groups["fiat_number_a"] or groups["fiat_number_b"])
            yield coin, f"{number} {fiat}"
            continue
        word = (groups["coin"] or groups["coin_first"]).lower()
        if word.startswith(("биткоин", "биткойн")):
            word = "bitcoin"
        coin = _COIN_CODES.get(word, word.upper())
        number = normalise_number(groups["number"] or groups["number_after"])
        yield coin, f"{number} {_UNITS.get(word, coin)}"


def find_crypto(view: TextView) -> list[Annotation]:
    """Address (``crypto``) and amount (``amount``) annotations of a post's text."""
    text = view.text
    out: list[Annotation] = []
    if view.tokens and max(map(len, view.tokens)) >= 26:
        for coin, address in _addresses(text):
            annotation = Annotation(CRYPTO, coin, address)
            if annotation not in out:
                out.append(annotation)
    folded = view.folded
    if not _COIN_WORDS.isdisjoint(view.token_set()) or (
        "btc" in folded or "xmr" in folded or "битко" in folded or "биткой" in folded
        or "₿" in folded
    ):  # fmt: skip
        for coin, amount in _amounts(text):
            annotation = Annotation(AMOUNT, coin, amount)
            if annotation not in out:
                out.append(annotation)
    return out
