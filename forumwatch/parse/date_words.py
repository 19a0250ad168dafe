"""Words that forum engines use in dates, in the languages monitored boards are written in.

Data only; :mod:`forumwatch.parse.dates` reads it. Keys are lower case. A word may appear in
several languages only when it means the same thing in all of them (checked by a test), so
no board language has to be known to read a month name. Abbreviations that are common words
in another language (Portuguese "out", Polish "sie") are left out on purpose.
"""

from __future__ import annotations

_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "january jan januar jänner jän januari enero ene janvier janv gennaio gen janeiro "
        "ocak oca январь января янв styczeń stycznia"
    ).split(),
    2: (
        "february feb februar februari febrero février fevrier févr fevr febbraio fevereiro "
        "fev şubat subat şub sub февраль февраля фев luty lutego"
    ).split(),
    3: (
        "march mar märz mär mrz maerz maart mrt marzo mars março marco mart март марта мар "
        "marzec marca"
    ).split(),
    4: (
        "april apr abril abr avril avr aprile nisan nis апрель апреля апр kwiecień kwietnia"
    ).split(),
    5: ("may mai mei mayo maggio mag maio mayıs mayis май мая maj maja").split(),
    6: (
        "june jun juni junio juin giugno giu junho haziran haz июнь июня июн czerwiec czerwca"
    ).split(),
    7: (
        "july jul juli julio juillet juil luglio lug julho temmuz tem июль июля июл lipiec lipca"
    ).split(),
    8: (
        "august aug augustus agosto ago août aout ağustos agustos ağu agu август августа авг "
        "sierpień sierpnia"
    ).split(),
    9: (
        "september sep sept septiembre setiembre septembre settembre setembro set eylül eylul "
        "eyl сентябрь сентября сен сент wrzesień września"
    ).split(),
    10: (
        "october oct oktober okt octubre octobre ottobre ott outubro ekim eki октябрь октября "
        "окт październik października"
    ).split(),
    11: (
        "november nov noviembre novembre novembro kasım kasim kas ноябрь ноября ноя нояб "
        "listopad listopada"
    ).split(),
    12: (
        "december dec dezember dez diciembre dic décembre decembre déc dicembre dezembro "
        "aralık aralik ara декабрь декабря дек grudzień grudnia"
    ).split(),
}

MONTHS: dict[str, int] = {
    word: month for month, words in _MONTH_WORDS.items() for word in words
}
"""Month name or abbreviation (lower case, without a trailing dot) -> month number."""

TODAY_WORDS = frozenset(
    "today heute сегодня hoy vandaag bugün aujourd'hui aujourd’hui oggi hoje dzisiaj dziś".split()
)
YESTERDAY_WORDS = frozenset("yesterday gestern вчера ayer gisteren dün hier ieri ontem wczoraj".split())

AGO_WORDS = frozenset("ago назад geleden önce fa atrás temu vor hace il há".split())
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

ONE_WORDS = frozenset(
    "a an one ein eine einer einem einen un una une uno bir een".split()
)
"""Articles that stand for the number 1 in "an hour ago", "vor einer Stunde"."""

_UNIT_WORDS: dict[int, tuple[str, ...]] = {
    1: (
        "second seconds sec secs sekunde sekunden секунду секунды секунд секунда segundo "
        "segundos seconde seconden saniye secondes secondo secondi sekund sekundy"
    ).split(),
    60: (
        "minute minutes min mins minuten минуту минуты минут минута minuto minutos minuut "
        "dakika minuti minut minuty"
    ).split(),
    3600: (
        "hour hours hr hrs stunde stunden час часа часов hora horas uur saat heure heures "
        "ora ore godzina godziny godzin godzinę"
    ).split(),
    86400: (
        "day days tag tage tagen день дня дней día días dia dias dag dagen gün jour jours "
        "giorno giorni dzień dni"
    ).split(),
    604800: (
        "week weeks woche wochen неделю недели недель неделя semana semanas weken hafta "
        "semaine semaines settimana settimane tydzień tygodnie tygodni"
    ).split(),
    2592000: (
        "month months monat monate monaten месяц месяца месяцев mes meses maand maanden ay "
        "mois mese mesi miesiąc miesiące miesięcy"
    ).split(),
    31536000: (
        "year years jahr jahre jahren год года лет año años ano anos jaar jaren yıl yil ans "
        "année années anno anni rok lata lat"
    ).split(),
}

UNITS: dict[str, int] = {word: seconds for seconds, words in _UNIT_WORDS.items() for word in words}
"""Time unit word (lower case) -> its length in seconds (a month is 30 days, a year 365)."""

AM_WORDS = ("a.m.", "a. m.", "am", "дп", "vorm.", "vorm", "vm", "öö", "ö.ö.")
PM_WORDS = ("p.m.", "p. m.", "pm", "пп", "nachm.", "nachm", "nm", "ös", "ö.s.")
NOON_WORDS = ("noon", "mittag", "полдень", "mediodía", "midi", "mezzogiorno")
MIDNIGHT_WORDS = ("midnight", "mitternacht", "полночь", "medianoche", "minuit", "mezzanotte")

ORDINAL_SUFFIXES = ("st", "nd", "rd", "th", "er", "e", "º", "°", "-го", "-е")
DATE_FILLERS = ("de", "del", "of", "the", "le", "el", "à")
