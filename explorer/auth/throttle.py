"""Sign-in throttling: failed attempts are counted per user name typed and per client, and after
too many within a window each further attempt must wait, twice as long after each failure.

In memory, for this server process (a restart forgets the counts). The same rule applies to a
name that exists and one that does not, so a refusal says nothing about which names exist.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from explorer.errors import ExplorerError

#: Failed attempts allowed per user name, and per client, within WINDOW_SECONDS before waits.
USER_FAILURES = 5
#: Per client (an IP address, or the browser session when none is known): higher, because
#: people behind one proxy share an address.
CLIENT_FAILURES = 20
WINDOW_SECONDS = 15 * 60
#: The first wait, doubled after each further failure, up to MAX_WAIT_SECONDS.
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 15 * 60


class ThrottledError(ExplorerError):
    """Too many failed sign-ins: the same words whether or not the user name exists."""

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        minutes = int(wait_seconds + 59) // 60
        wait = "a minute" if minutes <= 1 else f"{minutes} minutes"
        super().__init__(f"Too many failed sign-in attempts. Please wait {wait} and try again.")


@dataclass
class Throttle:
    """Failure counts by key ("user:<name>", "client:<id>"), with each key's limit."""

    window: float = WINDOW_SECONDS
    first_wait: float = FIRST_WAIT_SECONDS
    max_wait: float = MAX_WAIT_SECONDS
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def wait_for(self, keys: dict[str, int], now: float | None = None) -> float:
        """Seconds before another attempt with these keys (key -> its failure limit) may be
        checked; 0 when it may be checked now."""
        now = time.monotonic() if now is None else now
        longest = 0.0
        with self._lock:
            for key, limit in keys.items():
                times = self._recent(key, now)
                if len(times) >= limit:
                    wait = min(self.first_wait * 2 ** (len(times) - limit), self.max_wait)
                    longest = max(longest, times[-1] + wait - now)
        return max(longest, 0.0)

    def check(self, keys: dict[str, int], now: float | None = None) -> None:
        """ThrottledError when an attempt with these keys must wait."""
        wait = self.wait_for(keys, now)
        if wait > 0:
            raise ThrottledError(wait)

    def failed(self, keys: dict[str, int], now: float | None = None) -> None:
        """Count a failed attempt against each key."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._recent(key, now)
                self._failures.setdefault(key, deque()).append(now)
                if len(self._failures) > 100_000:  # bound memory under a flood of names
                    self._failures.pop(next(iter(self._failures)))

    def reset(self) -> None:
        """Forget every failure (tests)."""
        with self._lock:
            self._failures.clear()

    def succeeded(self, user_key: str) -> None:
        """A right password clears its user name's count (not the client's)."""
        with self._lock:
            self._failures.pop(user_key, None)


def attempt_keys(username: str, client: str) -> dict[str, int]:
    """The throttle keys, with their limits, for an attempt at ``username`` from ``client``."""
    return {f"user:{username.strip().lower()}": USER_FAILURES, f"client:{client}": CLIENT_FAILURES}


#: The server process's throttle.
SIGN_IN_THROTTLE = Throttle()
