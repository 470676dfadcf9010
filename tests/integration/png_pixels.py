"""Read pixels of a PNG (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are), stdlib only."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_png(path: Path) -> tuple[int, int, int, bytearray]:
    """``(width, height, channels, pixels)``: rows top to bottom, ``channels`` bytes a pixel."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8, "only 8-bit PNGs"
    assert color in (2, 6), "only RGB or RGBA PNGs"
    assert interlace == 0, "only non-interlaced PNGs"
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    out, prev = bytearray(), bytearray(stride)
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = prev[i], prev[i - channels] if i >= channels else 0
            add = (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]
            line[i] = (line[i] + add) & 0xFF
        out += line
        prev = line
    return width, height, channels, out


def pixel(image: tuple[int, int, int, bytearray], x: int, y: int) -> tuple[int, int, int]:
    """The RGB colour at ``(x, y)``."""
    width, _, channels, pixels = image
    at = (y * width + x) * channels
    return pixels[at], pixels[at + 1], pixels[at + 2]
