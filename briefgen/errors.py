"""Errors the core raises and the exit codes the CLI maps them to."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; scripts rely on these numbers, so they never change meaning."""

    OK = 0               # the brief was written (a source may have failed: see its notes)
    ERROR = 1            # unexpected failure (a bug): run again with --debug
    USAGE = 2            # bad command-line arguments (argparse's own code); or one naming nothing there is (`feedback`: a passage id, theme key or number)
    CONFIG_ERROR = 3     # sources.yaml missing, unparsable or invalid; or `init` would overwrite a file
    SOURCE_ERROR = 4     # with --strict: a source failed (the brief was written); `check`: one is unusable
    RENDER_ERROR = 5     # a template or the PDF engine failed; or the PDF timed out (the rest was written)
    OUTPUT_ERROR = 6     # the brief could not be written to the output folder
    DELIVERY_ERROR = 7   # the brief was written but email delivery failed
    LOCKED = 8           # another run holds the lock for this brief date
    NO_ARTICLES = 9      # no article in the window because the sources failed or are missing (the brief was written, saying so; not emailed unless email.send_empty)
    FOREIGN_OUTPUT = 10  # the output folder holds files briefgen did not write: nothing was written there
    LABELS_ERROR = 12    # `themes test`: a labelled file is missing, unparsable or names an unknown theme
    BELOW_TARGET = 13    # `themes test --min-f1`: a file's micro-F1 is below the target
    STORE_ERROR = 14     # the store cannot be reached or used (a PostgreSQL server down, a wrong URL or password)
    INTERRUPTED = 130    # stopped by SIGINT/SIGTERM
    BROKEN_PIPE = 141    # the program reading the output closed it (`| head`): the rest was not printed


class BriefgenError(Exception):
    """Base for errors with a one-line message meant for the user."""

    status = ExitStatus.ERROR


class ConfigError(BriefgenError):
    """The configuration cannot be used; `problems` lists every one, each by its path."""

    status = ExitStatus.CONFIG_ERROR

    def __init__(self, source: str, problems: list[str], hint: str | None = None):
        self.source = source
        self.problems = problems
        self.hint = hint
        count = len(problems)
        # The first line says what is wrong and what to do; several problems follow it, indented.
        if count == 1:
            message = f"{source}: {problems[0]}" + (f"; {hint}" if hint else "")
        else:
            message = f"{source}: {count} problems" + (f"; {hint}" if hint else "")
            message += "".join(f"\n  {p}" for p in problems)
        super().__init__(message)


class UsageError(BriefgenError):
    """An argument names something that does not exist: a passage id, a theme key."""

    status = ExitStatus.USAGE


class SourceError(BriefgenError):
    status = ExitStatus.SOURCE_ERROR


class RenderError(BriefgenError):
    status = ExitStatus.RENDER_ERROR


class OutputError(BriefgenError):
    status = ExitStatus.OUTPUT_ERROR


class ForeignOutputError(OutputError):
    """The output folder is not briefgen's (no marker, files it did not write): it is left alone."""

    status = ExitStatus.FOREIGN_OUTPUT


class DeliveryError(BriefgenError):
    status = ExitStatus.DELIVERY_ERROR


class LockedError(BriefgenError):
    status = ExitStatus.LOCKED


class NoArticlesError(BriefgenError):
    """The brief is empty because its sources failed or are missing, not because the day was quiet."""

    status = ExitStatus.NO_ARTICLES


class StoreError(BriefgenError):
    """The store cannot be reached or used; the message names it, never with its password."""

    status = ExitStatus.STORE_ERROR


class LabelsError(BriefgenError):
    """A labelled file for `themes test` cannot be used; the message names the file and the entry."""

    status = ExitStatus.LABELS_ERROR
