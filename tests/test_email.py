"""Email delivery against a real SMTP server on 127.0.0.1: what arrives, and what is sent once."""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main
from briefgen.config import load_config, parse_config
from briefgen.deliver.message import email_html
from briefgen.errors import ConfigError
from briefgen.store import open_store

from .conftest import ROOT
from .mailserver import Authenticator, Inbox, add_email, free_port, smtp_server, tls_contexts

DAY = "2024-01-17"
RECIPIENTS = ["alice@example.org", "bob@example.org", "carol@example.org"]
PASSWORD = "Tr0ub4dor&3-never-shown"


def _run(project: Path, *argv: str) -> int:
    return main([argv[0], "--config", str(project / "sources.yaml"), "--date", DAY, *argv[1:]])


def _outbox(project: Path) -> dict[str, dict]:
    """The outbox rows of DAY, from whichever store the project uses (SQLite, or BRIEFGEN_STORE)."""
    with open_store(load_config(project / "sources.yaml")) as db:
        rows = db.conn.execute("SELECT * FROM outbox WHERE brief_date = ?", (DAY,)).fetchall()
    return {r["recipient"]: dict(zip(r.keys(), r, strict=True)) for r in rows}


def _folder(project: Path) -> Path:
    return project / "out" / DAY


def test_received_message_is_text_then_html_then_the_pdf(project: Path):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert _run(project, "generate", "--email") == 0

    assert sorted(r for m in inbox.messages for r in m.rcpt_tos) == RECIPIENTS
    assert len(inbox.messages) == 3
    folder = _folder(project)
    brief = json.loads((folder / f"brief-{DAY}.json").read_text(encoding="utf-8"))
    outbox = _outbox(project)
    for received in inbox.messages:
        (recipient,) = received.rcpt_tos
        msg = received.message
        assert received.mail_from == "brief@example.org"
        assert msg["From"] == "Brief Bot <brief@example.org>"
        assert msg["To"] == "Alice <alice@example.org>"
        assert msg["Cc"] == "bob@example.org"
        assert b"carol@example.org" not in received.data and "Bcc" not in msg
        head = f"Korean Peninsula Daily Brief · {DAY} · "
        top = brief["bottom_line"][0]["story"]
        point = next(s["headline"] for s in brief["stories"] if s["id"] == top)
        assert msg["Subject"].startswith(head)
        shown = msg["Subject"].removeprefix(head)
        # The top story's headline, the whole subject cut at a word to 78 characters.
        assert len(msg["Subject"]) <= 78
        assert shown == point or (shown.endswith("…") and point.startswith(shown.removesuffix("…"))
                                  and point[len(shown) - 1] in " ,;:")
        assert msg["Message-ID"] == outbox[recipient]["message_id"]
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["Date"]

        assert msg.get_content_type() == "multipart/mixed"
        alternative, pdf = msg.iter_parts()
        assert alternative.get_content_type() == "multipart/alternative"
        text, html = alternative.iter_parts()
        assert text.get_content_type() == "text/plain"
        assert html.get_content_type() == "text/html"
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == f"brief-{DAY}.pdf"
        assert pdf.get_content_disposition() == "attachment"
        assert pdf.get_content() == (folder / f"brief-{DAY}.pdf").read_bytes()

        # Text travels in its canonical form, CRLF line ends.
        assert text.get_content().replace("\r\n", "\n") == (folder / f"brief-{DAY}.md").read_text(encoding="utf-8")
        page = html.get_content()
        assert "Bottom line" in page and brief["bottom_line"][0]["text"] in page
        # CSS inlined, custom properties resolved: mail clients drop <style> and var().
        # (Kept @media rules may use var(): a client that cannot, skips them whole.)
        assert '<main class="page" style="' in page
        assert not re.findall(r'style="[^"]*var\(', page)
    assert {r["status"] for r in outbox.values()} == {"sent"}


