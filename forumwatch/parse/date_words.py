"""Words that forum engines use in dates, in the languages monitored boards are written in.

Data only; :mod:`forumwatch.parse.dates` reads it. Keys are lower case. A word may appear in
several languages only when it means the same thing in all of them (checked by a test), so
no board language has to be known to read a month name. Abbreviations that are common words
in another language (Portuguese "out", Polish "sie") are left out on purpose.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list (kept as one string for readability)."""
    return tuple(text.split())


_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: _words(
        "january jan januar jänner jän januari enero ene janvier janv gennaio gen janeiro "
        "ocak oca январь января янв styczeń stycznia"
    ),
    2: _words(
        "february feb februar februari febrero février fevrier févr fevr febbraio fevereiro "
        "fev şubat subat şub sub февраль февраля фев luty lutego"
    ),
    3: _words(
        "march mar märz mär mrz maerz maart mrt marzo mars março marco mart март марта мар "
        "marzec marca"
    ),
    4: _words("april apr abril abr avril avr aprile nisan nis апрель апреля апр kwiecień kwietnia"),
    5: _words("may mai mei mayo maggio mag maio mayıs mayis май мая maj maja"),
    6: _words(
        "june jun juni junio juin giugno giu junho haziran haz июнь июня июн czerwiec czerwca"
    ),
    7: _words(
        "july jul juli julio juillet juil luglio lug julho temmuz tem июль июля июл lipiec lipca"
    ),
    8: _words(
        "august aug augustus agosto ago août aout ağustos agustos ağu agu август августа авг "
        "sierpień sierpnia"
    ),
    9: _words(
        "september sep sept septiembre setiembre septembre settembre setembro set eylül eylul "
        "eyl сентябрь сентября сен сент wrzesień września"
    ),
    10: _words(
        "october oct oktober okt octubre octobre ottobre ott outubro ekim eki октябрь октября "
        "окт październik października"
    ),
    11: _words(
        "november nov noviembre novembre novembro kasım kasim kas ноябрь ноября ноя нояб "
        "listopad listopada"
    ),
    12: _words(
        "december dec dezember dez diciembre dic décembre decembre déc dicembre dezembro "
        "aralık aralik ara декабрь декабря дек grudzień grudnia"
    ),
}

MONTHS: dict[str, int] = {word: month for month, words in _MONTH_WORDS.items() for word in words}
"""Month name or abbreviation (lower case, without a trailing dot) -> month number."""

TODAY_WORDS = frozenset(
    _words("today heute сегодня hoy vandaag bugün aujourd'hui aujourd’hui oggi hoje dzisiaj dziś")
)
YESTERDAY_WORDS = frozenset(
    _words("yesterday gestern вчера ayer gisteren dün hier ieri ontem wczoraj")
)

AGO_WORDS = frozenset(_words("ago назад geleden önce fa atrás temu vor hace il há"))
"""Words that make "N units" a past offset: after the number (ago) or before it (vor, hace)."""

NOW_PHRASES = (
    "just now",
    "a moment ago",
    "moments ago",
    "less than a minute ago",
    "gerade eben",
    "только что",
    "ahora mismo",
    "hace un momento",
    "zojuist",
    "az önce",
    "à l'instant",
    "adesso",
    "agora",
    "przed chwilą",
)

ONE_WORDS = frozenset(_words("a an one ein eine einer einem einen un una une uno bir een"))
"""Articles that stand for the number 1 in "an hour ago", "vor einer Stunde"."""

_NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    2: _words("two zwei zwo два две dos twee deux due dois duas iki dwa dwie"),
    3: _words("three drei три tres drie trois tre três üç trzy"),
    4: _words("four vier четыре cuatro quatre quattro quatro dört cztery"),
    5: _words("five fünf пять cinco vijf cinq cinque beş pięć"),
    6: _words("six sechs шесть seis zes sei altı sześć"),
    7: _words("seven sieben семь siete zeven sept sette sete yedi siedem"),
    8: _words("eight acht восемь ocho huit otto oito sekiz osiem"),
    9: _words("nine neun девять nueve negen neuf nove dokuz dziewięć"),
    10: _words("ten zehn десять diez tien dix dieci dez dziesięć"),
}

NUMBER_WORDS: dict[str, int] = {word: n for n, words in _NUMBER_WORDS.items() for word in words}
"""Number words 2-10 ("two hours ago", "vor zwei Stunden", "две минуты назад")."""

_UNIT_WORDS: dict[int, tuple[str, ...]] = {
    1: _words(
        "second seconds sec secs sekunde sekunden секунду секунды секунд секунда segundo "
        "segundos seconde seconden saniye secondes secondo secondi sekund sekundy"
    ),
    60: _words(
        "minute minutes min mins minuten минуту минуты минут минута minuto minutos minuut "
        "dakika minuti minut minuty minutę"
    ),
    3600: _words(
        "hour hours hr hrs stunde stunden час часа часов hora horas uur saat heure heures "
        "ora ore godzina godziny godzin godzinę"
    ),
    86400: _words(
        "day days tag tage tagen день дня дней día días dia dias dag dagen gün jour jours "
        "giorno giorni dzień dni"
    ),
    604800: _words(
        "week weeks woche wochen неделю недели недель неделя semana semanas weken hafta "
        "semaine semaines settimana settimane tydzień tygodnie tygodni"
    ),
    2592000: _words(
        "month months monat monate monaten месяц месяца месяцев mes meses maand maanden ay "
        "mois mese mesi miesiąc miesiące miesięcy"
    ),
    31536000: _words(
        "year years jahr jahre jahren год года лет año años ano anos jaar jaren yıl yil ans "
        "année années anno anni rok lata lat"
    ),
}

UNITS: dict[str, int] = {word: seconds for seconds, words in _UNIT_WORDS.items() for word in words}
"""Time unit word (lower case) -> its length in seconds (a month is 30 days, a year 365)."""

AM_WORDS = ("a.m.", "a. m.", "am", "дп", "vorm.", "vorm", "vm", "öö", "ö.ö.")
PM_WORDS = ("p.m.", "p. m.", "pm", "пп", "nachm.", "nachm", "nm", "ös", "ö.s.")
NOON_WORDS = ("noon", "mittag", "полдень", "mediodía", "midi", "mezzogiorno")
MIDNIGHT_WORDS = ("midnight", "mitternacht", "полночь", "medianoche", "minuit", "mezzanotte")

ORDINAL_SUFFIXES = ("st", "nd", "rd", "th", "er", "e", "º", "°", "-го", "-е")
DATE_FILLERS = ("de", "del", "of", "the", "le", "el", "à")
