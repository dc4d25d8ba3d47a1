"""The ``imk`` program: the one place that imports every package and wires them together."""