@pytest.mark.usefixtures("either_store")
def test_send_sends_only_what_was_not_sent_and_force_reuses_the_message_ids(project: Path, capsys):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert _run(project, "generate", "--email") == 0
        first = {m.rcpt_tos[0]: m.message["Message-ID"] for m in inbox.messages}
        capsys.readouterr()
        assert _run(project, "send") == 0
        assert len(inbox.messages) == 3
        assert capsys.readouterr().out.count("already sent") == 3
        assert _run(project, "generate", "--email") == 0
        assert len(inbox.messages) == 3
        assert _run(project, "send", "--force") == 0
    assert len(inbox.messages) == 6
    again = {m.rcpt_tos[0]: m.message["Message-ID"] for m in inbox.messages[3:]}
    assert again == first


def test_a_pdf_over_the_limit_is_not_attached_and_the_message_says_where(project: Path):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port, max_attachment_mb=0.001, cc=[], bcc=[])
        assert _run(project, "generate", "--email") == 0
    (received,) = inbox.messages
    msg = received.message
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    where = str(_folder(project) / f"brief-{DAY}.pdf")
    text, html = (p.get_content() for p in msg.iter_parts())
    assert "not attached" in text and where in text
    assert "not attached" in html and where in html


def test_starttls_and_login_with_the_password_from_the_environment(project: Path, tmp_path: Path, monkeypatch):
    server_context, ca_file = tls_contexts(tmp_path)
    inbox, auth = Inbox(), Authenticator("briefbot", PASSWORD)
    monkeypatch.setenv("BRIEFGEN_TEST_SMTP_PASSWORD", PASSWORD)
    options = dict(tls_context=server_context, require_starttls=True, auth_required=True,
                   auth_require_tls=True, authenticator=auth)
    with smtp_server(inbox, **options) as port:
        add_email(project / "sources.yaml", port, security="starttls", ca_file=str(ca_file),
                  username="briefbot", password_env="BRIEFGEN_TEST_SMTP_PASSWORD")
        assert _run(project, "generate", "--email") == 0
    assert len(inbox.messages) == 3
    assert all(m.tls and m.authenticated for m in inbox.messages)


def test_tls_from_the_start(project: Path, tmp_path: Path):
    server_context, ca_file = tls_contexts(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=server_context) as port:
        add_email(project / "sources.yaml", port, security="ssl", ca_file=str(ca_file), cc=[], bcc=[])
        assert _run(project, "generate", "--email") == 0
    (received,) = inbox.messages
    assert received.tls


def test_an_untrusted_certificate_fails_at_once_and_keeps_the_brief(project: Path, tmp_path: Path, caplog):
    server_context, _ = tls_contexts(tmp_path)
    inbox = Inbox()
    with smtp_server(inbox, tls_context=server_context, require_starttls=True) as port:
        add_email(project / "sources.yaml", port, security="starttls", cc=[], bcc=[])
        assert _run(project, "generate", "--email") == 7
    assert inbox.messages == []
    assert (_folder(project) / f"brief-{DAY}.pdf").is_file()
    row = _outbox(project)["alice@example.org"]
    assert row["status"] == "failed" and "certificate" in row["last_error"] and row["attempts"] == 1
    assert "alice@example.org: failed" in caplog.text


@pytest.mark.usefixtures("either_store")
def test_smtp_down_then_up_records_the_failure_then_send_delivers_once(project: Path):
    port = free_port()
    add_email(project / "sources.yaml", port)
    assert _run(project, "generate", "--email") == 7
    assert sorted(p.name for p in _folder(project).iterdir()) == [f"brief-{DAY}.{x}" for x in ("html", "json", "md", "pdf")]
    outbox = _outbox(project)
    assert {r["status"] for r in outbox.values()} == {"failed"}
    assert all("cannot connect to 127.0.0.1" in r["last_error"] for r in outbox.values())
    # Retries are spent on the first recipient; the others are not made to wait it out again.
    assert outbox["alice@example.org"]["attempts"] == 3

    inbox = Inbox()
    with smtp_server(inbox, port=port):
        assert _run(project, "send") == 0
        assert _run(project, "send") == 0
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == RECIPIENTS
    assert {r["status"] for r in _outbox(project).values()} == {"sent"}


