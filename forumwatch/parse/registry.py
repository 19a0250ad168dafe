"""The engine parsers forumwatch knows, by name, and detection of a page's engine."""

from __future__ import annotations

from forumwatch.errors import ConfigError
from forumwatch.parse.base import EngineParser
from forumwatch.parse.chat import ChatParser
from forumwatch.parse.discourse import DiscourseParser
from forumwatch.parse.flaskbb import FlaskbbParser
from forumwatch.parse.fluxbb import FluxbbParser, PunbbParser
from forumwatch.parse.invision import InvisionParser
from forumwatch.parse.lynxchan import LynxchanParser
from forumwatch.parse.machina import MachinaParser
from forumwatch.parse.mybb import MybbParser
from forumwatch.parse.paste import PasteParser
from forumwatch.parse.phpbb import PhpbbParser
from forumwatch.parse.smf import SmfParser
from forumwatch.parse.spirit import SpiritParser
from forumwatch.parse.tinyib import TinyibParser
from forumwatch.parse.vbulletin import Vbulletin4Parser, Vbulletin5Parser
from forumwatch.parse.vichan import VichanParser
from forumwatch.parse.xenforo import XenforoParser

ENGINES: dict[str, type[EngineParser]] = {
    PhpbbParser.name: PhpbbParser,
    MybbParser.name: MybbParser,
    MachinaParser.name: MachinaParser,
    SpiritParser.name: SpiritParser,
    FlaskbbParser.name: FlaskbbParser,
    TinyibParser.name: TinyibParser,
    SmfParser.name: SmfParser,
    Vbulletin4Parser.name: Vbulletin4Parser,
    Vbulletin5Parser.name: Vbulletin5Parser,
    XenforoParser.name: XenforoParser,
    InvisionParser.name: InvisionParser,
    FluxbbParser.name: FluxbbParser,
    PunbbParser.name: PunbbParser,
    DiscourseParser.name: DiscourseParser,
    VichanParser.name: VichanParser,
    LynxchanParser.name: LynxchanParser,
    PasteParser.name: PasteParser,
    ChatParser.name: ChatParser,
}
"""Every engine parser class, by its name."""

DETECTION_THRESHOLD = 0.5
"""Lowest detection confidence at which :func:`detect_engine` names an engine."""


def engine_names() -> tuple[str, ...]:
    """Names of every engine parser, sorted."""
    return tuple(sorted(ENGINES))


def get_parser(
    name: str,
    *,
    timezone: str = "UTC",
    date_formats: tuple[str, ...] = (),
    language: str | None = None,
) -> EngineParser:
    """Return a parser for engine ``name`` configured for one board.

    Raises:
        ConfigError: no engine has that name, or the timezone is unknown.
    """
    engine = ENGINES.get(name)
    if engine is None:
        known = ", ".join(engine_names())
        raise ConfigError(f"unknown engine {name!r}; known engines: {known}")
    return engine(timezone=timezone, date_formats=date_formats, language=language)


def detect_engine(
    html: str, url: str, *, timezone: str = "UTC"
) -> tuple[EngineParser | None, float]:
    """Return the parser most confident that ``html`` is its engine, and that confidence.

    The parser is None when no engine reaches :data:`DETECTION_THRESHOLD` (the confidence of
    the best guess is still returned). Never raises on bad input.
    """
    best: EngineParser | None = None
    best_score = 0.0
    for engine in ENGINES.values():
        parser = engine(timezone=timezone)
        score = parser.detect(html, url)
        if score > best_score:
            best, best_score = parser, score
    if best_score < DETECTION_THRESHOLD:
        return None, best_score
    return best, best_score
