"""The data user's side of the open data: ``gongshi verify`` (is every file whole and signed by the office?)
and ``gongshi mirror`` (keep a verified copy current by deltas, or by the full files when deltas cannot reach).

Stage: none (run by credit-service firms and journalists against a published portal, never by the build).
Guarantees: read-only towards the portal; every problem is a ``Problem`` value naming the file (URL or path)
and what was expected and found; only the CLI turns them into exit codes. See ``docs/releases.md``.
"""

from __future__ import annotations

from generator.mirror.source import Source, open_source
from generator.mirror.sync import Mirrored, mirror
from generator.mirror.verify import Check, verify

__all__ = ["Check", "Mirrored", "Source", "mirror", "open_source", "verify"]
