"""Site profiles: a TOML file that adapts an engine parser (or builds one) for one site.

An analyst adds a custom-themed forum without code: the ``[parse]`` table of a site profile
names a base engine (or ``"custom"``), the board's timezone, language and date formats, and CSS
selectors that replace the engine's, by the field names of
:mod:`forumwatch.parse.selectors`. Other tables of the same file (``[crawl]``, ``[login]``)
belong to the crawler and are ignored here.

```toml
[parse]
engine = "phpbb"                 # or "custom": start from empty selectors
timezone = "Europe/Berlin"
language = "de"
date_formats = ["d.m.Y, H:i"]
detect = ['class="beitrag"']     # markers that identify the site's pages (optional)

[parse.selectors.post]
container = "div.beitrag"
author = ".verfasser a"
native_id = { attribute = "id", pattern = '^b(\\d+)$' }

[parse.selectors.page]
kind_rules = { thread = "div.beitrag", listing = "table.themen", index = "table.foren" }
```

A selector field takes a string; a :class:`~forumwatch.parse.selectors.Pick` field takes a
string (CSS of the node whose text is the value) or a table ``{css, attribute, pattern}``;
fields holding several picks take a list of them; ``kind_rules`` and ``kind_url_rules`` take a
table of ``{index, listing, thread} = selector`` or a list of ``[kind, selector]`` pairs.
Unknown names, wrong types, CSS that does not compile and unknown timezones are
:class:`~forumwatch.errors.ConfigError` naming the profile and the field.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

from forumwatch.errors import ConfigError
from forumwatch.models import PageKind
from forumwatch.parse.base import EngineParser
from forumwatch.parse.board import BoardParser
from forumwatch.parse.dates import DateReader
from forumwatch.parse.registry import ENGINES, engine_names
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
    validate,
)

CUSTOM = "custom"
"""The engine name of a profile that builds its parser from its own selectors only."""

GROUPS: dict[str, type[Any]] = {
    "page": PageSelectors,
    "post": PostSelectors,
    "content": ContentSelectors,
    "listing": ListingSelectors,
    "sections": SectionSelectors,
}
"""Selector tables of a profile and the dataclass whose fields each one overrides."""

_PARSE_KEYS = frozenset(
    ("engine", "timezone", "language", "date_formats", "detect", "selectors", "name")
)
_KINDS = {kind.value: kind for kind in PageKind}
_CUSTOM_REQUIRED = (("post", "container"), ("post", "content"), ("post", "native_id"))

EMPTY_SELECTORS = BoardSelectors(
    page=PageSelectors(),
    post=PostSelectors(),
    content=ContentSelectors(),
    listing=ListingSelectors(),
    sections=SectionSelectors(),
)
"""Where a ``custom`` profile starts: no selectors but the content defaults."""


@dataclass(frozen=True, slots=True)
class ParseProfile:
    """The ``[parse]`` table of a site profile, checked.

    Attributes:
        name: the profile's name (the file name without ``.toml``, or ``name``).
        engine: the base engine, or ``custom``.
        timezone: the board's IANA timezone.
        language: the board's UI language (ISO 639-1), if known.
        date_formats: the board's date formats (PHP ``date()`` or ``strftime``).
        detect: substrings whose presence identifies the site's pages.
        selectors: selector overrides by table and field name (checked values).
    """

    name: str
    engine: str
    timezone: str = "UTC"
    language: str | None = None
    date_formats: tuple[str, ...] = ()
    detect: tuple[str, ...] = ()
    selectors: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, document: Mapping[str, Any], name: str = "profile") -> ParseProfile:
        """Read and check the ``[parse]`` table of a parsed TOML document.

        Raises:
            ConfigError: the table is missing or anything in it is wrong.
        """
        table = document.get("parse")
        if not isinstance(table, Mapping):
            raise ConfigError(f"profile {name!r}: no [parse] table")
        unknown = sorted(set(table) - _PARSE_KEYS)
        if unknown:
            raise ConfigError(
                f"profile {name!r}: unknown [parse] keys {unknown}; known: {sorted(_PARSE_KEYS)}"
            )
        engine = _string(table, "engine", name, CUSTOM)
        if engine != CUSTOM and engine not in ENGINES:
            known = ", ".join((*engine_names(), CUSTOM))
            raise ConfigError(f"profile {name!r}: unknown engine {engine!r}; known: {known}")
        timezone = _string(table, "timezone", name, "UTC")
        DateReader(timezone)  # raises ConfigError for an unknown timezone
        language = table.get("language")
        if language is not None and not isinstance(language, str):
            raise ConfigError(f"profile {name!r}: language must be a string")
        profile = cls(
            name=_string(table, "name", name, name),
            engine=engine,
            timezone=timezone,
            language=language,
            date_formats=_strings(table, "date_formats", name),
            detect=_strings(table, "detect", name),
            selectors=_selector_tables(table.get("selectors", {}), name),
        )
        profile.board_selectors()  # checks every value and that the CSS compiles
        return profile

    def board_selectors(self) -> BoardSelectors:
        """The engine's selectors with the profile's overrides applied, checked.

        Raises:
            ConfigError: a value has the wrong type, a selector or pattern does not compile,
                or a custom profile lacks a required selector.
        """
        if self.engine == CUSTOM:
            base = EMPTY_SELECTORS
            missing = [
                f"{g}.{f}" for g, f in _CUSTOM_REQUIRED if f not in self.selectors.get(g, {})
            ]
            if missing:
                raise ConfigError(f"profile {self.name!r}: a custom profile needs {missing}")
        else:
            engine = ENGINES[self.engine]
            if not issubclass(engine, BoardParser):
                if self.selectors:
                    raise ConfigError(
                        f"profile {self.name!r}: engine {self.engine!r} has no selectors"
                        " to override"
                    )
                return EMPTY_SELECTORS
            base = engine.selectors
        groups = {}
        for group, cls in GROUPS.items():
            current = getattr(base, group)
            overrides = self.selectors.get(group, {})
            values = {
                key: _convert(cls, key, value, self.name, group) for key, value in overrides.items()
            }
            groups[group] = dataclasses.replace(current, **values)
        selectors = BoardSelectors(**groups)
        try:
            validate(selectors)
        except ConfigError as error:
            raise ConfigError(f"profile {self.name!r}: {error}") from error
        return selectors


def load_profile(path: Path) -> ParseProfile:
    """Read a site profile file and check its ``[parse]`` table.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or its ``[parse]`` table is wrong.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read profile {path}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"profile {path} is not valid TOML: {error}") from error
    return ParseProfile.from_mapping(document, name=path.stem)