def test_a_4xx_before_the_data_is_retried_and_delivered_once(project: Path):
    inbox = Inbox(tempfail={"bob@example.org": 2})
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert _run(project, "generate", "--email") == 0
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == RECIPIENTS
    assert _outbox(project)["bob@example.org"]["attempts"] == 3


def test_refused_recipients_are_reported_by_address(project: Path, caplog):
    inbox = Inbox(refuse={"carol@example.org": "550 5.1.1 no such user here"})
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert _run(project, "generate", "--email") == 7
    assert sorted(m.rcpt_tos[0] for m in inbox.messages) == ["alice@example.org", "bob@example.org"]
    err = caplog.text
    assert "carol@example.org: refused: RCPT TO carol@example.org: 550 5.1.1 no such user here" in err
    assert "not delivered to 1 of 3 recipients" in err
    assert _outbox(project)["carol@example.org"]["status"] == "refused"


@pytest.mark.usefixtures("either_store")
def test_a_connection_lost_after_the_data_is_ambiguous_and_not_sent_again(project: Path, caplog):
    inbox = Inbox(drop_after_data=1)
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port, cc=[], bcc=["bob@example.org"])
        assert _run(project, "generate", "--email") == 7
        assert [m.rcpt_tos for m in inbox.messages] == [["alice@example.org"], ["bob@example.org"]]
        outbox = _outbox(project)
        assert outbox["alice@example.org"]["status"] == "ambiguous"
        assert outbox["alice@example.org"]["attempts"] == 1
        assert "may have been delivered" in outbox["alice@example.org"]["last_error"]
        assert outbox["bob@example.org"]["status"] == "sent"

        caplog.clear()
        assert _run(project, "send") == 7
        assert len(inbox.messages) == 2
        err = caplog.text
        assert "alice@example.org: may have been delivered" in err and "--force" in err

        assert _run(project, "send", "--force") == 0
    resent = [m for m in inbox.messages[2:] if m.rcpt_tos == ["alice@example.org"]]
    assert len(resent) == 1
    assert resent[0].message["Message-ID"] == inbox.messages[0].message["Message-ID"]


def test_a_forced_resend_that_fails_leaves_whoever_had_the_brief_as_sent(project: Path, caplog):
    config = project / "sources.yaml"
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(config, port, retries=0)
        assert _run(project, "generate", "--email") == 0
    sent = _outbox(project)
    # Every way a resend can fail: nobody listening, a refused recipient, the line cut after the data.
    add_email(config, free_port(), retries=0)
    assert _run(project, "send", "--force") == 7
    trouble = Inbox(refuse={"bob@example.org": "550 5.1.1 gone"}, drop_after_data=1)
    with smtp_server(trouble) as port:
        add_email(config, port, retries=0)
        caplog.clear()
        assert _run(project, "send", "--force") == 7
        assert "alice@example.org: had the brief already" in caplog.text
        assert "bob@example.org: had the brief already" in caplog.text
    after = _outbox(project)
    assert {r["status"] for r in after.values()} == {"sent"}
    # Their sending time stays the first one's (carol had it again: hers is the new one).
    for who in ("alice@example.org", "bob@example.org"):
        assert after[who]["sent_at"] == sent[who]["sent_at"]
    # So a plain send afterwards mails nobody.
    later = Inbox()
    with smtp_server(later) as port:
        add_email(config, port, retries=0)
        assert _run(project, "send") == 0
    assert later.messages == [] and len(inbox.messages) == 3 and len(trouble.messages) == 2


