"""The sent-log and what people have marked done or dismissed.

``SentLog`` is the exactly-once mechanism: one row per (person, kind, object, period), unique in
the database. A digest e-mail is the row with kind ``digest`` (object empty, period the day): it is
*claimed* in its own committed transaction before the message goes to the relay and marked
*sent* straight after, so a duplicated or retried task, or a second beat, finds the row and sends
nothing. The items an e-mail carried are logged beside it (kind and object of each), so a
reminder is not repeated every day.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SentState(models.TextChoices):
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, to retry"
    NOTHING = "nothing", "Nothing was due"


DIGEST = "digest"


class SentLog(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_notifications"
    )
    kind = models.CharField(max_length=50)
    object_key = models.CharField(max_length=200, blank=True)
    period = models.DateField()
    state = models.CharField(max_length=10, choices=SentState.choices)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-period", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key", "period"], name="unique_sent_notification"
            )
        ]
        indexes = [models.Index(fields=["period", "kind", "state"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.object_key} {self.period} {self.state}"


class ItemState(models.TextChoices):
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class ItemMark(models.Model):
    """A person marked one due item done or dismissed: it leaves their list and their e-mail.

    Item keys name the occasion (a month, a date), so a new occasion comes back on its own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_marks"
    )
    kind = models.CharField(max_length=50)
    object_key = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=ItemState.choices)
    at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key"], name="unique_notification_mark"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.object_key} {self.state}"

    @property
    def kind_label(self) -> str:
        from culture_of_care.notifications import kinds

        kind = kinds.get(self.kind)
        return kind.label if kind else self.kind
