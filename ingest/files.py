"""Reading files as bytes and text, the same way for every reader: what a file really is
(format sniffing), its text (decoding with line ends made uniform), where its header is, its
SHA-256, and atomic writes of what ingest produces.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import polars as pl

from ingest.errors import FileRejected

UTF8_BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8192
# Text whose first block has more control bytes (NUL and the like, not tab or line ends) than
# this share is UTF-16 or binary; fewer is a text file with a stray control character, which
# is reported as a row error where it sits.
BINARY_CONTROL_SHARE = 0.05
BINARY_MIN_CONTROLS = 16  # a short file with one NUL is still text
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])

KIND_LABEL = {
    "csv": "CSV text",
    "jsonl": "JSON Lines text",
    "xlsx": "an Excel workbook (XLSX)",
    "ods": "an OpenDocument spreadsheet (ODS)",
    "xls": "an old-style Excel workbook (XLS)",
    "zip": "a ZIP archive that is not a spreadsheet",
    "damaged_zip": "a damaged workbook or ZIP archive (cut short in transfer?)",
    "utf16": "UTF-16 text",
    "binary": "binary data (or a damaged file)",
}

UNREADABLE = frozenset({"binary", "utf16", "damaged_zip"})  # no format can read these

_WS_RE = re.compile(r"\s+")
_NOTE_RE = re.compile(r"\[\s*notes?\b[^\]]*\]", re.IGNORECASE)


# --- what the bytes are --------------------------------------------------------------------


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError):
        return "damaged_zip"
    return "zip"


def sniff(path: Path, head: bytes) -> str:
    """What the bytes really are, whatever the name says: 'csv', 'jsonl', 'xlsx', 'ods', 'xls',
    'zip', 'damaged_zip', 'utf16', 'binary' or 'empty' (nothing but blank space or a BOM)."""
    if not head.removeprefix(UTF8_BOM).strip():
        return "empty"
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return "xls"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL, the others are not.
    even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
    if min(even, odd) == 0 and max(even, odd) > len(head) // 4:
        return "utf16"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(BINARY_MIN_CONTROLS, BINARY_CONTROL_SHARE * len(head)):
        return "binary"
    if head.lstrip(UTF8_BOM + b" \r\n\t")[:1] in (b"{", b"["):
        return "jsonl"
    return "csv"


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def check_table_file(path: Path, allowed: dict[str, str], what: str) -> str:
    """The file's kind, checked against its extension (`allowed`: suffix → kind); FileRejected,
    naming the file and what it really is, when it cannot be read as that."""
    name = path.name
    kind = allowed.get(path.suffix.lower())
    if kind is None:
        wanted = ", ".join(sorted(allowed))
        raise FileRejected(
            f"{name}: a {what} must be a {wanted} file; '{path.suffix or '(no extension)'}' "
            "files are not read. Save it in one of those formats and drop it in again.",
            rule="unsupported_format",
        )
    actual = sniff(path, read_head(path))
    if actual == "empty":
        raise FileRejected(f"{name}: the file is empty.", rule="empty_file")
    if actual == "jsonl" and kind == "csv":
        actual = "csv"  # a CSV whose first cell starts with a bracket: the header search decides
    if actual != kind:
        raise FileRejected(
            f"{name}: the extension says {KIND_LABEL[kind]} but the file is "
            f"{KIND_LABEL.get(actual, actual)}. Download or export the file again, or save it "
            "in the format its name claims.",
            rule="unreadable_file" if actual in UNREADABLE else "wrong_format",
        )
    return kind


# --- text ----------------------------------------------------------------------------------


def decode(path: Path, data: bytes, encoding: str, strict: bool = True) -> str:
    """The text of the file, its lines ended by "\\n" whatever the export used (CRLF, CR).

    Header detection decodes leniently (a stray byte must not hide which export this is);
    reading decodes strictly, so a wrong encoding is named as such. Lines are split on "\\n"
    only, never str.splitlines(), which also splits at characters that may sit inside a value
    (U+2028, U+0085, form feed) and would break a row or a JSON line in two."""
    codec = "utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec, errors="strict" if strict else "replace")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"{path.name}: not valid {encoding} text at byte {exc.start} (line {line}). "
            f"Save the file as {encoding}, or send it in the format of its legacy profile.",
            rule="bad_encoding",
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_any(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252: for published CSVs, whose encoding varies."""
    try:
        return decode(path, data, "utf-8")
    except FileRejected:
        return decode(path, data, "cp1252", strict=False)


# --- headers -------------------------------------------------------------------------------


def clean_heading(value: object) -> str:
    """A heading or label as a person reads it: ``[note N]`` removed, whitespace collapsed."""
    if value is None:
        return ""
    text = _NOTE_RE.sub(" ", str(value)).replace("\u00a0", " ").replace("\ufeff", "")
    return _WS_RE.sub(" ", text).strip()


def find_header(
    rows: Iterable[Sequence[object]], is_header: Callable[[list[object]], bool], limit: int
) -> int | None:
    """The 0-based index of the first of the top `limit` rows that `is_header` accepts."""
    for index, row in enumerate(rows):
        if index >= limit:
            break
        if is_header(list(row)):
            return index
    return None


# --- bytes ---------------------------------------------------------------------------------


def open_regular(path: Path):
    """Open for reading without following a link (one swapped in after the scan)."""
    return os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


TEMPORARY_MARK = ".tmp-"


def temporary_beside(target: Path) -> Path:
    """A hidden name beside ``target`` that only this process and thread write: ingest reads
    files in threads, and two identical files archive to the same target."""
    return target.with_name(f".{target.name}{TEMPORARY_MARK}{os.getpid()}-{threading.get_ident()}")


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Temporary files another process left in ``directory`` (a run killed mid-write). Only
    ever called under the data-dir lock, so no other process is writing there; this
    process's own temporaries are left alone."""
    mine = f"{TEMPORARY_MARK}{os.getpid()}-"
    removed = []
    if directory.is_dir():
        for path in directory.glob(f".*{TEMPORARY_MARK}*"):
            if mine not in path.name and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def atomic_write_parquet(frame: pl.DataFrame, target: Path) -> None:
    """Write beside the target, fsync, then rename: a reader or a crash sees all or nothing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(target)
    frame.write_parquet(tmp, statistics=False)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, target)


def atomic_write_bytes(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(target)
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
