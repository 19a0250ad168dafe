"""Host names: registrable domain (Public Suffix List, offline), network, onion validation.

The registrable domain comes from the Public Suffix List snapshot bundled with tldextract; it is
used offline by construction (no suffix list download, no cache directory), so
"files.example.co.uk" gives "example.co.uk" without any network access.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib

import tldextract

from forumwatch.models import Network

# Offline by construction: no suffix list download, no cache directory.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

ONION_V3_LENGTH = 56
ONION_V2_LENGTH = 16
_BASE32 = frozenset("abcdefghijklmnopqrstuvwxyz234567")


@functools.lru_cache(maxsize=200_000)
def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` ("files.example.co.uk" -> "example.co.uk").

    Onion and I2P names are their own registrable domain (the last two labels); IP addresses
    and single-label hosts are returned unchanged.
    """
    if host.endswith((".onion", ".i2p")):
        return ".".join(host.split(".")[-2:])
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


@functools.lru_cache(maxsize=200_000)
def has_public_suffix(host: str) -> bool:
    """True when ``host`` ends in a public suffix ("example.net") or is an onion/I2P name."""
    host = host.lower().rstrip(".")
    if host.endswith((".onion", ".i2p")):
        return True
    parts = _EXTRACT(host)
    return bool(parts.domain and parts.suffix)


def network_of(host: str) -> Network:
    """Clearnet, onion or I2P, from the host name."""
    if host.endswith(".onion"):
        return Network.ONION
    if host.endswith(".i2p"):
        return Network.I2P
    return Network.CLEARNET


@functools.lru_cache(maxsize=50_000)
def onion_version(host: str) -> int | None:
    """3 for a valid v3 onion name, 2 for a (legacy) v2 name, 0 for a malformed one.

    None when ``host`` is not an onion name. A v3 name carries its own checksum
    (SHA3-256 over ".onion checksum", the public key and the version byte), so a mistyped or
    altered address is told apart from a real one.
    """
    if not host.endswith(".onion"):
        return None
    label = host.removesuffix(".onion").rsplit(".", 1)[-1]
    if not set(label) <= _BASE32:
        return 0
    if len(label) == ONION_V2_LENGTH:
        return 2
    if len(label) != ONION_V3_LENGTH:
        return 0
    try:
        raw = base64.b32decode(label.upper())
    except (binascii.Error, ValueError):
        return 0
    public_key, checksum, version = raw[:32], raw[32:34], raw[34]
    if version != 3:
        return 0
    expected = hashlib.sha3_256(b".onion checksum" + public_key + b"\x03").digest()[:2]
    return 3 if checksum == expected else 0
