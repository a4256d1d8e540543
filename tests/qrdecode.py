"""Reading a drawn QR code back, for the tests: the SVG path is traced into modules by its own commands (not by
the code that wrote it) and the raster is decoded by zxing-cpp's reader (zxing's decoder, not the zint encoder
that drew the code)."""

from __future__ import annotations

import re

import numpy as np
import zxingcpp

PATH = re.compile(r'viewBox="0 0 (\d+) (\d+)".*?<path[^>]* d="([^"]*)"', re.S)
MOVE = re.compile(r"([Mm])(-?[\d.]+) (-?[\d.]+)h(\d+)")
SCALE = 4  # pixels a module: readers want more than one


def svg_modules(svg: str) -> np.ndarray:
    """The dark modules an SVG of one stroked path (segno's form: one-module-wide horizontal lines) draws."""
    found = PATH.search(svg)
    assert found is not None, "no viewBox and path"
    width, height, d = int(found.group(1)), int(found.group(2)), found.group(3)
    grid = np.zeros((height, width), dtype=bool)
    x = y = 0.0
    for move, dx, dy, length in MOVE.findall(d):
        x, y = (float(dx), float(dy)) if move == "M" else (x + float(dx), y + float(dy))
        row, n = int(y - 0.5), int(length)
        assert row + 0.5 == y and float(x).is_integer(), f"a line off the module grid at {x}, {y}"
        grid[row, int(x) : int(x) + n] = True
        x += n
    assert "".join(m[0] + f"{m[1]} {m[2]}h{m[3]}" for m in MOVE.findall(d)) == d, "unexpected path commands"
    return grid


def decode_svg(svg: str) -> str | None:
    """The text of the QR code an SVG draws, or None when the reader finds none."""
    grid = svg_modules(svg)
    pixels = np.where(np.pad(grid, 4), 0, 255).astype(np.uint8).repeat(SCALE, 0).repeat(SCALE, 1)
    found = zxingcpp.read_barcode(pixels, formats=zxingcpp.BarcodeFormat.QRCode)
    return found.text if found is not None and found.valid else None
