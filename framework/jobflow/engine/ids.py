"""Run ids: short, unique, and sortable by creation time (a ULID-like string in lowercase base32).

``new_run_id()`` -> ``"01jdq3m8z6k2x9f4h7tnq5wbce"``-shaped text of 20 characters: 10 for the millisecond
timestamp, 10 random. Ids made in the same millisecond by this process still sort in creation order.
"""

from __future__ import annotations

import secrets
import threading
import time

__all__ = ["new_run_id"]

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: ASCII order == numeric order
_TIME_CHARS = 10
_RANDOM_CHARS = 10
_RANDOM_MAX = 32**_RANDOM_CHARS

_lock = threading.Lock()
_last: tuple[int, int] = (-1, 0)


def _encode(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_run_id() -> str:
    """A new run id: 20 characters, lowercase letters and digits, increasing within this process."""
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_random = _last
        if millis <= last_millis:  # same millisecond (or the wall clock went back): keep order
            millis, random_part = last_millis, last_random + 1
            if random_part >= _RANDOM_MAX:
                millis, random_part = millis + 1, secrets.randbelow(_RANDOM_MAX // 2)
        else:
            random_part = secrets.randbelow(_RANDOM_MAX // 2)  # leaves room to count up
        _last = (millis, random_part)
    return _encode(millis, _TIME_CHARS) + _encode(random_part, _RANDOM_CHARS)
