"""The parts of :class:`catalogue.store.Store`, one module per role, sharing one database.

:mod:`~catalogue.storage.base` holds :class:`~catalogue.storage.base.Database` (the one way to
write), :mod:`~catalogue.storage.records` the one writer of record and version rows,
:mod:`~catalogue.storage.common` what needs no database driver, and
:mod:`~catalogue.storage.lookups` the statements a search runs, also over plain ``sqlite3``
(:mod:`~catalogue.storage.sqlite_reads`).
"""
