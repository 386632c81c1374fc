"""The two ways input goes wrong: a whole file that cannot be read, or a bad row in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


class FileRejected(Exception):
    """The file cannot be read at all; the message names the file and the problem."""

    def __init__(self, message: str, rule: str = "unreadable_file"):
        super().__init__(message)
        self.rule = rule

    def __reduce__(self):  # keeps the rule when raised in a reading worker process
        return (type(self), (str(self), self.rule))


@dataclass(frozen=True)
class RowError:
    row_number: int | None
    column_name: str | None
    rule: str
    message: str
    value_shape: str | None = None  # the value's shape (A/a/9), never the value itself
    file_name: str | None = field(default=None, compare=False)  # which file, in a batch
    sheet: str | None = None  # the workbook sheet, for published tables


SHOWN_VALUE_MAX = 4  # values this short are shown in quarantine (codes like 8X, 23, Q5)


def value_shape(value: str | None) -> str | None:
    """Short codes as they are; anything longer only as its shape, e.g. 'Aaaa Aaaaa' (digits
    9, capitals A, small letters a, control characters as \\xNN): never the value itself."""
    if value is None:
        return None
    if len(value) <= SHOWN_VALUE_MAX and value.isprintable():
        return value
    shape = "".join(
        "9"
        if ch.isdigit()
        else "A"
        if ch.isupper()
        else "a"
        if ch.isalpha()
        else ch
        if ch.isprintable()
        else f"\\x{ord(ch):02x}"
        for ch in value[:24]
    )
    return shape + ("…" if len(value) > 24 else "")


def shapes(cells: Iterable[object], limit: int = 12) -> str:
    """Cells of a file (headings, sheet names) for a message: their count and shapes only."""
    texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    if not texts:
        return "nothing"
    shown = ", ".join(f"'{value_shape(t)}'" for t in texts[:limit])
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return f"{len(texts)} cell(s) shaped {shown}{more}"
