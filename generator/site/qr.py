"""QR codes as inline SVG, for the credit reports' check URLs.

Stage: render site (called once per credit report a build draws). Guarantees: ``qr_svg(url)`` is a QR code of
exactly ``url`` (error correction level M, the smallest version that holds it, the mask the encoder judges best),
drawn as one SVG path of dark runs inside a quiet zone of ``BORDER`` modules, sized by CSS (``viewBox`` only);
the same URL and zxing-cpp version give the same bytes. ``DRAWN_BY`` names what a drawing depends on besides the
URL, so that a report can reuse the previous site's drawing only when it was made the same way.

zxing-cpp (zint's encoder, in C++) makes the module matrix: about 0.4 ms a code, against 2.6 ms for segno (pure
Python) with a fixed mask — measured, and one code per subject is most of a first build's report cost at city
scale. Its own SVG writer costs twice the encoding, so the path is written here from the matrix with numpy, in
segno's compact form (a stroke one module wide along each row's runs, relative moves): the tests check it
against segno's writer on segno's matrices, and decode the drawn SVG with zxing-cpp's reader.
"""

from __future__ import annotations

from importlib.metadata import version

import numpy as np
import zxingcpp
from markupsafe import Markup

BORDER = 2  # quiet-zone modules around the code (a printed page's white margin adds to it)
ERROR_LEVEL = "M"
DRAWN_BY = f"zxing-cpp-{version('zxing-cpp')}-{ERROR_LEVEL}"
LABEL = "核验本报告的二维码"


def qr_svg(url: str, css_class: str = "gs-report__qr") -> Markup:
    """A QR code of ``url`` as an inline SVG element (sized by CSS), labelled for screen readers."""
    modules = qr_matrix(url)
    size = modules.shape[0] + 2 * BORDER
    return Markup(
        f'<svg role="img" aria-label="{LABEL}" data-qr="{DRAWN_BY}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {size} {size}" class="{css_class}"><path class="qrline" stroke="#000" '
        f'd="{svg_path(modules)}"/></svg>\n'
    )


def qr_matrix(url: str) -> np.ndarray[tuple[int, int], np.dtype[np.bool_]]:
    """The code's modules, True where dark, without a quiet zone."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL)
    return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128


def svg_path(modules: np.ndarray[tuple[int, int], np.dtype[np.bool_]], border: int = BORDER) -> str:
    """The path data of the dark runs of ``modules`` (row by row, each run a horizontal line through the
    middle of its row), moved by ``border`` modules; segno's form: ``M<x> <y>h<length>``, then
    ``m<dx> <dy>h<length>`` relative to the end of the previous run."""
    rows, cols = modules.shape
    padded = np.zeros((rows, cols + 2), dtype=np.int8)
    padded[:, 1:-1] = modules
    edges = np.diff(padded, axis=1)
    row, start = np.nonzero(edges == 1)  # row-major order: runs in reading order
    end = np.nonzero(edges == -1)[1]
    if not len(start):
        return ""
    length = end - start
    moves = zip(
        (start[1:] - end[:-1]).tolist(), (row[1:] - row[:-1]).tolist(), length[1:].tolist(), strict=True
    )
    head = f"M{start[0] + border} {row[0] + border + 0.5}h{length[0]}"
    return head + "".join([f"m{dx} {dy}h{n}" for dx, dy, n in moves])
