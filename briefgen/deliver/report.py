"""What became of each recipient of a brief, said once: sent lines on stdout, problems as log lines."""

from __future__ import annotations

import logging
from datetime import date

from ..errors import ExitStatus
from ..models import Delivery

log = logging.getLogger("briefgen")


def report_deliveries(deliveries: list[Delivery], day: date) -> int:
    """One line per recipient on stdout; problems on stderr; DELIVERY_ERROR unless all were sent."""
    for d in deliveries:
        if d.status == "sent":
            print(f"{'sent' if d.tried else 'already sent'} {d.recipient} {d.message_id}")
        elif d.status == "ambiguous":
            log.error("%s: may have been delivered: %s; check with the recipient, then "
                      "`briefgen send --date %s --force` sends it again", d.recipient, d.error, day)
    undelivered = [d for d in deliveries if d.status != "sent"]
    failed = [d for d in undelivered if d.status != "ambiguous"]
    reasons = list(dict.fromkeys(d.error or d.status for d in failed))
    if len(reasons) > 1:
        for d in failed:
            log.error("%s: %s: %s", d.recipient, d.status, d.error)
    if undelivered:
        # One refusal for all (the server is down, the login fails) is said once, in the last line.
        why = f": {reasons[0]}" if len(reasons) == 1 else ""
        who = f" ({', '.join(d.recipient for d in undelivered)})" if len(undelivered) < len(deliveries) else ""
        log.error("not delivered to %d of %d recipients%s%s; the brief is written: check the email settings "
                  "and the server, then `briefgen send --date %s`", len(undelivered), len(deliveries), who, why, day)
        return ExitStatus.DELIVERY_ERROR
    return ExitStatus.OK
