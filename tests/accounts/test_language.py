"""The language a user reads the site in is kept on their account, so that what reaches them
later (notifications, their mail) comes in that language too."""

from cases.models import Notification
from cases.notifications import notify

PASSWORD = "correct horse battery"  # the cast's password (tests/conftest.py)
# A message the English catalogue translates (cases/supervision.py).
MESSAGE = "【已超期】办件 %(number)s 的事项“%(item)s”已于 %(due)s 超期。"
PARAMS = {"number": "139999-20260302-0001", "item": "施工许可", "due": "2026-03-05"}


def switch(client, language):
    return client.post("/i18n/setlang/", {"language": language, "next": "/"})


def test_switching_to_english_keeps_english_for_the_users_notifications(client, applicant):
    client.force_login(applicant)
    assert switch(client, "en").status_code == 302
    applicant.refresh_from_db()
    assert applicant.language == "en"
    notify([applicant], None, "k1", MESSAGE, PARAMS)
    assert Notification.objects.get(user=applicant, key="k1").message.startswith("[Overdue] Case ")


def test_switching_back_to_chinese_is_kept_too(client, applicant):
    applicant.language = "en"
    applicant.save()
    client.force_login(applicant)
    switch(client, "zh-hans")
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans"
    notify([applicant], None, "k2", MESSAGE, PARAMS)
    assert Notification.objects.get(user=applicant, key="k2").message.startswith("【已超期】办件")


def test_a_language_the_site_does_not_offer_changes_nothing(client, applicant):
    client.force_login(applicant)
    switch(client, "fr")
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans"


def test_a_visitor_switches_language_without_an_account(client):
    response = switch(client, "en")
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


def test_logging_in_from_an_english_page_keeps_english(client, applicant):
    client.cookies["django_language"] = "en"
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.language == "en"


def test_the_switch_is_a_post(client, applicant):
    client.force_login(applicant)
    assert client.get("/i18n/setlang/?language=en").status_code == 405
    applicant.refresh_from_db()
    assert applicant.language == "zh-hans"
