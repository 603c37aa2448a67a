"""The command line's bulk loads only: the COPY writer and its thread (see bulk.py, and
importing/writing.py for the choice of writer)."""
