"""Building blocks of the load stage: batch files as grids of stripped text (the public entry is
``generator.load.read_records``).

Stage: load. Guarantees: a ``Sheet`` holds the header cells, one contiguous ``large_string`` column per header
cell (every cell stripped of surrounding blanks), the spreadsheet row number of every data row, and the rows
whose cell count does not fit the header; fully blank rows are gone but still counted in the numbering.
"""
