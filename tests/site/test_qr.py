"""The credit reports' QR codes: the drawing decodes to exactly the URL; the hand-written SVG path is segno's own
writer's, byte for byte, on the same modules; and the drawing is the same every time."""

from __future__ import annotations

import io
import random
import re

import numpy as np
import pytest
import segno

from generator.site import qr
from tests.qrdecode import decode_svg, svg_modules

BASE = "https://credit.example.gov.cn/"


def check_urls(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    found = []
    for _ in range(n):
        code = "".join(rng.choice(alphabet) for _ in range(18))
        number = f"{rng.randrange(2024, 2030)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}-{rng.getrandbits(64):016x}"
        found.append(f"{BASE}check/?code={code}&no={number}")
    return found


@pytest.mark.parametrize("url", [*check_urls(40), "https://x.cn/", BASE + "check/?code=" + "A" * 300])
def test_a_drawn_code_reads_back_as_exactly_its_url(url: str) -> None:
    assert decode_svg(str(qr.qr_svg(url))) == url


def test_the_path_is_segnos_own_for_the_same_modules() -> None:
    """The writer is checked against segno's on segno's matrices of several sizes (versions 1–10), and with
    patterns no real code has (an empty row, a row dark to the edge, a lone module)."""
    for i, url in enumerate(["a", *check_urls(12), "x" * 150]):
        code = segno.make(url, error="m", mask=i % 8, boost_error=False)
        out = io.BytesIO()
        code.save(out, kind="svg", xmldecl=False, svgns=True, omitsize=True, border=qr.BORDER, svgclass="c")
        theirs = re.search(r' d="([^"]*)"', out.getvalue().decode("ascii"))
        assert theirs is not None
        assert qr.svg_path(np.array([list(row) for row in code.matrix], dtype=bool)) == theirs.group(1)
    odd = np.zeros((5, 5), dtype=bool)
    odd[1, :] = True
    odd[3, 4] = True
    odd[4, 0] = True
    assert qr.svg_path(odd) == "M2 3.5h5m-1 2h1m-5 1h1"
    assert qr.svg_path(np.zeros((3, 3), dtype=bool)) == ""


def test_the_svg_is_sized_by_css_labelled_and_marked_with_how_it_was_drawn() -> None:
    url = check_urls(1)[0]
    svg = str(qr.qr_svg(url))
    modules = qr.qr_matrix(url)
    assert svg.startswith(f'<svg role="img" aria-label="{qr.LABEL}" data-qr="{qr.DRAWN_BY}" ')
    assert f'viewBox="0 0 {modules.shape[0] + 4} {modules.shape[1] + 4}"' in svg and "width=" not in svg
    traced = svg_modules(svg)
    assert (traced[2:-2, 2:-2] == modules).all() and not traced[:2].any() and not traced[:, -2:].any()


def test_the_same_url_is_drawn_the_same_bytes() -> None:
    for url in check_urls(5):
        assert str(qr.qr_svg(url)) == str(qr.qr_svg(url))
