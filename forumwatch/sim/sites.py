"""The sites and file hosts of the simulated world, as data.

Three phpBB 3.3 boards: ``harbour`` (big, English UI, UTC), ``lantern`` (smaller, English UI,
Europe/Berlin, a different date format) and ``birch`` (Russian UI and dates, Europe/Moscow). Section
ids follow phpBB: categories and forums share one id space. File hosts are invented names.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SectionKind(StrEnum):
    """What a section is for; it decides the mix of text and links posted in it."""

    CATEGORY = "category"
    CHAT = "chat"
    NEWS = "news"
    MEDIA = "media"
    REQUESTS = "requests"
    HOBBY = "hobby"


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A phpBB forum or category.

    Attributes:
        native_id: phpBB forum id (``f=``).
        parent: id of the parent category or forum (None for top-level categories).
        language: the section's language when it is a per-language section, else None.
        weight: share of the site's posts made in this section (0 for categories).
        topics: text topics of posts in the section.
        p_new: chance that a post starts a new thread.
        chat_thread: title of a long-running chat thread that takes many replies, if any.
        announcement: the section holds the site's donation announcement.
    """

    native_id: int
    title: str
    description: str
    kind: SectionKind
    parent: int | None = None
    language: str | None = None
    weight: float = 0.0
    topics: tuple[str, ...] = ()
    p_new: float = 0.1
    chat_thread: str | None = None
    announcement: bool = False


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """A simulated board.

    Attributes:
        share: this site's share of all posts in the world.
        languages: (language, weight) of the members' preferred languages.
        date_format: the board's phpBB date format (PHP ``date()`` syntax; ``|...|`` marks the
            part replaced by Today/Yesterday).
        wallet: ``p2pkh`` or ``bech32``: the kind of donation address the admin posts.
    """

    name: str
    title: str
    description: str
    ui_language: str
    timezone: str
    date_format: str
    share: float
    languages: tuple[tuple[str, float], ...]
    sections: tuple[SectionSpec, ...]
    wallet: str = "p2pkh"


@dataclass(frozen=True, slots=True)
class HostSpec:
    """A file host that members link to (never contacted).

    ``name`` is the host name for clearnet hosts and a label for onion hosts, whose host name is
    derived from the world seed. ``image_weight`` and ``file_weight`` are the host's usual shares
    of image and of file links; ``pattern`` builds a URL from ``{host}``, ``{id}``, ``{name}`` and
    ``{ext}``.
    """

    name: str
    onion: bool
    image_weight: float
    file_weight: float
    pattern: str


_ALL_TOPICS = ("chat", "gardening", "football", "software", "weather", "travel", "cooking")

HARBOUR = SiteSpec(
    name="harbour",
    title="Harbour Commons",
    description="A quiet harbour for photos, files and friendly chatter",
    ui_language="en",
    timezone="UTC",
    date_format="|F jS, Y|, g:i a",
    share=0.62,
    languages=(("en", 0.5), ("de", 0.13), ("ru", 0.13), ("es", 0.12), ("nl", 0.12)),
    wallet="p2pkh",
    sections=(
        SectionSpec(1, "Community", "", SectionKind.CATEGORY),
        SectionSpec(
            2,
            "General chat",
            "Anything that fits nowhere else",
            SectionKind.CHAT,
            parent=1,
            weight=0.14,
            topics=_ALL_TOPICS,
            p_new=0.06,
            chat_thread="The big harbour chat thread",
        ),
        SectionSpec(
            3,
            "Site news & donations",
            "Announcements, server costs and feedback",
            SectionKind.NEWS,
            parent=2,
            weight=0.01,
            topics=("chat",),
            p_new=0.15,
            announcement=True,
        ),
        SectionSpec(4, "Language chat", "", SectionKind.CATEGORY),
        SectionSpec(
            5,
            "English chat",
            "Chat in English",
            SectionKind.CHAT,
            parent=4,
            language="en",
            weight=0.12,
            topics=_ALL_TOPICS,
            p_new=0.06,
            chat_thread="English chat thread",
        ),
        SectionSpec(
            6,
            "Deutsch",
            "Plaudern auf Deutsch",
            SectionKind.CHAT,
            parent=4,
            language="de",
            weight=0.07,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Der große Plauderthread",
        ),
        SectionSpec(
            7,
            "Русский",
            "Общение на русском",
            SectionKind.CHAT,
            parent=4,
            language="ru",
            weight=0.06,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Болталка",
        ),
        SectionSpec(
            8,
            "Español",
            "Charla en español",
            SectionKind.CHAT,
            parent=4,
            language="es",
            weight=0.06,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Charla general",
        ),
        SectionSpec(
            9,
            "Nederlands",
            "Kletsen in het Nederlands",
            SectionKind.CHAT,
            parent=4,
            language="nl",
            weight=0.05,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Het grote kletstopic",
        ),
        SectionSpec(10, "Media", "", SectionKind.CATEGORY),
        SectionSpec(
            11,
            "Photos & uploads",
            "Your own photos, albums and re-uploads",
            SectionKind.MEDIA,
            parent=10,
            weight=0.12,
            topics=("gardening", "travel", "cooking", "weather"),
            p_new=0.22,
        ),
        SectionSpec(
            12,
            "Video corner",
            "Match highlights, travel clips and timelapses",
            SectionKind.MEDIA,
            parent=11,
            weight=0.05,
            topics=("football", "travel", "weather"),
            p_new=0.16,
        ),
        SectionSpec(
            13,
            "Archives & collections",
            "Zipped albums, wallpaper packs and tool bundles",
            SectionKind.MEDIA,
            parent=10,
            weight=0.06,
            topics=("software", "travel", "cooking"),
            p_new=0.16,
        ),
        SectionSpec(
            14,
            "Requests",
            "Looking for something? Ask here",
            SectionKind.REQUESTS,
            parent=10,
            weight=0.07,
            topics=("travel", "software", "football", "cooking"),
            p_new=0.22,
        ),
        SectionSpec(15, "Hobbies", "", SectionKind.CATEGORY),
        SectionSpec(
            16,
            "Gardening",
            "Vegetables, flowers and compost",
            SectionKind.HOBBY,
            parent=15,
            weight=0.05,
            topics=("gardening",),
            p_new=0.1,
        ),
        SectionSpec(
            17,
            "Football",
            "Matches, tactics and transfers",
            SectionKind.HOBBY,
            parent=15,
            weight=0.05,
            topics=("football",),
            p_new=0.1,
        ),
        SectionSpec(
            18,
            "Software",
            "Programming, tools and scripts",
            SectionKind.HOBBY,
            parent=15,
            weight=0.05,
            topics=("software",),
            p_new=0.1,
        ),
        SectionSpec(
            19,
            "Travel & weather",
            "Trip plans and today's forecast",
            SectionKind.HOBBY,
            parent=15,
            weight=0.05,
            topics=("travel", "weather"),
            p_new=0.1,
        ),
        SectionSpec(
            20,
            "Cooking",
            "Recipes, bread and kitchen gadgets",
            SectionKind.HOBBY,
            parent=15,
            weight=0.04,
            topics=("cooking",),
            p_new=0.1,
        ),
    ),
)

