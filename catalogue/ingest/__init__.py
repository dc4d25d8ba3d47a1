"""Importing real documents and spreadsheets into the catalogue.

``import_paths(ws, paths)`` (:mod:`.pipeline`) is the entry point used by ``imk import`` and
the notebook helper :func:`widgets.importing.import_files`. See :mod:`.suggest` for metadata
suggestions, :mod:`.fpu` for the federal list of textbooks, :mod:`.tables` for spreadsheets of
records, :mod:`.duplicates` for near-duplicates and :mod:`.report` for the import report.
"""