def test_generate_email_into_another_folder_mails_no_one_twice(project: Path, tmp_path: Path, capsys):
    config = project / "sources.yaml"
    elsewhere = tmp_path / "elsewhere"
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(config, port)
        # First written and mailed from another folder, then from the config's own, then a third.
        assert _run(project, "generate", "--email", "--out", str(elsewhere)) == 0
        assert len(inbox.messages) == 3
        capsys.readouterr()
        assert _run(project, "generate", "--email") == 0
        assert _run(project, "generate", "--email", "--out", str(tmp_path / "third")) == 0
        assert _run(project, "send", "--out", str(elsewhere)) == 0
        assert capsys.readouterr().out.count("already sent") == 9
    assert len(inbox.messages) == 3
    assert (elsewhere / DAY / f"brief-{DAY}.html").is_file() and (tmp_path / "third" / DAY).is_dir()
    # The outbox is the configured store's, whatever the folder.
    assert {r["status"] for r in _outbox(project).values()} == {"sent"}


def test_an_older_versions_outbox_in_another_folder_still_counts(project: Path, tmp_path: Path):
    # Before the outbox was always the configured store's, `--out elsewhere` kept it in
    # elsewhere's store: those rows are taken over, not ignored.
    config = project / "sources.yaml"
    elsewhere = tmp_path / "elsewhere"
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(config, port)
        assert _run(project, "generate", "--email", "--out", str(elsewhere)) == 0
        home = project / "out/.briefgen/briefgen.sqlite3"
        with sqlite3.connect(home) as conn, sqlite3.connect(elsewhere / ".briefgen/briefgen.sqlite3") as old:
            rows = conn.execute("SELECT brief_date, recipient, message_id, status, attempts, last_error, sent_at"
                                " FROM outbox").fetchall()
            old.executemany("INSERT INTO outbox (brief_date, recipient, message_id, status, attempts, last_error,"
                            " sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            conn.execute("DELETE FROM outbox")
        assert _run(project, "send", "--out", str(elsewhere)) == 0
        assert _run(project, "generate", "--email", "--out", str(elsewhere)) == 0
        assert _run(project, "generate", "--email") == 0
    assert len(inbox.messages) == 3
    assert {r["status"] for r in _outbox(project).values()} == {"sent"}


def test_the_command_suggested_after_an_ambiguous_delivery_resolves_it(project: Path, tmp_path: Path, caplog,
                                                                        capsys):
    import shlex

    elsewhere = tmp_path / "elsewhere"
    inbox = Inbox(drop_after_data=1)
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        caplog.clear()
        assert _run(project, "generate", "--email", "--out", str(elsewhere)) == 7
        assert len(inbox.messages) == 3
        commands = re.findall(r"`(briefgen send [^`]*)`", caplog.text)
        assert commands, caplog.text
        # Only alice is in doubt; no line tells to run a plain send, which would do nothing for her.
        assert all("--force" in c and "--recipient alice@example.org" in c for c in commands), commands
        argv = shlex.split(commands[0])[1:]
        assert argv[argv.index("--out") + 1] == str(elsewhere)
        assert main(argv) == 0
    assert [m.rcpt_tos for m in inbox.messages[3:]] == [["alice@example.org"]]
    assert inbox.messages[3].message["Message-ID"] == inbox.messages[0].message["Message-ID"]
    assert {r["status"] for r in _outbox(project).values()} == {"sent"}
    assert main(["send", "--config", str(project / "sources.yaml"), "--date", DAY, "--recipient", "zed@example.org"]) == 2
    assert "--recipient zed@example.org: not a recipient of this config" in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_a_login_without_tls_is_warned_about_when_sending(project: Path, monkeypatch, caplog):
    monkeypatch.setenv("BRIEFGEN_TEST_SMTP_PASSWORD", PASSWORD)
    inbox = Inbox()
    with smtp_server(inbox, auth_required=True, auth_require_tls=False, authenticator=Authenticator("bot", PASSWORD)) as port:
        add_email(project / "sources.yaml", port, username="bot", password_env="BRIEFGEN_TEST_SMTP_PASSWORD")
        assert _run(project, "generate", "--email") == 0
    assert len(inbox.messages) == 3
    assert f"email.security is none: the password for bot goes to 127.0.0.1:{port} in clear" in caplog.text
    assert PASSWORD not in caplog.text


def test_dry_run_writes_eml_files_beside_the_brief_and_sends_nothing(project: Path, capsys):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        add_email(project / "sources.yaml", port)
        assert _run(project, "generate") == 0
        capsys.readouterr()
        assert _run(project, "send", "--dry-run") == 0
    assert inbox.messages == []
    paths = [Path(line) for line in capsys.readouterr().out.split()]
    assert [p.name for p in paths] == [f"brief-{DAY}.{r}.eml" for r in RECIPIENTS]
    assert all(p.parent == _folder(project) for p in paths)
    from email import message_from_bytes, policy

    msg = message_from_bytes(paths[0].read_bytes(), policy=policy.default)
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"
    ]
    assert _outbox(project) == {}


