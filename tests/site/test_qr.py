"""The credit reports' QR codes: the drawing decodes to exactly the URL, whichever data mask it is drawn with; the
mask judged once for a portal's check URLs is the encoder's own choice for the sample and scores about as well as
each URL's best (segno's penalty rules, not the encoder's); the hand-written SVG path is segno's own writer's,
byte for byte, on the same modules; and the drawing is the same every time."""

from __future__ import annotations

import io
import random
import re

import numpy as np
import pytest
import segno
from segno.encoder import evaluate_mask

from generator.site import credit_report, qr
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


@pytest.mark.parametrize("mask", qr.MASKS)
def test_a_code_drawn_with_any_data_mask_reads_back_as_exactly_its_url(mask: int) -> None:
    for url in check_urls(3, seed=mask):
        svg = str(qr.qr_svg(url, mask))
        assert decode_svg(svg) == url and f'data-qr="{qr.DRAWN_BY}-mask{mask}"' in svg


def test_the_best_mask_of_a_url_draws_the_encoders_own_choice() -> None:
    for url in check_urls(20, seed=11):
        mask = qr.best_mask(url)
        assert mask is not None
        assert (qr.qr_matrix(url, mask) == qr.qr_matrix(url)).all()


def penalty(modules: np.ndarray) -> int:
    """ISO/IEC 18004's mask penalty of ``modules``, as segno scores it."""
    rows = tuple(bytearray(row.astype(np.uint8)) for row in modules)
    return int(evaluate_mask(rows, modules.shape[1], modules.shape[0]))


PORTALS = [
    BASE,
    "https://credit.linjiang.example.gov.cn/",
    "https://www.creditchina.gov.cn/",
    "http://xy.sz.gov.cn/",
]


@pytest.mark.parametrize("base", PORTALS)
def test_the_portal_mask_scores_about_as_well_as_each_check_urls_own_best(base: str) -> None:
    """One mask for all of a portal's reports (the encoder's most frequent choice on sample check URLs) costs
    their codes little of what judging each code gives: its penalty is within 5 % of the per-URL best in sum
    (measured 0.5–4.7 % on these four; mask 0 for all is 6–17 % off, one sample URL's choice was 3–17 % off)."""
    mask = credit_report.portal_mask(base)
    assert mask is not None
    rng = random.Random(base)
    ours, best = [], []
    for _ in range(60):
        code = "".join(rng.choice(credit_report.CODE_ALPHABET) for _ in range(18))
        number = credit_report.report_number("2026-11-20", f"{rng.getrandbits(256):064x}")
        scores = [penalty(qr.qr_matrix(credit_report.check_url(base, code, number), m)) for m in qr.MASKS]
        ours.append(scores[mask])
        best.append(min(scores))
    assert sum(ours) <= 1.05 * sum(best)


def test_the_most_common_mask_of_urls_is_the_one_the_encoder_chose_most_often() -> None:
    urls = check_urls(12, seed=7)
    chosen = [qr.best_mask(u) for u in urls]
    mask = qr.common_mask(tuple(urls))
    assert mask is not None and all(chosen.count(mask) >= chosen.count(m) for m in qr.MASKS)
    assert qr.common_mask(tuple(urls[:1])) == chosen[0]


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
    assert svg.startswith(f'<svg role="img" aria-label="{qr.LABEL}" data-qr="{qr.drawn_by(None)}" ')
    assert f'viewBox="0 0 {modules.shape[0] + 4} {modules.shape[1] + 4}"' in svg and "width=" not in svg
    traced = svg_modules(svg)
    assert (traced[2:-2, 2:-2] == modules).all() and not traced[:2].any() and not traced[:, -2:].any()


def test_the_same_url_is_drawn_the_same_bytes() -> None:
    for url in check_urls(5):
        assert str(qr.qr_svg(url)) == str(qr.qr_svg(url))
