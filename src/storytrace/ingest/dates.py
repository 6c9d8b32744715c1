"""Publication dates from the many ways inputs write them."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def parse_published(value: Any) -> dt.date:
    """A publication date from ISO text, RFC 2822 (feeds) or, last, dateparser.

    Raises ValueError with a readable message when nothing fits.

    >>> parse_published("2025-05-17T09:30:00Z")
    datetime.date(2025, 5, 17)
    >>> parse_published("Sat, 17 May 2025 09:30:00 GMT")
    datetime.date(2025, 5, 17)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"date {value!r} is not a date string")
    text = value.strip()
    m = _ISO_DAY.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"date {text!r} does not parse (expected YYYY-MM-DD)") from None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    # dateparser is slow to import and lenient; only reached for odd formats.
    import dateparser

    guess = dateparser.parse(
        text,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    if guess is None:
        raise ValueError(f"date {text!r} does not parse (expected YYYY-MM-DD)")
    day: dt.date = guess.date()
    return day