LANTERN = SiteSpec(
    name="lantern",
    title="The Lantern",
    description="Een klein forum - ein kleines Forum - a small board",
    ui_language="en",
    timezone="Europe/Berlin",
    date_format="D M d, Y H:i",
    share=0.22,
    languages=(("en", 0.4), ("de", 0.35), ("nl", 0.25)),
    wallet="bech32",
    sections=(
        SectionSpec(1, "Lantern lounge", "", SectionKind.CATEGORY),
        SectionSpec(
            2,
            "Lobby",
            "Say hello, in any language",
            SectionKind.CHAT,
            parent=1,
            weight=0.3,
            topics=_ALL_TOPICS,
            p_new=0.06,
            chat_thread="Lantern lobby chat",
        ),
        SectionSpec(
            3,
            "Deutsch",
            "Alles auf Deutsch",
            SectionKind.CHAT,
            parent=1,
            language="de",
            weight=0.15,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Laberecke",
        ),
        SectionSpec(
            4,
            "Nederlands",
            "Alles in het Nederlands",
            SectionKind.CHAT,
            parent=1,
            language="nl",
            weight=0.12,
            topics=_ALL_TOPICS,
            p_new=0.07,
            chat_thread="Praathoek",
        ),
        SectionSpec(5, "Sharing", "", SectionKind.CATEGORY),
        SectionSpec(
            6,
            "Pictures",
            "Photos and albums",
            SectionKind.MEDIA,
            parent=5,
            weight=0.18,
            topics=("gardening", "travel", "weather"),
            p_new=0.16,
        ),
        SectionSpec(
            7,
            "Old albums",
            "Older uploads, kept for reference",
            SectionKind.MEDIA,
            parent=6,
            weight=0.05,
            topics=("travel", "cooking"),
            p_new=0.16,
        ),
        SectionSpec(
            8,
            "Requests",
            "Ask for files and re-uploads",
            SectionKind.REQUESTS,
            parent=5,
            weight=0.08,
            topics=("travel", "software", "cooking"),
            p_new=0.22,
        ),
        SectionSpec(9, "Hobbies", "", SectionKind.CATEGORY),
        SectionSpec(
            10,
            "Garden & kitchen",
            "From the garden to the plate",
            SectionKind.HOBBY,
            parent=9,
            weight=0.06,
            topics=("gardening", "cooking"),
            p_new=0.1,
        ),
        SectionSpec(
            11,
            "Travel & weather",
            "Trips, trains and forecasts",
            SectionKind.HOBBY,
            parent=9,
            weight=0.06,
            topics=("travel", "weather"),
            p_new=0.1,
        ),
    ),
)

