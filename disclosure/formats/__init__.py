"""Everything that differs between disclosure formats (base.py: the interface and registry).

Importing the package registers the formats this project ships.
"""

from . import budget, simple2014, standard  # noqa: F401  (each module registers its format)
