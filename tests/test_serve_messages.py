"""What a browser tab may send ``optiscope serve`` (tui/cli/web_messages.py), without a server:
the page's messages parsed, anything else refused with a reason, sizes clamped, keys counted
and rate-limited. tests/test_serve_limits.py checks the same rules on a running server."""

from __future__ import annotations

import json

import pytest

from optiscope.tui.cli.web_messages import (
    DEFAULT_SIZE,
    KEY_BURST,
    KEYS_PER_SECOND,
    MAX_HEIGHT,
    MAX_MESSAGE_BYTES,
    MAX_WIDTH,
    BadMessage,
    Focus,
    KeyBucket,
    Keys,
    Ping,
    Resize,
    key_count,
    parse_message,
    size_from_query,
)


# -- the page's own messages --------------------------------------------------------------------
def test_the_messages_textual_serves_page_sends_are_understood() -> None:
    assert parse_message('["stdin", "n"]') == Keys(b"n", 1)
    assert parse_message('["stdin", "é\\u001b[A"]') == Keys("é\x1b[A".encode(), 2)
    assert parse_message('["resize", {"width": 120, "height": 40}]') == Resize(120, 40, (120, 40))
    assert parse_message('["ping", "1712345678901"]') == Ping("1712345678901")
    assert parse_message('["focus"]') == Focus(True)
    assert parse_message('["blur"]') == Focus(False)


@pytest.mark.parametrize(
    "raw",
    [
        "hello",
        "[]",
        '["stdin", 5]',
        '["resize", {}]',
        '["resize", {"width": "80", "height": 24}]',
        '["resize", {"width": true, "height": 24}]',
        '["resize", {"width": 80.5, "height": 24}]',
        '["resize", {"width": 1e400, "height": 24}]',  # JSON's 1e400 is an infinite float
        '["resize", [80, 24]]',
        '{"stdin": "n"}',
        "[5]",
        '["stdin"]',
        '["stdin", "a", "b"]',
        '["focus", 1]',
        '["ping", 5]',
        f'["ping", "{"9" * 100}"]',
        '["exec", "rm -rf /"]',
        "9" * 5000,  # an integer literal over Python's 4300-digit limit
        "[" * 100_000,  # nested deeper than the JSON parser recurses
        '["stdin", "\\ud800"]',  # a lone surrogate cannot be encoded to send on
        "",
    ],
)
def test_anything_else_is_refused_with_a_reason_that_shows_the_message(raw: str) -> None:
    with pytest.raises(BadMessage) as refused:
        parse_message(raw)
    reason = str(refused.value)
    assert reason.startswith("a ") and f"({len(raw)} characters)" in reason
    assert len(reason) < 200  # a log line, however large the message


# -- sizes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("asked", "served"),
    [
        ((120, 40), (120, 40)),
        ((20_000, 20_000), (MAX_WIDTH, MAX_HEIGHT)),
        ((10**30, 3), (MAX_WIDTH, 3)),
        ((-5, 0), (1, 1)),
        ((MAX_WIDTH, MAX_HEIGHT), (MAX_WIDTH, MAX_HEIGHT)),
    ],
)
def test_resize_messages_are_clamped_to_the_largest_terminal_served(
    asked: tuple[int, int], served: tuple[int, int]
) -> None:
    message = parse_message(json.dumps(["resize", {"width": asked[0], "height": asked[1]}]))
    assert isinstance(message, Resize)
    assert (message.width, message.height) == served and message.asked == asked
    assert message.clamped is (asked != served)


@pytest.mark.parametrize(
    ("query", "served"),
    [
        ({"width": "120", "height": "40"}, (120, 40)),
        ({"width": "100000", "height": "100000"}, (MAX_WIDTH, MAX_HEIGHT)),
        ({"width": "9" * 100, "height": "-7"}, (MAX_WIDTH, 1)),
        ({"width": "abc", "height": "1e5"}, DEFAULT_SIZE),
        ({"width": "9" * 101, "height": ""}, DEFAULT_SIZE),  # not parsed at all
        ({}, DEFAULT_SIZE),
    ],
)
def test_the_starting_size_in_the_url_is_clamped_or_defaulted(
    query: dict[str, str], served: tuple[int, int]
) -> None:
    size = size_from_query(query)
    assert (size.width, size.height) == served


# -- keys -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("abc", 3),
        ("\x1b[A\x1b[B", 2),  # arrows
        ("\x1b[<35;120;40M\x1b[<0;3;4m", 2),  # mouse reports (SGR)
        ("\x1bOP", 1),  # F1
        ("\x1b[200~hello\x1b[201~", 7),  # a bracketed paste: its markers and its text
        ("\x1b", 1),
        ("", 0),
    ],
)
def test_an_escape_sequence_counts_as_one_key(text: str, keys: int) -> None:
    assert key_count(text) == keys


def _passed(bucket: KeyBucket, messages: list[tuple[float, int]]) -> int:
    """Keys let through of (time, keys) messages."""
    return sum(keys for now, keys in messages if bucket.take(keys, now))


def test_typing_a_held_key_and_a_moving_mouse_all_pass_for_a_minute() -> None:
    typing = [(t / 15, 1) for t in range(15 * 60)]  # a fast typist
    held = [(t / 30, 3) for t in range(30 * 60)]  # an arrow key held down, auto-repeating
    mouse = [(t / 150, 1) for t in range(150 * 60)]  # a mouse reporting 150 times a second
    for messages in (typing, held, mouse):
        assert _passed(KeyBucket(stamp=0.0), messages) == sum(k for _, k in messages)


def test_pasted_specs_pass_even_several_in_a_row() -> None:
    bucket = KeyBucket(stamp=0.0)
    spec = len("optiscope:v1 surface=rosenbrock start=-1.5,2 opt=adam(lr=0.05) " * 5)
    assert spec > 300
    assert all(bucket.take(spec, now=0.0) for _ in range(KEY_BURST // spec))


def test_a_flood_passes_only_the_burst_and_then_the_rate() -> None:
    bucket = KeyBucket(stamp=0.0)
    assert not bucket.take(3_000_000, now=0.0)  # one message of 3,000,000 keys: dropped whole
    flood = [(t / 1000, 1) for t in range(10_000)]  # 1000 keys a second for 10 s
    assert _passed(bucket, flood) == pytest.approx(KEY_BURST + 10 * KEYS_PER_SECOND, abs=2)
    assert not bucket.take(KEY_BURST + 1, now=1000.0)  # never more than a burst at once
    assert bucket.take(KEY_BURST, now=1000.0)


def test_a_burst_of_keys_fits_in_a_message_of_the_size_allowed() -> None:
    """Whatever the bucket lets through at once travels in one message below the cap, even
    as mouse reports JSON-escaped (the escape is six bytes as \\u001b)."""
    report = "\x1b[<35;500;200M"
    message = json.dumps(["stdin", report * KEY_BURST])
    assert key_count(report * KEY_BURST) == KEY_BURST
    assert len(message.encode()) < MAX_MESSAGE_BYTES
