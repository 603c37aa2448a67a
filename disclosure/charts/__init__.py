"""Charts drawn on the server as SVG: no JavaScript, no chart library, printable.

svg.py is the geometry (pure functions, golden-tested); checks.py says whether a chart's figures
passed reconciliation; build.py turns a page's figures (each format's, through the Format
interface) into the charts the templates display beside the table of their figures.
"""
