"""The two ways input goes wrong: a whole file that cannot be read, or a bad row in it."""

from __future__ import annotations

from dataclasses import dataclass, field


class FileRejected(Exception):
    """The file cannot be read at all; the message names the file and the problem."""

    def __init__(self, message: str, rule: str = "unreadable_file"):
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True)
class RowError:
    row_number: int | None
    column_name: str | None
    rule: str
    message: str
    value_shape: str | None = None  # the value's shape (A/a/9), never the value itself
    file_name: str | None = field(default=None, compare=False)  # which file, in a batch
    sheet: str | None = None  # the workbook sheet, for published tables