def build_parser(profile: ParseProfile) -> EngineParser:
    """An engine parser configured by ``profile`` (its own selectors, timezone and formats).

    Raises:
        ConfigError: the profile's selectors cannot be used (see :meth:`board_selectors`).
    """
    selectors = profile.board_selectors()
    base: type[EngineParser] = BoardParser if profile.engine == CUSTOM else ENGINES[profile.engine]
    if profile.engine != CUSTOM and not profile.selectors and not profile.detect:
        return base(
            timezone=profile.timezone, date_formats=profile.date_formats, language=profile.language
        )
    attributes: dict[str, Any] = {
        "name": profile.engine if profile.engine != CUSTOM else CUSTOM,
        "profile_name": profile.name,
        "markers": profile.detect,
        "engine_detect": None if profile.engine == CUSTOM else base.detect,
    }
    if issubclass(base, BoardParser):
        attributes["selectors"] = selectors
    parser_class = type(
        f"{profile.name.title().replace('-', '')}ProfileParser", (_ProfileMixin, base), attributes
    )
    parser: EngineParser = parser_class(
        timezone=profile.timezone, date_formats=profile.date_formats, language=profile.language
    )
    return parser


class _ProfileMixin:
    """Detection for a profile's parser: its markers, else the base engine's own score."""

    profile_name: ClassVar[str] = ""
    markers: ClassVar[tuple[str, ...]] = ()
    engine_detect: ClassVar[Any] = None

    def detect(self, html: str, url: str) -> float:
        """The share of the profile's markers found (the base engine's score without them)."""
        if not isinstance(html, str) or not html:
            return 0.0
        if self.markers:
            head = html[:400_000]
            return round(sum(marker in head for marker in self.markers) / len(self.markers), 3)
        engine_detect = type(self).engine_detect
        return float(engine_detect(self, html, url)) if engine_detect is not None else 0.0


