"""The review workflow: allowed transitions only, approval before publication, expert reviews."""

from __future__ import annotations

import itertools

import pytest

from catalogue import records
from catalogue.curation import (
    CRITERIA,
    TRANSITIONS,
    WorkflowError,
    add_review,
    allowed,
    change_status,
)
from catalogue.curation.workflow import (
    NEEDS_APPROVAL,
    approved,
    average,
    save_edit,
    status_name,
)
from catalogue.i18n import t
from tests.live_widgets import live_widgets
from widgets.history_panel import action_name
from widgets.review_panel import ReviewPanel, reviews_html

pytestmark = pytest.mark.both_backends

STATUSES = list(TRANSITIONS)
GOOD = {"актуальность": 5, "соответствие ФГОС": 4}


def saved(workspace, status="draft", approving=False):
    record = records.new("material", title="Конспект урока", status=status)
    if approving:
        record.reviews.append(records.Review("Эксперт", "2025-01-10", GOOD, "", "approve"))
    return workspace.store.save(record, by="Автор")


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STATUSES, STATUSES)))
def test_only_listed_transitions_are_allowed(workspace, start, to):
    record = saved(workspace, start, approving=True)
    if to in TRANSITIONS[start]:
        moved = change_status(workspace.store, record, to, by="Методистова")
        assert moved.status == to and moved.version == 2
        last = workspace.store.history(record.id)[-1]
        assert (last.saved_by, last.action) == ("Методистова", "status")
    else:
        with pytest.raises(WorkflowError) as caught:
            change_status(workspace.store, record, to, by="Методистова")
        assert status_name(to) in str(caught.value)
        assert workspace.store.get(record.id).version == 1


@pytest.mark.parametrize(
    ("start", "to"), [(s, to) for s in STATUSES for to in NEEDS_APPROVAL if to in allowed(s)]
)
def test_approval_and_publication_need_an_approving_review(workspace, start, to):
    record = saved(workspace, start)
    with pytest.raises(WorkflowError) as caught:
        change_status(workspace.store, record, to, by="Методистова")
    assert "нет одобряющего" in str(caught.value)


def test_review_cannot_jump_to_published(workspace):
    record = saved(workspace, "review", approving=True)
    with pytest.raises(WorkflowError, match=r"«на экспертизе».*«опубликовано»"):
        change_status(workspace.store, record, "published", by="Методистова")


@pytest.mark.parametrize(
    ("verdict", "status"), [("approve", "approved"), ("revise", "revision"), ("", "review")]
)
def test_a_review_records_scores_and_moves_the_status(workspace, verdict, status):
    record = saved(workspace, "review")
    after = add_review(workspace.store, record, "Климова Т. А.", GOOD, "Исправить список", verdict)
    assert after.status == status
    review = after.reviews[-1]
    assert (review.reviewer, review.scores, review.verdict) == ("Климова Т. А.", GOOD, verdict)
    assert average(review) == 4.5
    assert approved(after) == (verdict == "approve")
    last = workspace.store.history(record.id)[-1]
    assert (last.action, last.saved_by) == ("review", "Климова Т. А.")


def test_full_path_from_draft_to_archive(workspace):
    store = workspace.store
    record = saved(workspace)
    record = change_status(store, record, "review", "Автор")
    record = add_review(store, record, "Эксперт", GOOD, "Доработать вывод", "revise")
    record = change_status(store, record, "review", "Автор")
    with pytest.raises(WorkflowError):  # the latest verdict still says «revise»
        change_status(store, record, "approved", "Автор")
    record = add_review(store, record, "Эксперт", GOOD, "", "approve")
    record = change_status(store, record, "published", "Методист")
    record = change_status(store, record, "archived", "Методист")
    actions = [v.action for v in store.history(record.id)]
    assert actions == ["create", "status", "review", "status", "review", "status", "status"]
    assert [v.record.status for v in store.history(record.id)][-1] == "archived"


@pytest.mark.parametrize(
    ("status", "reviewer", "scores", "comment", "verdict", "message"),
    [
        ("draft", "Эксперт", GOOD, "", "approve", "не на экспертизе"),
        ("review", " ", GOOD, "", "approve", "Укажите эксперта"),
        ("review", "Эксперт", {"красота": 5}, "", "approve", "Критерия «красота»"),
        ("review", "Эксперт", {"новизна": 7}, "", "approve", "от 1 до 5"),
        ("review", "Эксперт", GOOD, "", "maybe", "не понято"),
        ("review", "Эксперт", GOOD, " ", "revise", "что исправить"),
    ],
)
def test_bad_reviews_are_refused_with_a_russian_message(
    workspace, status, reviewer, scores, comment, verdict, message
):
    record = saved(workspace, status)
    with pytest.raises(WorkflowError, match=message):
        add_review(workspace.store, record, reviewer, scores, comment, verdict)
    assert workspace.store.get(record.id).version == 1


