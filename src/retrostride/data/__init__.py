"""Data files shipped with the package (Compendium rows, programs)."""