@pytest.mark.parametrize("appendix", ["html", "pdf"])
def test_the_text_part_never_carries_the_appendix(project: Path, capsys, appendix: str):
    """Whatever output.appendix says: the HTML part has it collapsed, the PDF only when asked."""
    from email import message_from_bytes, policy

    config = project / "sources.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data.setdefault("output", {})["appendix"] = appendix
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    add_email(config, free_port())
    assert _run(project, "generate") == 0
    capsys.readouterr()
    assert _run(project, "send", "--dry-run") == 0
    eml = Path(capsys.readouterr().out.split()[0])
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    text, html, pdf = (p for p in msg.walk() if not p.is_multipart())
    plain = text.get_content()
    assert "Appendix" not in plain and "theme assignments" not in plain
    # The text still lists every source, with how its date is known.
    assert plain.count("Seed articles, date unknown (file modified ") == 2
    page = html.get_content()
    assert re.search(r"<details[^>]*>\s*<summary[^>]*><h2[^>]*>Appendix: theme assignments</h2></summary>", page)
    printed = subprocess.run(["pdftotext", "-", "-"], input=pdf.get_content(), capture_output=True, check=True).stdout
    assert (b"Appendix: theme assignments" in printed) == (appendix == "pdf")


def test_send_without_a_brief_says_how_to_make_it(project: Path, capsys):
    add_email(project / "sources.yaml", free_port())
    assert _run(project, "send") == 7
    assert f"run `briefgen generate --date {DAY}` first" in capsys.readouterr().err


def test_email_flag_without_email_settings_is_a_config_error(project: Path, capsys):
    assert _run(project, "generate", "--email") == 3
    assert "email" in capsys.readouterr().err
    assert not _folder(project).exists()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.usefixtures("either_store")