# --- reading the TOML values -------------------------------------------------------------------


def _string(table: Mapping[str, Any], key: str, name: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"profile {name!r}: {key} must be a non-empty string")
    return value


def _strings(table: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
    value = table.get(key, ())
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"profile {name!r}: {key} must be a list of strings")
    return tuple(value)


def _selector_tables(value: Any, name: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"profile {name!r}: [parse.selectors] must be a table")
    tables: dict[str, dict[str, Any]] = {}
    for group, overrides in value.items():
        cls = GROUPS.get(group)
        if cls is None:
            raise ConfigError(
                f"profile {name!r}: unknown selector table {group!r}; known: {sorted(GROUPS)}"
            )
        if not isinstance(overrides, Mapping):
            raise ConfigError(f"profile {name!r}: [parse.selectors.{group}] must be a table")
        known = {item.name for item in fields(cls)}
        for key in overrides:
            if key not in known:
                raise ConfigError(
                    f"profile {name!r}: unknown selector {group}.{key}; known: {sorted(known)}"
                )
        tables[group] = dict(overrides)
    return tables


def _convert(cls: type[Any], key: str, value: Any, name: str, group: str) -> Any:
    """A TOML value as the type of field ``key`` of selector dataclass ``cls``."""
    where = f"profile {name!r}: {group}.{key}"
    hint = typing.get_type_hints(cls)[key]
    if key in ("kind_rules", "kind_url_rules"):
        return _kind_rules(value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false")
        return value
    if hint == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings")
        return tuple(value)
    if hint is Pick:
        return _pick(value, where)
    if hint == tuple[Pick, ...]:
        items = value if isinstance(value, list) else [value]
        return tuple(_pick(item, where) for item in items)
    if hint == str | None and value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a CSS selector string")
    return value


def _pick(value: Any, where: str) -> Pick:
    if isinstance(value, str):
        return Pick(css=value or None)
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a CSS string or a table {{css, attribute, pattern}}")
    unknown = set(value) - {"css", "attribute", "pattern"}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {sorted(unknown)} (css, attribute, pattern)")
    for key in ("css", "attribute", "pattern"):
        if key in value and not isinstance(value[key], str):
            raise ConfigError(f"{where}.{key} must be a string")
    return Pick(
        css=value.get("css") or None, attribute=value.get("attribute"), pattern=value.get("pattern")
    )


def _kind_rules(value: Any, where: str) -> tuple[tuple[PageKind, str], ...]:
    pairs: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list) and all(isinstance(p, list) and len(p) == 2 for p in value):
        pairs = [(p[0], p[1]) for p in value]
    else:
        raise ConfigError(
            f"{where} must be a table {{thread = ..., listing = ...}} or [kind, rule] pairs"
        )
    rules: list[tuple[PageKind, str]] = []
    for kind, rule in pairs:
        if kind not in _KINDS or not isinstance(rule, str) or not rule:
            raise ConfigError(
                f"{where}: {kind!r} must be one of {sorted(_KINDS)} with a non-empty rule"
            )
        rules.append((_KINDS[kind], rule))
    return tuple(rules)
