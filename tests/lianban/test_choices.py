"""Choice labels: each row's label in the request's language, from a dict built once."""

from django.utils import translation

from cases.models import ReviewTask, TaskState


def test_a_label_follows_the_active_language():
    task = ReviewTask(state=TaskState.APPROVED)
    assert task.get_state_display() == "准予"
    with translation.override("en"):
        assert task.get_state_display() == "Approved"
    assert task.get_state_display() == "准予"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert ReviewTask(state="lost").get_state_display() == "lost"


def test_the_choices_are_not_rebuilt_for_every_row(monkeypatch):
    calls = []
    original = translation._trans.gettext
    monkeypatch.setattr(translation._trans, "gettext", lambda m: calls.append(m) or original(m))
    rows = [ReviewTask(state=TaskState.IN_REVIEW) for _ in range(20)]
    labels = {row.get_state_display() for row in rows}
    assert labels == {"审查中"}
    assert len(calls) <= len(rows)  # one translation a row, not one a choice a row
