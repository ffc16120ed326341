# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Polling until a resource reaches a state, bounded by ``wait_timeout``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, WaitTimeoutError


class Deadline:
    """The one wait budget of a task (``wait_timeout``): settling first and the action's own wait draw on it."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.expires = clock() + seconds

    def remaining(self):
        return max(0.0, self.expires - self.clock())


# The state of a resource that reads 404, where a status is compared or shown.
ABSENT = 'absent'


def status_of(resource):
    """A resource's ``status``, or ``ABSENT`` for one that does not exist (read as ``None``)."""
    return ABSENT if resource is None else resource.get('status')


def _seconds(value):
    return int(value) if float(value).is_integer() else value


class Waiter:
    """What to wait for, as data: services declare these, modules run them.

    ``read`` returns the current state (``None`` for an absent resource);
    ``done(state)`` ends the wait; ``failed(state)`` returns a reason string
    when the resource can no longer reach ``done``; ``describe(state)`` says
    where it is now, for the timeout message; ``report(state)`` gives the
    result keys that a failed wait returns, so the user can follow up;
    ``first_poll`` (seconds), when set, brings the first poll forward (see ``wait``).
    """

    def __init__(self, name, read, done, failed=None, describe=None, report=None, first_poll=None):
        self.name = name
        self.report = report or (lambda state: {'last_state': state})
        self.read = read
        self.done = done
        self.failed = failed or (lambda state: None)
        self.describe = describe or repr
        self.first_poll = first_poll

    def wait(self, deadline, interval, sleep=time.sleep, details=None):
        """Poll until done; raise on failure, or on timeout with ``details`` attached.

        ``deadline`` is the task's ``Deadline``, never a number of seconds: every wait of a task
        draws on the one ``wait_timeout`` budget. The caller has just read the resource or acted
        on it, so the first poll comes one ``interval`` later (a read at once would only repeat
        what the caller knows), or ``first_poll`` seconds later for a resource that is often
        ready at once; the gaps then double up to ``interval``.
        """
        if not isinstance(deadline, Deadline):
            raise TypeError('Waiter.wait takes the task\'s Deadline, not %r: one budget for every wait' % (deadline,))
        clock = deadline.clock
        gap = min(self.first_poll, interval) if self.first_poll else interval
        polls = 0
        # Polls start every ``gap`` seconds, however long a read takes: a slow read
        # does not push every later poll back, so a change is seen within one interval.
        started = clock()
        while True:
            sleep(max(0.0, min(started + gap - clock(), deadline.remaining())))
            started = clock()
            gap = min(gap * 2, interval)
            try:
                state = self.read()
            except HwCloudError as error:
                # The action is already sent: a read that fails mid-wait still carries the ids to follow up.
                for key, value in (details or {}).items():
                    error.details.setdefault(key, value)
                raise
            polls += 1
            if self.done(state):
                return state
            reason = self.failed(state)
            if reason:
                raise HwCloudError('%s failed: %s' % (self.name, reason), details=self._details(details, state))
            if deadline.remaining() <= 0:
                # The budget is the task's (wait_timeout), so the seconds named are the task's, not this wait's.
                raise WaitTimeoutError('Timed out after %ss waiting for %s; last seen: %s (%d polls)'
                                       % (_seconds(deadline.seconds), self.name, self.describe(state), polls),
                                       details=self._details(details, state))

    def _details(self, details, state):
        result = dict(details or {})
        result.update(self.report(state))
        return result
