"""Building blocks of the validate stage (the public entry is ``generator.validate.validate``).

Stage: validate. Guarantees: every check works on whole columns (pandas/pyarrow/numpy, or on the column's
distinct values) and agrees with the scalar reference in ``generator.identifiers`` and with frictionless.
"""
