"""Bytes to text: the encodings news files really arrive in, and clear refusals."""

from __future__ import annotations

import codecs
from pathlib import Path

from storytrace.errors import InputError

# Tried in order. cp1252 comes before Latin-1 because Windows-saved news text
# uses its curly quotes (0x93/0x94), which Latin-1 maps to control codes.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
HEAD_BYTES = 8192


def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control codes mean a binary file, whatever its name."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.05


def decode(data: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode with the declared charset (HTTP), else UTF-8, then the fallbacks.

    >>> decode("caf\u00e9".encode("cp1252"), "a.txt")
    ('café', 'cp1252')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if declared:
        try:
            return data.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall back to detection
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in FALLBACK_ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if looks_binary(text[:HEAD_BYTES].encode("utf-8", "replace")):
            break
        return text, enc
    raise InputError(source, "not text in UTF-8, cp1252 or Latin-1")


def human_size(n: int) -> str:
    """Bytes for people: '1.5 MB', '12 KB'.

    >>> human_size(1_500_000), human_size(12_000)
    ('1.5 MB', '12 KB')
    """
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.0f} KB"


def check_size(n: int, limit: int, source: str) -> None:
    if n > limit:
        raise InputError(
            source,
            f"article of {human_size(n)} is over the {human_size(limit)} limit "
            "(raise it with --max-bytes if this is really one article)",
        )


def read_head(path: Path) -> bytes:
    """The first bytes of a file, to detect its format without reading it whole."""
    try:
        with path.open("rb") as f:
            return f.read(HEAD_BYTES)
    except IsADirectoryError:
        raise InputError(str(path), "is a directory") from None
    except PermissionError:
        raise InputError(str(path), "permission denied") from None
    except OSError as e:
        raise InputError(str(path), f"cannot be read ({e.strerror or e})") from None


def read_text(path: Path, limit: int) -> tuple[str, str]:
    """Read a whole one-article file as text, refusing empty, binary and huge files."""
    source = str(path)
    head = read_head(path)
    if not head.strip():
        raise InputError(source, "empty file")
    if looks_binary(head):
        raise InputError(source, "binary file, not text")
    check_size(path.stat().st_size, limit, source)
    return decode(path.read_bytes(), source)
