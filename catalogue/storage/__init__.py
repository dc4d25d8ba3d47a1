"""The parts of :class:`catalogue.store.Store`, one module per role."""
