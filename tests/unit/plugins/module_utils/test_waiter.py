# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""waiter.py with a fake clock: no test here sleeps."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, WaitTimeoutError
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline, Waiter


class FakeTime:
    """A clock that only moves when ``sleep`` is called."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Reads:
    """``read()`` returns the given states in turn, then repeats the last one; records when it was called."""

    def __init__(self, fake_time, *states):
        self.fake_time = fake_time
        self.states = list(states)
        self.times = []

    def __call__(self):
        self.times.append(self.fake_time.now)
        if len(self.states) > 1:
            return self.states.pop(0)
        return self.states[0]


def status_waiter(read, **kwargs):
    return Waiter('cluster c to stop', read=read, done=lambda state: state['status'] == 'done', **kwargs)


def test_the_first_poll_comes_one_interval_after_the_callers_read_or_action():
    fake = FakeTime()
    read = Reads(fake, {'status': 'done'})

    state = status_waiter(read).wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep)

    # The caller has just read or acted: a read at once would learn nothing.
    assert state == {'status': 'done'}
    assert fake.sleeps == [5]
    assert read.times == [1005.0]


def test_polls_every_interval_until_done():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'}, {'status': 'moving'}, {'status': 'done', 'n': 3})

    state = status_waiter(read).wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep)

    assert state == {'status': 'done', 'n': 3}
    assert fake.sleeps == [5, 5, 5]
    assert read.times == [1005.0, 1010.0, 1015.0]


def test_failed_state_ends_the_wait_with_the_reason_and_details():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'}, {'status': 'broken', 'why': 'disk busy'})
    waiter = status_waiter(read, failed=lambda state: 'it broke: %s' % state['why'] if state['status'] == 'broken' else None,
                           report=lambda state: {'cluster': state})

    with pytest.raises(HwCloudError) as caught:
        waiter.wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep, details={'job_ids': ['j1']})

    assert not isinstance(caught.value, WaitTimeoutError)
    assert caught.value.message == 'cluster c to stop failed: it broke: disk busy'
    assert caught.value.details == {'job_ids': ['j1'], 'cluster': {'status': 'broken', 'why': 'disk busy'}}
    assert fake.sleeps == [5, 5]


def test_done_wins_over_failed():
    fake = FakeTime()
    waiter = status_waiter(Reads(fake, {'status': 'done'}), failed=lambda state: 'always failing')

    assert waiter.wait(Deadline(10, clock=fake.clock), 1, sleep=fake.sleep) == {'status': 'done'}


def test_timeout_message_and_details():
    fake = FakeTime()
    read = Reads(fake, {'status': '910'})
    waiter = status_waiter(read, describe=lambda state: 'status %s (stopping)' % state['status'],
                           report=lambda state: {'cluster': state})

    with pytest.raises(WaitTimeoutError) as caught:
        waiter.wait(Deadline(10, clock=fake.clock), 3, sleep=fake.sleep, details={'job_ids': ['j1']})

    # Polls at 3, 6, 9 and a last one exactly at the deadline; the last sleep is cut to what is left.
    assert read.times == [1003.0, 1006.0, 1009.0, 1010.0]
    assert fake.sleeps == [3, 3, 3, 1.0]
    assert caught.value.message == 'Timed out after 10s waiting for cluster c to stop; last seen: status 910 (stopping) (4 polls)'
    assert caught.value.details == {'job_ids': ['j1'], 'cluster': {'status': '910'}}
    assert caught.value.to_result() == {'job_ids': ['j1'], 'cluster': {'status': '910'}}
    assert isinstance(caught.value, HwCloudError)


def test_zero_timeout_reads_once():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'})

    with pytest.raises(WaitTimeoutError) as caught:
        status_waiter(read).wait(Deadline(0, clock=fake.clock), 5, sleep=fake.sleep)

    assert read.times == [1000.0]
    assert fake.sleeps == [0.0]
    assert caught.value.message == "Timed out after 0s waiting for cluster c to stop; last seen: {'status': 'moving'} (1 polls)"
    assert caught.value.details == {'last_state': {'status': 'moving'}}


def test_zero_timeout_still_returns_a_done_state():
    fake = FakeTime()

    assert status_waiter(Reads(fake, {'status': 'done'})).wait(Deadline(0, clock=fake.clock), 5, sleep=fake.sleep) == {'status': 'done'}


def test_interval_longer_than_the_timeout_is_cut():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'}, {'status': 'done'})

    with pytest.raises(WaitTimeoutError):
        status_waiter(read).wait(Deadline(2, clock=fake.clock), 30, sleep=fake.sleep)

    # One poll, at the deadline, not thirty seconds later.
    assert fake.sleeps == [2]
    assert read.times == [1002.0]


def test_details_given_by_the_caller_are_not_changed():
    fake = FakeTime()
    details = {'job_ids': []}

    with pytest.raises(WaitTimeoutError):
        status_waiter(Reads(fake, {'status': 'x'}), report=lambda state: {'cluster': state}).wait(Deadline(
            1, clock=fake.clock), 1, sleep=fake.sleep, details=details)

    assert details == {'job_ids': []}


def test_a_read_error_ends_the_wait_as_is():
    fake = FakeTime()

    def read():
        raise HwCloudError('Reading CDM cluster c: HTTP 404 Cdm.0001: The cluster does not exist.', status=404)

    with pytest.raises(HwCloudError) as caught:
        status_waiter(read).wait(Deadline(10, clock=fake.clock), 1, sleep=fake.sleep)

    assert caught.value.status == 404
    assert fake.sleeps == [1]


def test_absent_resource_is_a_state_like_any_other():
    fake = FakeTime()
    read = Reads(fake, {'status': 'x'}, None)
    waiter = Waiter('stack s to go away', read=read, done=lambda state: state is None)

    assert waiter.wait(Deadline(10, clock=fake.clock), 1, sleep=fake.sleep) is None
    assert fake.sleeps == [1, 1]


def test_time_spent_reading_counts_towards_the_interval():
    fake = FakeTime()
    states = [{'status': 'moving'}, {'status': 'moving'}, {'status': 'done'}]

    def slow_read():
        fake.now += 2
        return states.pop(0)

    status_waiter(slow_read).wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep)

    assert fake.sleeps == [5, 3, 3]


def test_a_read_slower_than_the_interval_polls_again_at_once():
    fake = FakeTime()
    states = [{'status': 'moving'}, {'status': 'done'}]

    def slow_read():
        fake.now += 7
        return states.pop(0)

    status_waiter(slow_read).wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep)

    assert fake.sleeps == [5, 0.0]


def test_a_read_that_fails_mid_wait_keeps_the_ids_to_follow_up():
    fake = FakeTime()

    def read():
        raise HwCloudError('Reading CDM cluster c1: HTTP 500', status=500, details={'cluster_id': 'c1'})

    waiter = Waiter('cluster c1 to stop', read=read, done=lambda state: False)
    with pytest.raises(HwCloudError) as caught:
        waiter.wait(Deadline(10, clock=fake.clock), 1, sleep=fake.sleep, details={'job_ids': ['j1'], 'cluster_id': 'other'})
    assert caught.value.status == 500
    assert caught.value.details == {'cluster_id': 'c1', 'job_ids': ['j1']}


def test_two_waits_share_one_deadline():
    """Settling first and the action's own wait draw on one wait_timeout, as the whole task does."""
    fake = FakeTime()
    deadline = Deadline(20, clock=fake.clock)
    settle = Reads(fake, {'status': 'moving'}, {'status': 'moving'}, {'status': 'done'})
    status_waiter(settle).wait(deadline, 5, sleep=fake.sleep)
    assert fake.now == 1015.0

    action = Reads(fake, {'status': 'moving'})
    with pytest.raises(WaitTimeoutError) as caught:
        status_waiter(action).wait(deadline, 5, sleep=fake.sleep)

    # 15 s went to settling, so the action's wait gets the 5 s left: one poll, at the task's deadline.
    assert action.times == [1020.0]
    assert fake.now == 1020.0
    assert caught.value.message.startswith('Timed out after 20s waiting for cluster c to stop')


