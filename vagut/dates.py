"""Dates as a person reads them in their language: '23 maj 2022', 'May 23, 2022', '2023'."""

from babel.dates import format_date, format_skeleton

from vagut.languages import language
from vagut.municipalities import SourceDate


def source_date(date: str, lang: str) -> str:
    """A source's date ("2022-05-23", "2023-05", "2023"), never more precise than the source."""
    date = SourceDate(date)
    locale = language(lang).locale
    if date.precision == "day":
        return format_date(date.last_day, "long", locale=locale)
    if date.precision == "month":
        return format_skeleton("yMMMM", date.last_day, locale=locale)
    return date[:4]
