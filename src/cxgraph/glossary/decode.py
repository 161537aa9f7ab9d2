"""Turning a glossary file's bytes into text, or explaining why that is impossible."""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError

__all__ = ["decode_glossary", "read_glossary_bytes"]

_CONTROL_OK = {"\t", "\n", "\r", "\f", "\v"}


def read_glossary_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a missing or unreadable file is an :class:`InputError`."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the glossary file itself")
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


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
