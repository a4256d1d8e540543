"""The credit commitment column (信用承诺专栏): commitment-letter templates, their pages and Word files.

Stage: load (``load_commitments``) and render (``commitment_outputs``). Guarantees: see the modules —
``load`` validates ``catalog/commitments/<id>.md`` into ``Commitment`` values and problems; ``outputs`` turns them
into mkdocs pages, deterministic .docx files and nav entries, without I/O.
"""

from generator.commitments.load import load_commitments
from generator.commitments.model import PLACEHOLDERS, Commitment, CommitmentMeta, CommitmentOutputs
from generator.commitments.outputs import commitment_outputs

__all__ = [
    "PLACEHOLDERS",
    "Commitment",
    "CommitmentMeta",
    "CommitmentOutputs",
    "commitment_outputs",
    "load_commitments",
]
