"""Segment sub-files are read from the memory map (index/segment_files.py): the reader behaves
as the BytesIO copy Whoosh made, and an opened index reads through it."""

from __future__ import annotations

import pickle
from io import BytesIO

import pytest
from whoosh.filedb.structfile import StructFile

from index.segment_files import LINE_CHUNK, MappedFile, ViewReader

DATA = b"first line\n" + bytes(range(256)) * 40 + b"\n" + b"x" * (LINE_CHUNK * 2) + b"\nlast"

# each step: (method, arguments)
STEPS = [
    [("read", (5,)), ("tell", ()), ("read", (-1,)), ("read", (3,))],
    [("readline", ()), ("readline", ()), ("readline", ()), ("readline", ()), ("readline", ())],
    [("seek", (20,)), ("read", (10,)), ("seek", (-4, 1)), ("read", (8,)), ("tell", ())],
    [("seek", (-4, 2)), ("read", (100,)), ("seek", (3,)), ("readline", (4,)), ("readline", ())],
    [("read", (None,)), ("seek", (0,)), ("readline", (-1,)), ("tell", ())],
]


@pytest.mark.parametrize("steps", STEPS)
def test_the_view_reads_as_a_copy_would(steps):
    view, copy = ViewReader(memoryview(DATA)), BytesIO(DATA)
    for method, args in steps:
        assert getattr(view, method)(*args) == getattr(copy, method)(*args), (method, args)
    assert list(ViewReader(memoryview(DATA))) == list(BytesIO(DATA))


def test_pickles_load_from_the_view():
    objects = [{"segment": "x", "docs": list(range(1000))}, ("b", b"\n\n", 2.5)]
    data = b"".join(pickle.dumps(o, protocol) for o in objects for protocol in (2, 5))
    f, copy = MappedFile(memoryview(data)), StructFile(BytesIO(data))
    for _ in range(4):
        assert f.read_pickle() == copy.read_pickle()
        assert f.tell() == copy.tell()  # the next read starts where the pickle ended
    with pytest.raises(EOFError):
        f.read_pickle()
    f.close()
    assert f.is_closed


def test_an_opened_index_reads_its_segments_in_place(demo_index):
    reader = demo_index.searcher().reader()
    files = [leaf._terms._dbfile for leaf, _ in reader.leaf_readers()]
    assert files and all(isinstance(f, MappedFile) for f in files)
    assert demo_index.search("урок").total > 0
