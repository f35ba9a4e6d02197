"""An outbox for tests that start a real Celery worker: one file per message, written by the
worker, with a slow relay and a relay that fails on demand.

Environment (read at send time):
- ``TEST_EMAIL_FILE_PATH``: the outbox directory.
- ``TEST_MAIL_DELAY``: seconds the "relay" takes per message before accepting it.
- ``TEST_MAIL_FAIL_TIMES``: how many sends fail (``SMTPServerDisconnected``) before any succeed,
  counted across processes in a file in the outbox.
Each connection opened leaves an ``open-*`` file; each message about to be sent, a
``sending-*`` marker (so a test can kill the worker while the relay is busy with one).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outbox = Path(os.environ.get("TEST_EMAIL_FILE_PATH", "tmp-mail"))
        self.outbox.mkdir(parents=True, exist_ok=True)
        self.is_open = False

    def open(self) -> bool:
        if self.is_open:
            return False
        (self.outbox / f"open-{uuid.uuid4().hex}").touch()
        self.is_open = True
        return True

    def close(self) -> None:
        self.is_open = False

    def _should_fail(self) -> bool:
        wanted = int(os.environ.get("TEST_MAIL_FAIL_TIMES", "0"))
        if not wanted:
            return False
        counter = self.outbox / "failures"
        done = len(counter.read_text()) if counter.exists() else 0
        if done >= wanted:
            return False
        with counter.open("a") as fh:
            fh.write("x")
        return True

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            (self.outbox / f"sending-{uuid.uuid4().hex}").touch()
            time.sleep(float(os.environ.get("TEST_MAIL_DELAY", "0")))
            if self._should_fail():
                raise SMTPServerDisconnected("The test relay dropped the connection")
            name = self.outbox / f"message-{uuid.uuid4().hex}.eml"
            name.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def read_outbox(path: Path) -> list:
    """The messages in an outbox directory, parsed."""
    from email import message_from_bytes

    return [message_from_bytes(p.read_bytes()) for p in sorted(path.glob("message-*.eml"))]