def test_unknown_status_is_named(workspace):
    with pytest.raises(WorkflowError, match="«ready»"):
        change_status(workspace.store, saved(workspace), "ready", "Автор")


@pytest.mark.parametrize("status", STATUSES)
def test_panel_offers_exactly_the_allowed_steps(workspace, status):
    record = saved(workspace, status)
    panel = ReviewPanel(workspace.store, user="Методистова")
    panel.show(record.id)
    assert [b.description for b in panel.steps.children] == [
        t(f"review.to_{to}") for to in allowed(status)
    ]
    assert all(
        f"imk-to-{to}" in b._dom_classes
        for b, to in zip(panel.steps.children, allowed(status), strict=True)
    )
    assert (panel.form.layout.display != "none") == (status == "review")


def test_showing_records_again_and_again_makes_no_new_widgets(workspace):
    """A status's step button is made once and shown whenever that step is allowed."""
    ids = [saved(workspace, status, approving=True).id for status in STATUSES]
    panel = ReviewPanel(workspace.store, user="Методистова")
    for record_id in ids:
        panel.show(record_id)
    alive = live_widgets()
    for _ in range(5):
        for record_id, status in zip(ids, STATUSES, strict=True):
            panel.show(record_id)
            assert [b.description for b in panel.steps.children] == [
                t(f"review.to_{to}") for to in allowed(status)
            ]
        assert live_widgets() == alive
    panel.show(ids[0])
    next(b for b in panel.steps.children if "imk-to-review" in b._dom_classes).click()
    assert workspace.store.get(ids[0]).status == "review"


def test_panel_review_form_approves_then_publishes(workspace):
    record = saved(workspace, "review")
    seen = []
    panel = ReviewPanel(
        workspace.store, user="Методистова", on_change=lambda r: seen.append(r.status)
    )
    panel.show(record.id)
    panel.reviewer.value = "Климова Т. А."
    for name in CRITERIA[:3]:
        panel.scores[name].value = "5"
    panel.comment.value = "Рекомендуется к публикации"
    panel.verdict.value = "approve"
    panel.submit.click()
    assert panel.record.status == "approved"
    assert "Заключение добавлено" in panel.message.value
    assert "Рекомендуется к публикации" in panel.reviews.value
    assert panel.verdict.value == "" and panel.comment.value == ""
    publish = next(b for b in panel.steps.children if "imk-to-published" in b._dom_classes)
    publish.click()
    assert workspace.store.get(record.id).status == "published"
    assert seen == ["approved", "published"]


def test_panel_shows_refusals_and_stale_records(workspace):
    record = saved(workspace, "review")
    panel = ReviewPanel(workspace.store, user="Методистова")
    panel.show(record.id)
    other = workspace.store.get(record.id)
    other.title = "Правка коллеги"
    workspace.store.save(other, by="Коллега")
    assert panel.move("revision") is None
    assert "Коллега" in panel.message.value and "imk-error" in panel.message.value
    assert panel.record.version == 2  # re-read: the next click works on the current version
    assert panel.move("revision").status == "revision"


def test_reviews_html_escapes_and_orders_newest_first(workspace):
    record = saved(workspace, "review")
    record.reviews = [
        records.Review("<b>Первый</b>", "2024-01-01", {}, "", ""),
        records.Review("Второй", "2025-01-01", GOOD, "ok", "approve"),
    ]
    html = reviews_html(record)
    assert html.index("Второй") < html.index("Первый") and "<b>Первый" not in html
    assert reviews_html(records.new("material", title="x")) == f"<i>{t('review.none')}</i>"


@pytest.mark.parametrize("status", STATUSES)
def test_an_edit_sends_only_approved_records_back_on_review(workspace, status):
    record = saved(workspace, status, approving=True)
    record.title = "Конспект урока, исправленный"
    after = save_edit(workspace.store, record, "Методистова")
    reopened = status in ("approved", "published")
    last = workspace.store.history(record.id)[-1]
    assert after.status == ("review" if reopened else status)
    assert last.action == ("reopen" if reopened else "update")
    assert "экспертиз" in action_name("reopen")


@pytest.mark.parametrize(
    ("scores", "shown"),
    [
        ({"актуальность": 5}, "5"),
        ({"актуальность": 5, "новизна": 4}, "4,5"),
        ({"актуальность": 5, "новизна": 4, "соответствие ФГОС": 4}, "4,3"),
    ],
)
def test_review_means_and_dates_are_written_the_russian_way(scores, shown):
    record = records.new("material", title="x")
    record.reviews = [records.Review("Эксперт", "2025-01-10", scores, "", "")]
    html = reviews_html(record)
    assert f"средний балл {shown}" in html and "10.01.2025" in html and "5.0" not in html
