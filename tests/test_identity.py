"""Who is working: the hub user's remembered full name signs every change, asked once, never
the bare login name; the expert's typed name signs the review; a collection names its
compiler."""

from __future__ import annotations

import getpass

import pytest

from catalogue import records
from catalogue.curation import identity
from catalogue.curation.identity import (
    IdentityError,
    current_user,
    known_name,
    login,
    remember_name,
    signer,
)
from catalogue.export import export_collection
from catalogue.i18n import t
from index.engine import CatalogueIndex
from widgets.collection_builder import CollectionBuilder, CollectionModel
from widgets.curation_desk import CurationDesk

FULL = "Иванова Анна Петровна"


@pytest.fixture(autouse=True)
def _nobody(monkeypatch):
    """No name from the environment: each test says who is logged in."""
    monkeypatch.delenv(identity.ENV_USER, raising=False)
    monkeypatch.setenv(identity.ENV_HUB_USER, "ivanova")


@pytest.mark.parametrize(
    ("hub", "expected"), [("ivanova", "ivanova"), ("", getpass.getuser()), ("  ", None)]
)
def test_the_login_is_the_hub_user_else_the_system_one(monkeypatch, hub, expected):
    monkeypatch.setenv(identity.ENV_HUB_USER, hub)
    assert login() == (expected or getpass.getuser())


def test_a_name_is_asked_once_and_remembered_per_login(workspace, monkeypatch):
    home = workspace.path
    assert known_name(home) == ""
    assert remember_name(home, "  Иванова   Анна Петровна ") == FULL
    assert known_name(home) == FULL
    monkeypatch.setenv(identity.ENV_HUB_USER, "petrov")
    assert known_name(home) == ""  # another methodist on the same hub is asked too
    remember_name(home, "Петров Пётр")
    assert known_name(home) == "Петров Пётр"
    monkeypatch.setenv(identity.ENV_HUB_USER, "ivanova")
    assert known_name(home) == FULL


def test_imk_user_overrides_and_commands_fall_back_to_the_login(workspace, monkeypatch):
    assert current_user(workspace.path) == "ivanova"
    monkeypatch.setenv(identity.ENV_USER, "Скриптов С. С.")
    assert known_name(workspace.path) == current_user(workspace.path) == "Скриптов С. С."


@pytest.mark.parametrize(
    ("typed", "key"),
    [("", "identity.empty"), ("   ", "identity.empty"), ("ivanova", "identity.login_name")],
)
def test_unusable_names_are_refused_with_a_message(workspace, typed, key):
    with pytest.raises(IdentityError) as caught:
        remember_name(workspace.path, typed)
    assert caught.value.key == key
    assert str(caught.value) and not (workspace.path / identity.PEOPLE_NAME).exists()


def test_nothing_is_signed_by_nobody():
    with pytest.raises(IdentityError, match="не указано, кто работает"):
        signer(" ")
    assert signer(f" {FULL} ") == FULL


def test_the_desk_asks_once_then_signs_with_the_full_name(workspace):
    workspace.store.save(records.new("material", title="Дроби", status="review"), by="Автор")
    desk = CurationDesk(CatalogueIndex.open(workspace))
    assert desk.user_box.value == "" and t("desk.user_needed") in desk.user_note.value
    desk.find("дроби")
    desk.hits.children[1].children[0].click()
    desk.editor.inputs["title"].value = "Дроби, новый урок"
    desk.editor.save_button.click()
    assert "не указано, кто работает" in desk.editor.status.value
    assert workspace.store.get(desk.editor.model.record.id).version == 1
    desk.user_box.value = "ivanova"  # the login name is not a name
    assert "имя входа" in desk.user_note.value
    desk.user_box.value = FULL
    desk.editor.save_button.click()
    assert workspace.store.get(desk.editor.model.record.id).updated_by == FULL
    again = CurationDesk(CatalogueIndex.open(workspace))  # the next day: not asked again
    assert again.user_box.value == FULL and again.review.reviewer.value == FULL


def test_the_expert_typed_in_the_review_form_signs_the_review(workspace):
    remember_name(workspace.path, FULL)
    record = workspace.store.save(
        records.new("material", title="Дроби", status="review"), by="Автор"
    )
    desk = CurationDesk(CatalogueIndex.open(workspace))
    desk.open_record(record.id)
    desk.review.reviewer.value = "Экспертова Е. Е."
    desk.review.scores["актуальность"].value = "5"
    desk.review.verdict.value = "approve"
    desk.review.submit.click()
    last = workspace.store.history(record.id)[-1]
    assert (last.action, last.saved_by) == ("review", "Экспертова Е. Е.")
    assert last.record.reviews[-1].reviewer == "Экспертова Е. Е."
    desk.user_box.value = "Петрова Мария"  # a changed worker does not replace a typed expert
    assert desk.review.reviewer.value == "Экспертова Е. Е."


def test_a_collection_names_its_compiler_and_the_export_shows_it(workspace):
    remember_name(workspace.path, FULL)
    workspace.store.save(records.new("material", title="Дроби", status="published"), by="А")
    index = CatalogueIndex.open(workspace)
    builder = CollectionBuilder(CollectionModel(index))
    builder.name_box.value, builder.title_box.value = "drobi", "Дроби"
    builder.create_button.click()
    assert builder.curator_box.value == FULL
    builder.curator_box.value = "Никитина  О. В."
    builder.model.add_all("дроби")
    assert builder.model.save() is not None
    assert workspace.store.collections.get("drobi").curator == "Никитина О. В."
    page = export_collection(workspace, "drobi", "html").read_text(encoding="utf-8")
    assert "Никитина О. В." in page and getpass.getuser() not in page.split("<body")[-1]
