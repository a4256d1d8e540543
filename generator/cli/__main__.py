"""``python -m generator.cli``: the same command line as ``gongshi``."""

from generator.cli import main

main()
