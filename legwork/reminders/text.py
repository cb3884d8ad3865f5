"""Text that must stay on one line: an email subject, a calendar summary, a title inside an email body."""

from __future__ import annotations

import re

LINE_BREAKS = re.compile(r"[\r\n\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(text: str, limit: int = 300) -> str:
    """Line breaks and control characters become spaces, so the text can never start a header, event or line."""
    return LINE_BREAKS.sub(" ", text).strip()[:limit]
