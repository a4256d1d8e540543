"""Synthetic catalogs for demos, tests and benchmarks (``gongshi sample``) and the embedded demo city.

Stage: sample. Public function: ``write_sample(out, records, seed=0) -> SampleSummary`` (see ``core``).
"""

from generator.sample.core import SampleSummary, write_sample

__all__ = ["SampleSummary", "write_sample"]