def test_the_password_never_appears_in_output_logs_or_files(project: Path):
    """Wrong password (the server says no), then right: --debug output, the outbox and .eml files."""
    auth = Authenticator("briefbot", "the-right-one")
    inbox = Inbox()
    env = {**os.environ, "BRIEFGEN_TEST_SMTP_PASSWORD": PASSWORD}
    forms = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
             base64.b64encode(f"\0briefbot\0{PASSWORD}".encode()).decode()]

    def briefgen(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "briefgen", argv[0], "--debug", "--config", str(project / "sources.yaml"),
             "--date", DAY, *argv[1:]],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
        )

    with smtp_server(inbox, auth_required=True, auth_require_tls=False, authenticator=auth) as port:
        add_email(project / "sources.yaml", port, username="briefbot", password_env="BRIEFGEN_TEST_SMTP_PASSWORD")
        early = briefgen("send")  # no brief yet: with --debug, an error is a traceback
        assert early.returncode != 0 and "Traceback" in early.stderr
        failed = briefgen("generate", "--email", "--format", "json")
        assert failed.returncode == 7, failed.stderr
        assert "login as briefbot failed: 535" in failed.stderr
        # One login (smtplib tries PLAIN, then LOGIN), not one per recipient.
        assert auth.attempts == 2
        dry = briefgen("send", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        auth.password = PASSWORD.encode()
        sent = briefgen("send")
        assert sent.returncode == 0, sent.stderr
    assert len(inbox.messages) == 3
    shown = early.stderr + failed.stdout + failed.stderr + dry.stdout + dry.stderr + sent.stdout + sent.stderr
    stored = json.dumps(_outbox(project))
    files = b"".join(p.read_bytes() for p in _folder(project).glob("*.eml"))
    for form in forms:
        assert form not in shown and form not in stored
        assert form.encode() not in files
    assert b"".join(m.data for m in inbox.messages).count(PASSWORD.encode()) == 0


HEADLINE = ("North Korea fires a new solid-fuel intercontinental ballistic missile into the East Sea "
            "as allied warships gather for drills")


@pytest.mark.parametrize(("brief", "expected"), [
    # A brief whose bottom line names its stories: the headline of the story it opens with.
    ({"title": "Test Brief", "bottom_line": [{"text": "A long first sentence.", "story": "s2"}],
      "stories": [{"id": "s1", "headline": "Not this one"}, {"id": "s2", "headline": HEADLINE}]},
     "Test Brief · 2024-01-17 · North Korea fires a new solid-fuel intercontinental…"),
    # Without stories: the first bottom-line point.
    ({"title": "Test Brief", "bottom_line": [{"text": HEADLINE}]},
     "Test Brief · 2024-01-17 · North Korea fires a new solid-fuel intercontinental…"),
    # Without a bottom line: the title and the date.
    ({"title": "Test Brief", "bottom_line": []}, "Test Brief · 2024-01-17"),
])
def test_the_subject_is_at_most_78_characters_cut_at_a_word(project: Path, brief: dict, expected: str):
    add_email(project / "sources.yaml", free_port())
    folder = _folder(project)
    folder.mkdir(parents=True)
    (folder / f"brief-{DAY}.json").write_text(json.dumps(brief), encoding="utf-8")
    for ext in ("md", "html"):
        (folder / f"brief-{DAY}.{ext}").write_text("<p>brief</p>\n", encoding="utf-8")
    assert _run(project, "send", "-q", "--dry-run") == 0
    eml = next(folder.glob("*.eml"))
    subject = str(message_from_bytes(eml.read_bytes(), policy=policy.default)["Subject"])
    assert subject == expected
    assert len(subject) <= 78


@pytest.mark.parametrize("command", ["send", "schedule"])
def test_help(command: str):
    proc = subprocess.run([sys.executable, "-m", "briefgen", command, "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and f"usage: briefgen {command}" in proc.stdout


def test_email_images_are_fitted_to_the_width():
    page = email_html('<html><head><style>p { color: red; }</style></head><body><p>x</p><img src="data:,"></body></html>')
    assert '<p style="color: red;">' in page
    assert "max-width: 100%" in page.split("<img", 1)[1]


@pytest.mark.parametrize(
    "email, problem",
    [
        ({"password": "hunter2"}, "email.password: the password never goes in the config file"),
        ({"username": "u"}, "email: username needs password_env"),
        ({"to": ["not an address"]}, "email.to: 'not an address' is not an email address"),
        ({"subject": "{title} {weather}"}, "email.subject: unknown field {weather}"),
        ({"to": [], "cc": [], "bcc": []}, "email: give at least one recipient in to, cc or bcc"),
        ({"security": "tls"}, "email.security: Input should be 'starttls', 'ssl' or 'none'"),
        ({"frm": "x@example.org"}, "email.frm: unknown key (did you mean 'from'?)"),
    ],
)
def test_email_settings_are_checked(email: dict, problem: str):
    data = {
        "sources": [{"name": "s", "path": "seeds/"}],
        "themes": [{"key": "t", "label": "T", "terms": ["x"]}],
        "email": {"host": "smtp.example.org", "from": "brief@example.org", "to": ["a@example.org"], **email},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert any(p.startswith(problem) for p in info.value.problems), info.value.problems
    assert "hunter2" not in str(info.value)