BIRCH = SiteSpec(
    name="birch",
    title="Берёзка",
    description="Уютный русскоязычный форум",
    ui_language="ru",
    timezone="Europe/Moscow",
    date_format="|j F Y|, H:i",
    share=0.16,
    languages=(("ru", 1.0),),
    wallet="p2pkh",
    sections=(
        SectionSpec(1, "Общение", "", SectionKind.CATEGORY),
        SectionSpec(
            2,
            "Общий чат",
            "Обо всём на свете",
            SectionKind.CHAT,
            parent=1,
            language="ru",
            weight=0.35,
            topics=_ALL_TOPICS,
            p_new=0.06,
            chat_thread="Болталка берёзки",
        ),
        SectionSpec(
            3,
            "Новости сайта",
            "Объявления и пожертвования на сервер",
            SectionKind.NEWS,
            parent=1,
            language="ru",
            weight=0.02,
            topics=("chat",),
            p_new=0.15,
            announcement=True,
        ),
        SectionSpec(4, "Медиа", "", SectionKind.CATEGORY),
        SectionSpec(
            5,
            "Фото и файлы",
            "Ваши фотографии и архивы",
            SectionKind.MEDIA,
            parent=4,
            language="ru",
            weight=0.2,
            topics=("gardening", "travel", "cooking"),
            p_new=0.16,
        ),
        SectionSpec(
            6,
            "Видео",
            "Ролики и записи матчей",
            SectionKind.MEDIA,
            parent=5,
            language="ru",
            weight=0.08,
            topics=("football", "travel"),
            p_new=0.16,
        ),
        SectionSpec(
            7,
            "Запросы",
            "Ищете что-то? Спросите здесь",
            SectionKind.REQUESTS,
            parent=4,
            language="ru",
            weight=0.1,
            topics=("travel", "software", "football"),
            p_new=0.22,
        ),
        SectionSpec(8, "Хобби", "", SectionKind.CATEGORY),
        SectionSpec(
            9,
            "Сад и огород",
            "Рассада, урожай и компост",
            SectionKind.HOBBY,
            parent=8,
            language="ru",
            weight=0.08,
            topics=("gardening",),
            p_new=0.1,
        ),
        SectionSpec(
            10,
            "Футбол",
            "Матчи, тактика и трансферы",
            SectionKind.HOBBY,
            parent=8,
            language="ru",
            weight=0.09,
            topics=("football",),
            p_new=0.1,
        ),
        SectionSpec(
            11,
            "Путешествия",
            "Поездки, поезда и погода",
            SectionKind.HOBBY,
            parent=8,
            language="ru",
            weight=0.08,
            topics=("travel", "weather"),
            p_new=0.1,
        ),
    ),
)

SITES: tuple[SiteSpec, ...] = (HARBOUR, LANTERN, BIRCH)
"""Every simulated site, in a fixed order."""

HOSTS: tuple[HostSpec, ...] = (
    HostSpec("snapcellar.net", False, 0.35, 0.12, "https://snapcellar.net/i/{id}/{name}.{ext}"),
    HostSpec("imgpier.net", False, 0.25, 0.0, "https://i.imgpier.net/{id}.{ext}"),
    HostSpec("fotoloft.org", False, 0.20, 0.0, "https://fotoloft.org/photos/{id}/{name}.{ext}"),
    HostSpec("glimmerpix.net", False, 0.10, 0.0, "https://glimmerpix.net/{id}.{ext}"),
    HostSpec("pictarn.org", False, 0.0, 0.0, "https://pictarn.org/v/{id}/{name}.{ext}"),
    HostSpec("kistupload.cc", False, 0.0, 0.25, "https://kistupload.cc/{id}/{name}.{ext}"),
    HostSpec("moleshare.is", False, 0.0, 0.20, "https://moleshare.is/d/{id}/{name}.{ext}"),
    HostSpec("quayfiles.io", False, 0.0, 0.13, "https://quayfiles.io/{id}/{name}.{ext}"),
    HostSpec(
        "drivebox-lite.net", False, 0.0, 0.15, "https://drivebox-lite.net/s/{id}/{name}.{ext}"
    ),
    HostSpec("onion-pics", True, 0.10, 0.0, "http://{host}/img/{id}.{ext}"),
    HostSpec("onion-files", True, 0.0, 0.15, "http://{host}/get/{id}/{name}.{ext}"),
)
"""File hosts; a post's host is stored as its 1-based index in this tuple (0 = none)."""

IMAGE_EXTENSIONS: tuple[tuple[str, float], ...] = (("jpg", 0.72), ("png", 0.28))
FILE_EXTENSIONS: tuple[tuple[str, float], ...] = (("zip", 0.4), ("7z", 0.25), ("mp4", 0.35))


def host_index(name: str) -> int:
    """Return the 1-based index of a host by its name or label."""
    for index, host in enumerate(HOSTS, start=1):
        if host.name == name:
            return index
    raise KeyError(name)


def site_spec(name: str) -> SiteSpec:
    """Return the spec of a site by name."""
    for site in SITES:
        if site.name == name:
            return site
    raise KeyError(name)
