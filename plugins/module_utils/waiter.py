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
    result keys that a failed wait returns, so the user can follow up.
    """

    def __init__(self, name, read, done, failed=None, describe=None, report=None):
        self.name = name
        self.report = report or (lambda state: {'last_state': state})
        self.read = read
        self.done = done
        self.failed = failed or (lambda state: None)
        self.describe = describe or repr

    def wait(self, deadline, interval, clock=time.monotonic, sleep=time.sleep, details=None):
        """Poll until done; raise on failure, or on timeout with ``details`` attached.

        ``deadline`` is the task's ``Deadline`` (or a number of seconds, for a wait of its own).
        The caller has just read the resource or acted on it, so the first poll comes one
        ``interval`` later: a read at once would only repeat what the caller already knows.
        """
        if not isinstance(deadline, Deadline):
            deadline = Deadline(deadline, clock)
        polls = 0
        # Polls start every ``interval`` seconds, however long a read takes: a slow read
        # does not push every later poll back, so a change is seen within one interval.
        started = clock()
        while True:
            sleep(max(0.0, min(started + interval - clock(), deadline.remaining())))
            started = clock()
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
