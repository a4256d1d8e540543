"""gongshi (公示): turns a credit office's approved records into a static public credit portal and open data packs.

The build is a short list of stages, each a module with one public function (see ``generator.build``):
load → validate → rules → render → data packs → release → atomic swap.
"""

__version__ = "0.1.0"
