"""The Teams app's two icons, drawn in code and written as PNG with zlib alone (no imaging library)."""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable

Rgba = tuple[int, int, int, int]
Shape = Callable[[float, float], bool]  # is the point (x, y), both 0..1 from the top left, inside?

COLOR_SIZE = 192
OUTLINE_SIZE = 32
WHITE = (255, 255, 255)
SAMPLES = 3  # per axis and pixel, for smooth edges


def bell(x: float, y: float) -> bool:
    """An alarm bell: knob, dome, flared body, rim and clapper."""
    dx = x - 0.5
    return (
        math.hypot(dx, y - 0.2) <= 0.05
        or (y <= 0.46 and math.hypot(dx, y - 0.46) <= 0.24)
        or (0.46 <= y <= 0.68 and abs(dx) <= 0.24 + (y - 0.46) * 0.4)
        or (0.68 <= y <= 0.74 and abs(dx) <= 0.36)
        or math.hypot(dx, y - 0.8) <= 0.065
    )


def color_icon(accent: str) -> bytes:
    """192x192, opaque: the bell in white on the accent colour."""
    background = _rgb(accent)
    return png(COLOR_SIZE, lambda cover: (*_mix(background, WHITE, cover), 255), _scaled(bell, 0.12))


def outline_icon() -> bytes:
    """32x32: the bell in white on a transparent background, as Teams wants the outline icon."""
    return png(OUTLINE_SIZE, lambda cover: (*WHITE, round(255 * cover)), _scaled(bell, 0.0))


def png(size: int, paint: Callable[[float], Rgba], shape: Shape) -> bytes:
    """A square RGBA PNG; `paint` colours a pixel by how much of it the shape covers (0..1)."""
    rows = bytearray()
    for row in range(size):
        rows.append(0)  # filter type None
        for column in range(size):
            rows.extend(paint(_coverage(shape, column, row, size)))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _coverage(shape: Shape, column: int, row: int, size: int) -> float:
    steps = [(index + 0.5) / SAMPLES for index in range(SAMPLES)]
    hits = sum(shape((column + dx) / size, (row + dy) / size) for dx in steps for dy in steps)
    return hits / SAMPLES**2


def _scaled(shape: Shape, margin: float) -> Shape:
    """The shape shrunk to leave `margin` (a fraction of the side) free around it."""
    inner = 1 - 2 * margin
    return lambda x, y: shape((x - margin) / inner, (y - margin) / inner)


def _mix(back: tuple[int, int, int], front: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    red, green, blue = (round(b + (f - b) * amount) for b, f in zip(back, front, strict=True))
    return red, green, blue


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
