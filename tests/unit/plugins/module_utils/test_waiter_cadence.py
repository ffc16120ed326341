# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""waiter.py: polls start every poll_interval, however long a read takes (docs/performance.md)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import WaitTimeoutError
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline, Waiter


class SlowReads:
    """A fake clock and a ``read`` that takes ``read_seconds``; the resource is done from ``done_at`` on."""

    def __init__(self, read_seconds, done_at, start=1000.0):
        self.now = start
        self.read_seconds = read_seconds
        self.done_at = start + done_at
        self.started = []
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def read(self):
        self.started.append(self.now)
        self.now += self.read_seconds
        # The service answers with the state at the moment it handles the call: at the end of the read.
        return {'done': self.now >= self.done_at}


def waiter(fake):
    return Waiter('slow thing', read=fake.read, done=lambda state: state['done'])


def test_a_slow_read_does_not_push_later_polls_back():
    fake = SlowReads(read_seconds=0.4, done_at=2.0)

    waiter(fake).wait(Deadline(60, clock=fake.clock), 1, sleep=fake.sleep)

    assert [round(t - 1000.0, 6) for t in fake.started] == [1.0, 2.0]
    assert [round(s, 6) for s in fake.sleeps] == [1.0, 0.6]
    # Seen 0.4 s (one read) after the change, not 1.2 s as with a sleep of a full interval after each read.
    assert round(fake.now - fake.done_at, 6) == 0.4


def test_a_read_longer_than_the_interval_polls_again_at_once():
    fake = SlowReads(read_seconds=1.5, done_at=3.5)

    waiter(fake).wait(Deadline(60, clock=fake.clock), 1, sleep=fake.sleep)

    assert fake.sleeps == [1.0, 0.0]
    assert [round(t - 1000.0, 6) for t in fake.started] == [1.0, 2.5]


def test_the_timeout_still_bounds_the_wait():
    fake = SlowReads(read_seconds=0.4, done_at=100.0)

    with pytest.raises(WaitTimeoutError):
        waiter(fake).wait(Deadline(3, clock=fake.clock), 1, sleep=fake.sleep)

    assert fake.now - 1000.0 <= 3 + 0.4
