"""Reconciliation: the engine (pure rules over a snapshot of figures) and its ways in and out:
selectors load the snapshot and read stored findings, services store them, views and exports
show them to auditors."""
