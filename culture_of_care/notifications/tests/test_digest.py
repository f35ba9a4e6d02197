"""The digest: grouping, preferences, one e-mail a day, unsubscribe, the in-app list, the
account page and the dry run (tasks eager; the real worker is in test_worker.py)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.tests.factories import ActionFactory
from culture_of_care.accounts.models import NotificationPreference
from culture_of_care.notifications import kinds, selectors, services, tasks
from culture_of_care.notifications.kinds import DueItem, Frequency, Kind
from culture_of_care.notifications.models import DIGEST, ItemMark, SentLog, SentState

MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


@pytest.fixture
def due(ward_member):
    """A test kind that says whatever ``due.items`` holds, for ``ward_member`` only."""

    class Source:
        items: list[DueItem] = []

        def __call__(self, user, today):
            return list(self.items) if user.pk == ward_member.pk else []

    source = Source()
    source.items = [
        DueItem(kind="test_daily", key="thing:1", text="Water the plants.", url="/wards/"),
        DueItem(kind="test_daily", key="thing:2", text="Read the huddle notes."),
    ]
    kinds.register(
        Kind(
            key="test_daily",
            label="Test things",
            heading="Things to do",
            description="A test kind.",
            selector=source,
            default=Frequency.DAILY,
        )
    )
    kinds.register(
        Kind(
            key="test_weekly",
            label="Weekly things",
            description="A weekly test kind.",
            selector=lambda user, today: (
                [DueItem(kind="test_weekly", key="weekly:1", text="Look back at the week.")]
                if user.pk == ward_member.pk
                else []
            ),
            default=Frequency.WEEKLY,
        )
    )
    yield source
    kinds.unregister("test_daily")
    kinds.unregister("test_weekly")


def send(day, user_ids):
    return services.digest_send_chunk(user_ids=user_ids, day=day)


def test_one_grouped_email_with_html_and_one_click_unsubscribe(ward_member, due):
    assert send(MONDAY, [ward_member.pk]).sent == 1
    (message,) = mail.outbox
    assert message.to == ["ward@example.org"]
    assert message.subject.startswith("Culture of Care: ")
    assert "for you, Monday 7 December" in message.subject
    assert "Things to do\n- Water the plants." in message.body
    assert "Weekly things\n- Look back at the week." in message.body  # Monday: weekly kinds too
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="http://testserver/wards/">Water the plants.</a>' in html.replace(
        "http://127.0.0.1:8000", "http://testserver"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    for word in ("urgent!", "failure", "warning", "immediately"):
        assert word not in message.body.lower()


def test_weekly_kinds_wait_for_monday(ward_member, due):
    send(TUESDAY, [ward_member.pk])
    assert "Look back at the week" not in mail.outbox[0].body
    assert "Water the plants" in mail.outbox[0].body


def test_the_same_day_twice_sends_one_email(ward_member, due):
    assert send(MONDAY, [ward_member.pk]).sent == 1
    assert send(MONDAY, [ward_member.pk]).sent == 0
    tasks.plan_digests(MONDAY.isoformat())  # the whole plan again, as a second beat would
    assert len(mail.outbox) == 1
    row = SentLog.objects.get(user=ward_member, kind=DIGEST)
    assert row.state == SentState.SENT and row.sent_at is not None
    assert set(
        SentLog.objects.filter(user=ward_member)
        .exclude(kind=DIGEST)
        .values_list("kind", "object_key")
    ) == {("test_daily", "thing:1"), ("test_daily", "thing:2"), ("test_weekly", "weekly:1")}


def test_an_item_already_emailed_waits_a_week_before_coming_again(ward_member, due):
    send(MONDAY, [ward_member.pk])
    due.items = [*due.items, DueItem(kind="test_daily", key="thing:3", text="Something new.")]
    send(TUESDAY, [ward_member.pk])
    assert "Something new." in mail.outbox[1].body
    assert "Water the plants" not in mail.outbox[1].body
    send(MONDAY + timedelta(days=7), [ward_member.pk])
    assert "Water the plants" in mail.outbox[2].body


def test_nothing_due_means_no_email_and_is_remembered(ward_member):
    assert send(MONDAY, [ward_member.pk]).nothing == 1
    assert mail.outbox == []
    assert SentLog.objects.get(user=ward_member, kind=DIGEST).state == SentState.NOTHING
    assert ward_member.pk not in services.people_due_a_digest(MONDAY)


def test_a_kind_switched_off_is_respected(ward_member, due):
    NotificationPreference.objects.create(user=ward_member, kind="test_daily", frequency="off")
    send(MONDAY, [ward_member.pk])
    assert "Water the plants" not in mail.outbox[0].body
    # ...but it is still on the in-app list.
    assert "Water the plants." in [i.text for i in selectors.due_items_for(ward_member, MONDAY)]


def test_role_defaults_keep_the_volume_low(ward_member, org_lead):
    kind = kinds.get("organisation_summary")
    assert kind.default_for(set(org_lead.role_set)) == Frequency.WEEKLY
    assert kind.default_for(set(ward_member.role_set)) == Frequency.OFF
    assert selectors.frequencies_for(ward_member)["data_due"] == Frequency.DAILY
    assert selectors.frequencies_for(org_lead)["data_due"] == Frequency.WEEKLY


def test_a_mail_failure_releases_the_claim_and_the_retry_sends_once(
    ward_member, due, monkeypatch, settings
):
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise SMTPServerDisconnected("relay went away")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with pytest.raises(SMTPServerDisconnected):
        send(MONDAY, [ward_member.pk])
    row = SentLog.objects.get(user=ward_member, kind=DIGEST)
    assert row.state == SentState.FAILED
    assert "relay went away" in row.error
    assert ward_member.pk in services.people_due_a_digest(MONDAY)
    assert send(MONDAY, [ward_member.pk]).sent == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.state == SentState.SENT and row.attempts == 2


def test_a_fresh_claim_is_left_alone_and_a_stale_one_is_sent(ward_member, due, settings):
    claim = services.digest_claim(user_id=ward_member.pk, day=MONDAY)
    assert services.digest_claim(user_id=ward_member.pk, day=MONDAY) is None
    assert send(MONDAY, [ward_member.pk]).skipped == 1
    assert ward_member.pk not in services.people_due_a_digest(MONDAY)
    SentLog.objects.filter(pk=claim.pk).update(
        claimed_at=timezone.now()
        - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_STALE_SECONDS + 1)
    )
    assert ward_member.pk in services.people_due_a_digest(MONDAY)
    assert send(MONDAY, [ward_member.pk]).sent == 1
    # The resend keeps the Message-ID it was claimed with.
    assert mail.outbox[0].extra_headers["Message-ID"] == claim.message_id


def test_plan_fans_out_in_chunks(ward_member, due, settings, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    settings.NOTIFICATIONS_CHUNK_SIZE = 2
    for _ in range(4):
        UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = services.digest_plan(day=MONDAY)
    assert queued == len(callbacks) == 3  # 5 people (the ward member and four others), by 2
    assert len(mail.outbox) == 1  # only the ward member has anything due


def test_unsubscribe_link_needs_no_sign_in_and_confirms_before_changing(client, ward_member, due):
    url = services.unsubscribe_url(ward_member, "test_daily").removeprefix("http://127.0.0.1:8000")
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop e-mails about test things" in page.text
    assert not NotificationPreference.objects.filter(user=ward_member).exists()
    done = client.post(url)
    assert "E-mails about test things stopped" in done.text
    assert (
        NotificationPreference.objects.get(user=ward_member, kind="test_daily").frequency == "off"
    )
    send(MONDAY, [ward_member.pk])
    assert "Water the plants" not in mail.outbox[0].body


def test_one_click_unsubscribe_from_the_header_stops_everything(client, ward_member, due):
    send(MONDAY, [ward_member.pk])
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    url = header.removeprefix("http://127.0.0.1:8000")
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert set(
        NotificationPreference.objects.filter(user=ward_member).values_list("frequency", flat=True)
    ) == {"off"}
    assert send(TUESDAY, [ward_member.pk]).nothing == 1


def test_a_tampered_unsubscribe_link_changes_nothing(client, ward_member, due):
    url = services.unsubscribe_url(ward_member, "test_daily").removeprefix("http://127.0.0.1:8000")
    bad = url.replace("/unsubscribe/", "/unsubscribe/x")
    assert client.post(bad).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_account_page_saves_preferences_and_links_security(client_for, ward_member, due):
    client = client_for(ward_member)
    page = client.get(reverse("account"))
    assert page.status_code == 200
    assert reverse("account_change_password") in page.text
    assert reverse("mfa_index") in page.text
    assert reverse("organisation_account") in page.text
    assert 'id="reminders"' in page.text
    data = {f"kind_{k.key}": "weekly" for k in kinds.all_kinds()}
    data["kind_test_daily"] = "off"
    data["enabled"] = "on"
    assert client.post(reverse("account"), data).status_code == 302
    assert (
        NotificationPreference.objects.get(user=ward_member, kind="test_daily").frequency == "off"
    )
    send(TUESDAY, [ward_member.pk])
    assert mail.outbox == []  # test_daily off, test_weekly waits for Monday


def test_account_page_explains_a_bad_choice(client_for, ward_member, due):
    data = {f"kind_{k.key}": "weekly" for k in kinds.all_kinds()}
    data["kind_test_daily"] = "hourly"
    response = client_for(ward_member).post(reverse("account"), data)
    assert response.status_code == 400
    assert "<title>Error: " in response.text
    assert "Choose how often to hear about test things" in response.text


def test_account_page_needs_sign_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_what_needs_you_lists_items_and_remembers_done_and_dismissed(client_for, ward_member, due):
    client = client_for(ward_member)
    page = client.get(reverse("notifications:list")).text
    assert "Water the plants." in page and "Read the huddle notes." in page
    assert (
        client.get(reverse("notifications:count"))
        .text.strip()
        .startswith('<span class="app-count-badge">3</span>')
    )
    client.post(
        reverse("notifications:mark"), {"kind": "test_daily", "key": "thing:1", "action": "done"}
    )
    client.post(
        reverse("notifications:mark"),
        {"kind": "test_daily", "key": "thing:2", "action": "dismissed"},
    )
    page = client.get(reverse("notifications:list")).text
    assert "Water the plants." not in page and "Read the huddle notes." not in page
    assert set(ItemMark.objects.values_list("object_key", "state")) == {
        ("thing:1", "done"),
        ("thing:2", "dismissed"),
    }
    # Marking forgets the cached count: the header asks for it after the page loads...
    assert reverse("notifications:count") in client.get(reverse("home")).text
    assert 'app-count-badge">1<' in client.get(reverse("notifications:count")).text
    # ...and shows it straight away once known.
    assert '<span class="app-count-badge">1</span>' in client.get(reverse("home")).text
    send(TUESDAY, [ward_member.pk])
    assert mail.outbox == []  # the only daily items were dealt with
    client.post(
        reverse("notifications:mark"), {"kind": "test_daily", "key": "thing:1", "action": "undo"}
    )
    assert "Water the plants." in client.get(reverse("notifications:list")).text


def test_marking_refuses_unknown_kinds(client_for, ward_member):
    response = client_for(ward_member).post(
        reverse("notifications:mark"), {"kind": "nope", "key": "x", "action": "done"}
    )
    assert response.status_code == 400
    assert not ItemMark.objects.exists()


def test_what_needs_you_needs_sign_in(client):
    assert client.get(reverse("notifications:list")).status_code == 302


def test_an_action_owner_gets_it_in_the_digest(ward, ward_member):
    ActionFactory(ward=ward, owner=ward_member, description="Print huddle sheet", due_on=MONDAY)
    send(MONDAY, [ward_member.pk])
    assert "Your coaching actions\n- Willow Ward: 'Print huddle sheet' is due today." in (
        mail.outbox[0].body
    )


def test_dry_run_prints_each_persons_digest_and_sends_nothing(ward_member, due):
    out = StringIO()
    call_command("send_digests", "--dry-run", "--date", MONDAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "ward@example.org: Culture of Care: 3 things for you, Monday 7 December" in text
    assert "    - Water the plants." in text
    assert "nothing was sent" in text
    assert mail.outbox == []
    assert not SentLog.objects.exists()


def test_send_digests_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date must look like"):
        call_command("send_digests", "--dry-run", "--date", "7/12/2026")


def test_a_long_kind_is_cut_short_in_the_email(ward_member, due, settings):
    settings.NOTIFICATIONS_EMAIL_ITEMS_PER_KIND = 2
    due.items = [DueItem(kind="test_daily", key=f"many:{n}", text=f"Thing {n}.") for n in range(5)]
    send(TUESDAY, [ward_member.pk])
    body = mail.outbox[0].body
    assert "- Thing 1." in body and "- Thing 2." not in body
    assert "- and 3 more: " in body
    assert "5 things for you" in mail.outbox[0].subject
    # Only what the e-mail showed is logged as sent; the rest can come next time.
    assert SentLog.objects.filter(kind="test_daily").count() == 2


def test_the_sweep_waits_for_the_send_time_then_picks_up_the_unsent(
    ward_member, due, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")

    def at(hour, minute):
        return lambda *a, **k: dt.datetime(2026, 12, 8, hour, minute, tzinfo=london)

    monkeypatch.setattr(timezone, "localtime", at(7, 29))
    assert tasks.sweep_digests() == 0
    assert mail.outbox == []
    monkeypatch.setattr(timezone, "localtime", at(9, 15))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_digests() >= 1
    assert [m.to for m in mail.outbox] == [["ward@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_digests()  # a later sweep finds nothing unsent for the ward member
    assert len(mail.outbox) == 1


def test_beat_sends_at_half_past_seven_london_time(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["digest-plan"]["schedule"]
    assert schedule.hour == {7} and schedule.minute == {30}
    assert settings.CELERY_TIMEZONE == "Europe/London"
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 900
    assert tasks.send_digest_chunk.acks_late is True


def test_one_persons_broken_digest_does_not_hold_up_the_rest(ward_member, due, settings):
    from tests.factories import UserFactory

    broken = UserFactory(email="broken@example.org")

    def explode(user, today):
        if user.pk == broken.pk:
            raise ValueError("a bug in one rule")
        return []

    kinds.register(
        Kind(key="test_broken", label="Broken", description="", selector=explode, default="daily")
    )
    try:
        result = send(TUESDAY, [broken.pk, ward_member.pk])
    finally:
        kinds.unregister("test_broken")
    assert (result.failed, result.sent) == (1, 1)
    assert [m.to for m in mail.outbox] == [["ward@example.org"]]
    row = SentLog.objects.get(user=broken, kind=DIGEST)
    assert row.state == SentState.FAILED and "a bug in one rule" in row.error
    # The sweep tries again, but not for ever.
    assert broken.pk in services.people_due_a_digest(TUESDAY)
    SentLog.objects.filter(pk=row.pk).update(attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS)
    assert broken.pk not in services.people_due_a_digest(TUESDAY)
