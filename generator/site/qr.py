"""QR codes as inline SVG, for the credit reports' check URLs.

Stage: render site (called once per credit report a build draws). Guarantees: ``qr_svg(url, mask)`` is a QR code
of exactly ``url`` (error correction level M, the smallest version that holds it, data mask ``mask``), drawn as
one SVG path of dark runs inside a quiet zone of ``BORDER`` modules, sized by CSS (``viewBox`` only); the same
URL, mask and zxing-cpp version give the same bytes. ``drawn_by(mask)`` names what a drawing depends on besides
the URL, so that a report can reuse the previous site's drawing only when it was made the same way.

zxing-cpp (zint's encoder, in C++) makes the module matrix. Left to choose the mask it scores all eight (ISO/IEC
18004's penalty rules): 0.22 ms a code, against 0.03 ms with the mask given — measured here on the reports' check
URLs, and one code per subject was a fifth of a 200 k-record first build's CPU. Every mask reads back alike (the
format information names it); the penalty only steers clear of patterns that make scanning harder. So the caller
has the encoder judge a sample of URLs shaped like all it will draw once (``common_mask``: the check URLs of one
portal differ only in a code and a number of fixed lengths), and draws every code with the mask it chose most
often: over 100 check URLs of each of four base URLs, that mask's penalty (segno's scoring) was 0.5–4.7 % above
each URL's own best in sum (the encoder's own per-URL pick: 0–0.1 %), mask 0 for every portal 6–17 %; see the
tests. zxing-cpp's SVG writer costs more than the encoding, so the path is written here from the matrix with
numpy, in segno's compact form (a stroke one module wide along each row's runs, relative moves): the tests check
it against segno's writer on segno's matrices, and decode the drawn SVG with zxing-cpp's reader.
"""

from __future__ import annotations

from collections import Counter
from importlib.metadata import version

import numpy as np
import zxingcpp
from markupsafe import Markup

BORDER = 2  # quiet-zone modules around the code (a printed page's white margin adds to it)
ERROR_LEVEL = "M"
DRAWN_BY = f"zxing-cpp-{version('zxing-cpp')}-{ERROR_LEVEL}"
LABEL = "核验本报告的二维码"
MASKS = range(8)
Modules = np.ndarray[tuple[int, int], np.dtype[np.bool_]]


def qr_svg(url: str, mask: int | None = None, css_class: str = "gs-report__qr") -> Markup:
    """A QR code of ``url`` drawn with data mask ``mask`` (None: the one the encoder judges best for ``url``) as
    an inline SVG element (sized by CSS), labelled for screen readers."""
    modules = qr_matrix(url, mask)
    size = modules.shape[0] + 2 * BORDER
    return Markup(
        f'<svg role="img" aria-label="{LABEL}" data-qr="{drawn_by(mask)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {size} {size}" class="{css_class}"><path class="qrline" stroke="#000" '
        f'd="{svg_path(modules)}"/></svg>\n'
    )


def drawn_by(mask: int | None) -> str:
    """What a drawing with ``mask`` depends on besides its URL (its ``data-qr``)."""
    return DRAWN_BY if mask is None else f"{DRAWN_BY}-mask{mask}"


def common_mask(urls: tuple[str, ...]) -> int | None:
    """The data mask the encoder judges best most often among ``urls`` (of equal counts the lowest); None when
    it judges none of them (``best_mask``)."""
    counts = Counter(m for m in map(best_mask, urls) if m is not None)
    return max(counts, key=lambda m: (counts[m], -m)) if counts else None


def best_mask(url: str) -> int | None:
    """The data mask the encoder judges best for ``url``: the one whose drawing is the encoder's own choice
    (zxing-cpp does not say which it chose); None if no single mask gives it."""
    chosen = qr_matrix(url)
    return next((m for m in MASKS if np.array_equal(qr_matrix(url, m), chosen)), None)


def qr_matrix(url: str, mask: int | None = None) -> Modules:
    """The code's modules with data mask ``mask`` (None: the encoder's choice), True where dark, without a
    quiet zone."""
    given = {} if mask is None else {"data_mask": mask}
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR_LEVEL, **given)
    return np.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128


def svg_path(modules: Modules, border: int = BORDER) -> str:
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
