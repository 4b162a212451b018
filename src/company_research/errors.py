"""The one error hierarchy of company-research.

ResearchError                 base; every error a user may see; carries an exit code
├── UsageError                bad input (domain, --resolve, --db, options): exit 2
├── StoreError                the SQLite store cannot be opened or written: exit 2
├── NotResearchedError        `research brief` for a company never researched: exit 1
├── RefreshBusyError          another refresh holds this store's lock: exit 0 (nothing done)
├── ScheduleError             crontab / systemctl / the unit folder would not take the entry: exit 1
└── CrawlError                the company could not be researched: exit 1
    ├── UnreachableError      DNS, connection, timeout, 5xx on the home page
    ├── BlockedError          robots.txt forbids us, or a challenge / login wall
    └── JavaScriptOnlyError   the site renders nothing without JavaScript

FetchError                    one URL could not be fetched (internal; the crawl goes on)
├── OutOfScopeError           a redirect left the company's domain or hit a private address
├── DisallowedError           robots.txt disallows the URL
├── TooLargeError             body over the size cap (declared or counted)
├── BadContentTypeError       not a type we read
└── ChallengeError            a bot check, captcha or login wall
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


class ResearchError(Exception):
    """Base class: a message for one line, and the exit code the CLI returns."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(ResearchError):
    exit_code = EXIT_USAGE


class StoreError(ResearchError):
    exit_code = EXIT_USAGE


class NotResearchedError(ResearchError):
    exit_code = EXIT_FAILED


class RefreshBusyError(ResearchError):
    """Not a failure: another refresh of the same store is running, so this one stands down."""

    exit_code = EXIT_OK


class ScheduleError(ResearchError):
    exit_code = EXIT_FAILED


class CrawlError(ResearchError):
    exit_code = EXIT_FAILED


class UnreachableError(CrawlError):
    pass


class BlockedError(CrawlError):
    pass


class JavaScriptOnlyError(CrawlError):
    pass


class FetchError(Exception):
    """One URL failed; the crawl records it and goes on."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class OutOfScopeError(FetchError):
    pass


class DisallowedError(FetchError):
    pass


class TooLargeError(FetchError):
    pass


class BadContentTypeError(FetchError):
    pass


class ChallengeError(FetchError):
    pass
