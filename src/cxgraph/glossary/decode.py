"""Turning a glossary file's bytes into text, or explaining why that is impossible."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from ..errors import InputError, UsageError

__all__ = ["DEFAULT_MAX_SIZE", "decode_glossary", "format_size", "parse_size", "read_glossary_bytes"]

_CONTROL_OK = {"\t", "\n", "\r", "\f", "\v"}

#: The largest glossary file read unless told otherwise (``--max-size``): 50 MiB.
DEFAULT_MAX_SIZE = 50 * 1024 * 1024

_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """Bytes in ``text``: a number, optionally with K, M or G (powers of 1024), e.g. ``50M``, ``2GiB``."""
    match = _SIZE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise UsageError(f"--max-size {text!r}: give a size such as 50M, 200K, 2G or a number of bytes")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def format_size(size: int) -> str:
    """``52428800`` → ``50 MiB``."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"


def _too_large(path: Path, max_size: int) -> InputError:
    return InputError(
        f"{path}: larger than the {format_size(max_size)} a glossary may be; if it really is one "
        "glossary, raise the limit with --max-size (e.g. --max-size 200M)"
    )


def read_glossary_bytes(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The bytes of ``path``, at most ``max_size`` of them; anything else is an :class:`InputError`.

    The file is read in a bounded way, so a device or pipe that never ends (``/dev/zero``) is
    refused once the limit is passed instead of filling the memory.
    """
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the glossary file itself")
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_size:
                raise _too_large(path, max_size)
            data = handle.read(max_size + 1)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    if len(data) > max_size:
        raise _too_large(path, max_size)
    return data


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def decode_glossary(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or BOM-marked UTF-16 text.

    Raises :class:`InputError` for an empty file, a binary file or any other encoding, saying
    what to do; ``source`` names the file in the message.
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty; there are no glossary entries to import")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{source}: starts like UTF-16 text but is not valid UTF-16; save it as UTF-8") from exc
    else:
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(
                f"{source}: looks like a binary file (NUL byte at {_position(data, nul)}); "
                "export the glossary as plain text, Markdown or CSV first"
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: not UTF-8 text (byte 0x{data[exc.start]:02x} at {_position(data, exc.start)} "
                "cannot be decoded); the encoding is unknown, so save the file as UTF-8 and import it again"
            ) from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _CONTROL_OK)
    if controls > max(8, len(text) // 100):
        raise InputError(
            f"{source}: looks like a binary file ({controls} control characters); "
            "export the glossary as plain text, Markdown or CSV first"
        )
    if not text.strip():
        raise InputError(f"{source}: the file is empty; there are no glossary entries to import")
    return text
