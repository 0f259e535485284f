"""What became of each recipient of a brief, said once: sent lines on stdout, problems as log
lines, each with the command that resolves it."""

from __future__ import annotations

import logging
import shlex
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from ..config import Config
from ..errors import ExitStatus
from ..models import Delivery

log = logging.getLogger("briefgen")


def send_command(config: Config, day: date, out_dir: Path | None = None, *, force: bool = False,
                 recipients: Sequence[str] = ()) -> str:
    """The `briefgen send` line that acts on this brief: the same config file, the same
    output folder (when it is not the config's own), only `recipients` when given."""
    parts = ["briefgen", "send"]
    if config.path is not None:
        parts += ["--config", str(config.path)]
    parts += ["--date", day.isoformat()]
    if out_dir is not None and Path(out_dir).resolve() != config.resolve(config.output.dir).resolve():
        parts += ["--out", str(out_dir)]
    if force:
        parts.append("--force")
    for recipient in recipients:
        parts += ["--recipient", recipient]
    return shlex.join(parts)


def report_deliveries(deliveries: list[Delivery], day: date, config: Config, out_dir: Path | None = None) -> int:
    """One line per recipient on stdout; problems on stderr; DELIVERY_ERROR unless all were sent."""
    for d in deliveries:
        if d.status == "sent" and d.resend_error:
            log.error("%s: had the brief already (sent %s); sending it again failed: %s", d.recipient, d.sent_at,
                      d.resend_error)
        elif d.status == "sent":
            print(f"{'sent' if d.tried else 'already sent'} {d.recipient} {d.message_id}")
        elif d.status == "ambiguous":
            log.error("%s: may have been delivered: %s; ask the recipient, and if it did not arrive, `%s` "
                      "sends it to them alone", d.recipient, d.error,
                      send_command(config, day, out_dir, force=True, recipients=[d.recipient]))
    undelivered = [d for d in deliveries if d.status != "sent"]
    failed = [d for d in undelivered if d.status != "ambiguous"]
    reasons = list(dict.fromkeys(d.error or d.status for d in failed))
    if len(reasons) > 1:
        for d in failed:
            log.error("%s: %s: %s", d.recipient, d.status, d.error)
    if failed:
        # One refusal for all (the server is down, the login fails) is said once, in the last line.
        # Only these: a plain `send` leaves the ambiguous ones alone, which their own line covers.
        why = f": {reasons[0]}" if len(reasons) == 1 else ""
        who = f" ({', '.join(d.recipient for d in failed)})" if len(failed) < len(deliveries) else ""
        log.error("not delivered to %d of %d recipients%s%s; the brief is written: check the email settings "
                  "and the server, then `%s`", len(failed), len(deliveries), who, why,
                  send_command(config, day, out_dir))
    if undelivered or any(d.resend_error for d in deliveries):
        return ExitStatus.DELIVERY_ERROR
    return ExitStatus.OK
