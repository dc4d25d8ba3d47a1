"""ipywidgets components for the methodists' notebooks: the search panel and progress bars."""

from widgets.progress import ProgressReporter, progress
from widgets.search_model import SearchModel
from widgets.search_panel import SearchPanel

__all__ = ["ProgressReporter", "SearchModel", "SearchPanel", "progress"]
