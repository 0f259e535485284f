"""The SMTP password never leaves the process: a test that greps every place it could land.

A server that repeats the credentials back (in its reply to AUTH, to MAIL FROM, to the
data) is the worst case for scrubbing; every command runs with `--debug` (debug logs and
tracebacks), the scheduler too. Then the password, and the forms AUTH sends it in, are
looked for in everything printed, every file under the project (briefs, .eml files, the
archive, the store and its WAL), and the reprs of what the API returns.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefgen.config import load_config
from briefgen.pipeline import email_brief

from .conftest import ROOT
from .mailserver import Inbox, add_email, free_port, smtp_server

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")]

DAY = "2024-01-17"
USER = "briefbot"
PASSWORD = "S3cr3t-Pa55word!not-for-logs"
FORMS = [
    PASSWORD,
    base64.b64encode(PASSWORD.encode()).decode(),                         # AUTH LOGIN
    base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode(),          # AUTH PLAIN
    base64.b64encode(f"{USER}\0{USER}\0{PASSWORD}".encode()).decode(),
]


class Echo:
    """An authenticator that accepts `accept` (None: nothing) and, refusing, repeats what it was sent."""

    def __init__(self, accept: str | None):
        self.accept = accept

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        if self.accept is not None and auth_data.password.decode() == self.accept:
            return AuthResult(success=True)
        said = auth_data.password.decode()
        plain = base64.b64encode(f"\0{USER}\0{said}".encode()).decode()
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 no: {said} {plain}")


class EchoInbox(Inbox):
    """Takes the login, then repeats the password in its refusal of MAIL FROM and of the data."""

    def __init__(self, mail: bool = True):
        super().__init__()
        self.mail = mail

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.mail:
            return f"451 4.3.0 busy, {PASSWORD} {FORMS[2]}"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await super().handle_DATA(server, session, envelope)
        return f"554 5.6.0 rejected for {PASSWORD}"


def _grep(text: str | bytes, where: str) -> None:
    blob = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    for form in FORMS:
        assert form.encode() not in blob, f"the password ({form[:6]}...) is in {where}"


def test_the_password_is_in_no_output_log_traceback_or_file(project: Path, monkeypatch):
    config = project / "sources.yaml"
    env = {**os.environ, "BRIEFGEN_TEST_SMTP_PASSWORD": PASSWORD}
    shown: list[str] = []

    def briefgen(*argv: str, code: int | None = None) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "briefgen", argv[0], "--debug", "--config", str(config), "--date", DAY, *argv[1:]],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
        )
        shown.extend([proc.stdout, proc.stderr])
        if code is not None:
            assert proc.returncode == code, proc.stderr
        return proc

    settings = {"username": USER, "password_env": "BRIEFGEN_TEST_SMTP_PASSWORD", "retries": 0}
    # No brief yet: with --debug, the error is a traceback.
    add_email(config, free_port(), **settings)
    assert "Traceback" in briefgen("send").stderr
    # Login refused, the refusal repeating the password.
    with smtp_server(Inbox(), auth_required=True, auth_require_tls=False, authenticator=Echo(None)) as port:
        add_email(config, port, **settings)
        refused = briefgen("generate", "--email", code=7)
        assert "login as briefbot failed: 535" in refused.stderr and "[password]" in refused.stderr
        briefgen("send", code=7)
    # Logged in; MAIL FROM refused, then the data refused, each repeating the password.
    for mail in (True, False):
        with smtp_server(EchoInbox(mail), auth_required=True, auth_require_tls=False,
                         authenticator=Echo(PASSWORD)) as port:
            add_email(config, port, **settings)
            briefgen("send", code=7)
    # Nobody listening.
    add_email(config, free_port(), **settings)
    assert "cannot connect" in briefgen("send", code=7).stderr
    briefgen("send", "--dry-run", code=0)
    # And at last delivered.
    inbox = Inbox()
    with smtp_server(inbox, auth_required=True, auth_require_tls=False, authenticator=Echo(PASSWORD)) as port:
        add_email(config, port, **settings)
        briefgen("send", "--force", code=0)
        # The API's answers, as a caller would print them.
        monkeypatch.setenv("BRIEFGEN_TEST_SMTP_PASSWORD", PASSWORD)
        loaded = load_config(config)
        deliveries = email_brief(loaded, date.fromisoformat(DAY), force=True)
        _grep(repr(deliveries) + repr(loaded) + repr(loaded.model_dump()), "the API's reprs")
    assert len(inbox.messages) == 6

    # The scheduler, at --debug, its child refused with the password repeated.
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["schedule"] = {"cron": "0 0 0 * * *", "deadline": 120, "retries": 0}
    data["output"] = {"formats": ["json"]}
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    log = project / "schedule.log"
    with smtp_server(Inbox(), auth_required=True, auth_require_tls=False, authenticator=Echo(None)) as port:
        add_email(config, port, **settings)
        with log.open("wb") as out:
            daemon = subprocess.Popen([sys.executable, "-m", "briefgen", "schedule", "--debug", "--config", str(config)],
                                      stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        try:
            give_up = time.monotonic() + 120
            while "giving up on the brief" not in log.read_text(encoding="utf-8", errors="replace"):
                assert daemon.poll() is None and time.monotonic() < give_up, log.read_text(encoding="utf-8")
                time.sleep(0.2)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
    shown.append(log.read_text(encoding="utf-8", errors="replace"))
    assert "login as briefbot failed: 535" in shown[-1]

    for n, text in enumerate(shown):
        _grep(text, f"output #{n}")
    files = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.suffix == ".eml" for p in files) and any(p.name.endswith("-wal") or p.suffix == ".sqlite3" for p in files)
    for path in files:
        _grep(path.read_bytes(), str(path.relative_to(project)))


# A password with what collapsing, encoding and escaping change: runs of spaces, a tab, +, /, &, quotes.
ODD = "Tw0  spaces\tand+plus/slash&amp'q\"x"


def _odd_forms(text: str) -> list[str]:
    """Every shape of ODD the server below sends, as each would still show after a
    careless normalisation: whitespace removed, lower case, percent-decoded."""
    from urllib.parse import unquote_plus

    flat = "".join(text.split()).lower()
    decoded = "".join(unquote_plus(text).split()).lower()
    raw = ODD.encode()
    b64 = [base64.b64encode(b"\0" * k + raw).decode()[4:-4] for k in range(3)]
    b64 += [base64.urlsafe_b64encode(b"\0" * k + raw).decode()[4:-4] for k in range(3)]
    squeezed = "".join(ODD.split()).lower()
    hits = [f for f in (squeezed, squeezed[:12], squeezed[-12:]) if f in flat or f in decoded]
    hits += [f for f in b64 if f in "".join(text.split())]
    return hits


class Shapes:
    """Refuses the login, repeating the password in every shape at once: split across the
    lines of a multi-line reply, URL-encoded, in URL-safe base64 at an odd offset, upper case."""

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        from urllib.parse import quote, quote_plus

        said = auth_data.password.decode()
        shifted = base64.urlsafe_b64encode(b"id=" + said.encode()).decode()
        lines = [
            f"535-5.7.8 you said {said[:9]}",
            f"535-5.7.8 {said[9:]} which is {quote(said, safe='')} or {quote_plus(said)}",
            f"535-5.7.8 token {shifted}",
            f"535 5.7.8 SHOUTED {said.upper()} and {json_escaped(said)}",
        ]
        return AuthResult(success=False, handled=False, message="\r\n".join(lines))


def json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_every_shape_of_an_echoed_password_is_scrubbed(project: Path, log_format: str):
    config = project / "sources.yaml"
    env = {**os.environ, "BRIEFGEN_TEST_SMTP_PASSWORD": ODD}
    settings = {"username": USER, "password_env": "BRIEFGEN_TEST_SMTP_PASSWORD", "retries": 0}
    run = subprocess.run(
        [sys.executable, "-m", "briefgen", "generate", "--debug", "--log-format", log_format, "--config", str(config),
         "--date", DAY, "--format", "json,md,html"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    shown = []
    with smtp_server(Inbox(), auth_required=True, auth_require_tls=False, authenticator=Shapes()) as port:
        add_email(config, port, **settings)
        for argv in (["send"], ["send", "--force"]):
            proc = subprocess.run(
                [sys.executable, "-m", "briefgen", *argv, "--debug", "--log-format", log_format,
                 "--config", str(config), "--date", DAY],
                capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
            assert proc.returncode == 7, proc.stderr
            shown.append(proc.stderr + proc.stdout)
    # The refusal is shown, with what the server said around the password.
    assert "you said [password]" in shown[0] and "SHOUTED [password]" in shown[0], shown[0]
    for n, text in enumerate(shown):
        assert not _odd_forms(text), f"output #{n} shows the password: {_odd_forms(text)}\n{text}"
    files = [p for p in project.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert not _odd_forms(text), f"{path.relative_to(project)} holds the password: {_odd_forms(text)}"


def test_the_check_itself_finds_each_shape():
    # The test above passes only if its grep would see the shapes the server sends.
    from urllib.parse import quote

    for shape in (ODD, ODD[:9] + "\n535 5.7.8 " + ODD[9:], quote(ODD, safe=""), ODD.upper(),
                  base64.urlsafe_b64encode(b"id=" + ODD.encode()).decode()):
        assert _odd_forms(f"refused: {shape}."), shape


def test_long_runs_of_line_breaks_and_spaces_are_scrubbed_in_linear_time():
    # Gaps that two alternatives could each match would backtrack 2^n ways on n line breaks:
    # with 60 of them this test would not finish. Each shape is still found across them.
    from briefgen.redact import MARK, scrub

    for gap in ("\n", " \n", "\n535 5.7.8 ", "\r\n535-5.7.8 ", "\\n"):
        assert scrub(ODD[:5] + gap * 60 + "!", ODD) == ODD[:5] + gap * 60 + "!"
        assert scrub(f"said {ODD[:9]}{gap}{ODD[9:]}.", ODD) == f"said {MARK}."
