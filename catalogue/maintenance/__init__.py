"""Keeping a workspace sound: healing leftovers, ``imk doctor``, ``imk backup`` and ``restore``."""
