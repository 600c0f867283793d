"""Sign-in throttling (explorer.auth.throttle), the bound on concurrent Argon2 checks, and
refusals that say nothing about which user names exist: the same words, and about the same
time, for an unknown user, a wrong password and a damaged stored hash."""

from __future__ import annotations

import json
import statistics
import threading
import time

import pytest

from explorer.auth import accounts as accounts_module
from explorer.auth.accounts import (MAX_CONCURRENT_VERIFICATIONS, SignInBusyError, add_user,
                                    authenticate, cached_accounts, verify_password)
from explorer.auth.accounts import AuthenticationError
from explorer.auth.throttle import (CLIENT_FAILURES, FIRST_WAIT_SECONDS, USER_FAILURES,
                                    WINDOW_SECONDS, Throttle, ThrottledError, attempt_keys)

pytestmark = pytest.mark.unit

PASSWORD = "olivia's long password"


# --- the throttle ----------------------------------------------------------------------------

def test_five_failures_for_a_name_then_each_attempt_waits_twice_as_long():
    throttle = Throttle()
    keys = attempt_keys("olivia", "ip:10.0.0.1")
    for failure in range(USER_FAILURES):
        throttle.check(keys, now=failure)
        throttle.failed(keys, now=failure)
    last = USER_FAILURES - 1
    with pytest.raises(ThrottledError) as caught:
        throttle.check(keys, now=last + 1)
    assert caught.value.wait_seconds == pytest.approx(FIRST_WAIT_SECONDS - 1)
    throttle.check(keys, now=last + FIRST_WAIT_SECONDS)  # the wait is over
    throttle.failed(keys, now=last + FIRST_WAIT_SECONDS)  # a sixth failure: the wait doubles
    assert throttle.wait_for(keys, now=last + FIRST_WAIT_SECONDS) == 2 * FIRST_WAIT_SECONDS
    # the same name from another client is throttled too; another name from this client is not
    assert throttle.wait_for(attempt_keys(" OLIVIA ", "ip:10.9.9.9"), now=last + 31) > 0
    assert throttle.wait_for(attempt_keys("sam", "ip:10.0.0.1"), now=last + 31) == 0


def test_failures_older_than_the_window_are_forgotten():
    throttle = Throttle()
    keys = attempt_keys("olivia", "session:abc")
    for failure in range(USER_FAILURES):
        throttle.failed(keys, now=failure)
    assert throttle.wait_for(keys, now=USER_FAILURES) > 0
    assert throttle.wait_for(keys, now=WINDOW_SECONDS + USER_FAILURES) == 0


def test_a_client_trying_many_names_is_throttled():
    throttle = Throttle()
    for failure in range(CLIENT_FAILURES):
        throttle.failed(attempt_keys(f"name{failure}", "ip:10.0.0.2"), now=failure)
    with pytest.raises(ThrottledError):
        throttle.check(attempt_keys("a-new-name", "ip:10.0.0.2"), now=CLIENT_FAILURES)
    throttle.check(attempt_keys("a-new-name", "ip:10.0.0.3"), now=CLIENT_FAILURES)


def test_a_right_password_clears_the_names_count_and_the_wait_is_capped():
    throttle = Throttle()
    keys = attempt_keys("olivia", "ip:10.0.0.4")
    for failure in range(USER_FAILURES - 1):
        throttle.failed(keys, now=failure)
    throttle.succeeded(next(iter(keys)))
    throttle.failed(keys, now=10)
    assert throttle.wait_for(keys, now=10) == 0
    for failure in range(30):
        throttle.failed(keys, now=11 + failure)
    assert throttle.wait_for(keys, now=41) <= throttle.max_wait


def test_the_throttle_message_is_plain_and_names_nobody():
    message = str(ThrottledError(95))
    assert message == "Too many failed sign-in attempts. Please wait 2 minutes and try again."
    assert str(ThrottledError(10)).endswith("wait a minute and try again.")


# --- Argon2 checks: bounded, and the same for every refusal ----------------------------------

class _SlowHasher:
    """Stands in for PasswordHasher.verify: records how many checks run at once."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def verify(self, stored, password):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return True


def test_at_most_two_password_checks_run_at_once(monkeypatch):
    fake = _SlowHasher()
    monkeypatch.setattr(accounts_module, "_hasher", lambda: fake)
    monkeypatch.setattr(accounts_module, "_dummy_hash", lambda: "dummy")
    threads = [threading.Thread(target=verify_password, args=(None, "x")) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert MAX_CONCURRENT_VERIFICATIONS == 2
    assert fake.most == MAX_CONCURRENT_VERIFICATIONS


def test_a_check_that_cannot_get_a_turn_is_told_to_try_again(monkeypatch):
    monkeypatch.setattr(accounts_module, "VERIFY_WAIT_SECONDS", 0.05)
    taken = [accounts_module._VERIFY_SLOTS.acquire() for _ in range(MAX_CONCURRENT_VERIFICATIONS)]
    try:
        with pytest.raises(SignInBusyError, match="busy"):
            verify_password(None, "x")
    finally:
        for _ in taken:
            accounts_module._VERIFY_SLOTS.release()


@pytest.fixture(scope="module")
def accounts(tmp_path_factory):
    path = tmp_path_factory.mktemp("throttle") / "accounts.json"
    add_user(path, "olivia", PASSWORD, "official")
    add_user(path, "damaged", PASSWORD, "official")
    add_user(path, "mangled", PASSWORD, "official")
    entries = json.loads(path.read_text())
    entries["damaged"]["password_hash"] = "not a hash at all"
    entries["mangled"]["password_hash"] = entries["mangled"]["password_hash"][:40]
    path.write_text(json.dumps(entries))
    return path


def _refusal_seconds(path, user: str, password: str) -> float:
    start = time.perf_counter()
    with pytest.raises(AuthenticationError) as caught:
        authenticate(path, user, password)
    assert str(caught.value) == "Wrong user name or password."
    return time.perf_counter() - start


def test_unknown_names_and_damaged_hashes_are_refused_like_a_wrong_password(accounts):
    authenticate(accounts, "olivia", PASSWORD)  # warm up (the dummy hash is made once)
    cases = {"wrong password": ("olivia", "not her password"),
             "unknown user": ("nobody", "not her password"),
             "damaged hash": ("damaged", PASSWORD),
             "truncated hash": ("mangled", PASSWORD)}
    medians = {}
    for _ in range(2):  # interleaved rounds, so a busy moment on the machine hits every case
        for name, (user, password) in cases.items():
            medians.setdefault(name, []).extend(
                _refusal_seconds(accounts, user, password) for _ in range(3))
    medians = {name: statistics.median(times) for name, times in medians.items()}
    reference = medians["wrong password"]
    for name, median in medians.items():
        assert 0.4 * reference <= median <= 2.5 * reference, medians


def test_a_changed_accounts_file_is_read_again(tmp_path):
    path = tmp_path / "accounts.json"
    add_user(path, "sam", PASSWORD, "statistician")
    assert cached_accounts(path)["sam"]["role"] == "statistician"
    assert cached_accounts(path) is cached_accounts(path)  # unchanged: not read again
    add_user(path, "sam", PASSWORD, "official", replace=True)
    assert cached_accounts(path)["sam"]["role"] == "official"
    path.unlink()
    assert cached_accounts(path) == {}
