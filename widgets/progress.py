"""A progress bar for long work in notebooks (building the demo, indexing, importing).

The catalogue reports progress through a plain ``progress(done, total)`` callback;
:class:`ProgressReporter` is such a callback that draws itself::

    from widgets import progress
    CatalogueIndex.build(ws, progress=progress("index"))
"""

from __future__ import annotations

import ipywidgets as w

from catalogue.i18n import t
from widgets.sizing import label_style, shared


class ProgressReporter(w.HBox):
    """An ``IntProgress`` with a label; call it as ``reporter(done, total)``.

    ``task`` names the work by its i18n key under ``[progress]`` (``demo``, ``files``,
    ``index``); ``description`` overrides the text. The bar redraws only when the whole
    percentage changes, so a million calls stay cheap.
    """

    def __init__(self, task: str = "index", description: str | None = None, **kwargs) -> None:
        text = description if description is not None else t(f"progress.{task}")
        self.bar = w.IntProgress(
            value=0,
            min=0,
            max=1,
            description=text,
            style=label_style(),
            layout=shared(width="420px"),
        )
        self.label = w.Label("")
        super().__init__([self.bar, self.label], **kwargs)
        self.add_class("imk-progress")
        self._percent = -1

    def __call__(self, done: int, total: int) -> None:
        """Show that ``done`` of ``total`` items are finished."""
        total = max(int(total), 0)
        done = min(max(int(done), 0), total) if total else 0
        finished = done >= total
        percent = 100 if not total else done * 100 // total
        if percent == self._percent and not finished:
            return
        self._percent = percent
        self.bar.max = max(total, 1)
        self.bar.value = done if total else 1
        self.bar.bar_style = "success" if finished else ""
        key = "progress.done" if finished else "progress.counter"
        self.label.value = t(key, done=done, total=total)

    @property
    def done(self) -> int:
        """Items finished so far (as last drawn)."""
        return self.bar.value

    @property
    def total(self) -> int:
        """Items in all (as last drawn)."""
        return self.bar.max


def progress(task: str = "index", description: str | None = None, show: bool = True):
    """A new :class:`ProgressReporter`, displayed in the notebook unless ``show`` is False."""
    reporter = ProgressReporter(task, description)
    if show:
        from IPython.display import display

        display(reporter)
    return reporter