def test_a_spent_deadline_still_reads_once_for_the_last_state():
    fake = FakeTime()
    deadline = Deadline(10, clock=fake.clock)
    fake.now += 30
    read = Reads(fake, {'status': 'moving'})

    with pytest.raises(WaitTimeoutError) as caught:
        status_waiter(read).wait(deadline, 5, sleep=fake.sleep)

    assert read.times == [1030.0]
    assert caught.value.details == {'last_state': {'status': 'moving'}}


def test_a_number_of_seconds_is_refused_so_no_wait_escapes_the_tasks_budget():
    fake = FakeTime()

    with pytest.raises(TypeError) as caught:
        status_waiter(Reads(fake, {'status': 'done'})).wait(60, 5, sleep=fake.sleep)

    assert 'Deadline' in str(caught.value)
    assert fake.sleeps == []


def test_first_poll_comes_early_and_the_gaps_double_up_to_the_interval():
    fake = FakeTime()
    read = Reads(fake, *([{'status': 'moving'}] * 6 + [{'status': 'done'}]))

    status_waiter(read, first_poll=1.0).wait(Deadline(60, clock=fake.clock), 5, sleep=fake.sleep)

    assert fake.sleeps == [1.0, 2.0, 4.0, 5, 5, 5, 5]
    assert read.times[0] == 1001.0


def test_first_poll_longer_than_the_interval_is_the_interval():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'}, {'status': 'done'})

    status_waiter(read, first_poll=10).wait(Deadline(60, clock=fake.clock), 2, sleep=fake.sleep)

    assert fake.sleeps == [2, 2]


def test_first_poll_still_ends_at_the_deadline():
    fake = FakeTime()
    read = Reads(fake, {'status': 'moving'})

    with pytest.raises(WaitTimeoutError):
        status_waiter(read, first_poll=1.0).wait(Deadline(5, clock=fake.clock), 5, sleep=fake.sleep)

    assert fake.now == 1005.0
    assert read.times == [1001.0, 1003.0, 1005.0]
