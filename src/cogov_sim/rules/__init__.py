"""Behavioural rules: one module per mechanism.

Every function here is pure: it takes arrays and small state, returns new arrays, draws
randomness only from a ``numpy.random.Generator`` passed in, and does no I/O. Each module's
docstring names the source (a seed document in ``shared/seeds`` or the literature) that
the rule follows; ``docs/ODD.md`` maps the rules to the ODD+D elements.
"""
