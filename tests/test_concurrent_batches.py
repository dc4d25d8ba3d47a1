"""Two writers at the same moment on one catalogue: batches over the same records in opposite
order never deadlock, and two collections given one name at once end as one collection and a
Russian message (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from catalogue import records
from catalogue.i18n import t
from catalogue.records import Collection
from catalogue.store import ConflictError, StoreError
from catalogue.workspace import Workspace

pytestmark = pytest.mark.both_backends
ROUNDS = 25


def together(*jobs) -> list[BaseException | None]:
    """Run the jobs in threads started at one moment; what each raised (or None)."""
    start = threading.Barrier(len(jobs))
    outcomes: list[BaseException | None] = [None] * len(jobs)

    def run(n: int) -> None:
        start.wait()
        try:
            jobs[n]()
        except BaseException as exc:  # reported to the test
            outcomes[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_batches_over_the_same_records_in_opposite_order_never_deadlock(workspace):
    a, b = workspace.store.save_many(
        [records.new("material", title=f"Урок {n}", year=2024) for n in "АБ"], by="Автор"
    )
    saved = []

    def batch(order: list[str], who: str) -> None:
        with Workspace.open(workspace.path) as ws:
            for n in range(ROUNDS):
                batch = [ws.store.get(i) for i in order]
                for record in batch:
                    record.annotation = f"{who} {n}"
                try:
                    ws.store.save_many(batch, by=who)
                    saved.append(who)
                except ConflictError:  # the other saved first: read again next round
                    pass

    outcomes = together(
        lambda: batch([a.id, b.id], "Первая"), lambda: batch([b.id, a.id], "Вторая")
    )
    assert outcomes == [None, None]
    assert saved, "no batch was saved"
    last = {workspace.store.get(i).annotation for i in (a.id, b.id)}
    assert len(last) == 1  # both records come from the same batch
    assert workspace.store.get(a.id).version == len(saved) + 1


def test_one_name_given_to_two_collections_at_once(workspace):
    made = [Collection(name="drobi-5", title=title) for title in ("Дроби", "Тоже дроби")]

    stores = [Workspace.open(workspace.path) for _ in made]  # opened before the start
    try:
        outcomes = together(
            *(
                lambda ws=ws, c=c: ws.store.collections.save(c)
                for ws, c in zip(stores, made, strict=True)
            )
        )
    finally:
        for ws in stores:
            ws.close()
    refused = [exc for exc in outcomes if exc is not None]
    assert len(refused) == 1 and isinstance(refused[0], StoreError)
    assert str(refused[0]) == t("store.collection_exists", name="drobi-5")
    loser = made[outcomes.index(refused[0])]
    assert (loser.id, loser.version) == ("", 0)  # as it was given: saving it again is clean
    [stored] = workspace.store.collections.all()
    assert stored.title == made[outcomes.index(None)].title
