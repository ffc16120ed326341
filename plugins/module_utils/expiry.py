# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""When temporary credentials (agency keys, instance keys, IAM tokens) must be renewed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import time

# Temporary credentials are renewed this long before they expire (at most), so that no call is signed
# with keys that lapse on the way; short lifetimes (tests) renew after 80 % of their life.
RENEW_MARGIN_SECONDS = 300.0
RENEW_SHARE = 0.2
# Credentials that expire sooner than this when they arrive are not renewed: a new set would be as short.
MIN_RENEWABLE_SECONDS = 1.0


def parse_expires_at(text):
    """Seconds since the epoch of an IAM time (``2026-11-24T10:00:00.000000Z``, fraction and Z optional); None if unreadable."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip().rstrip('Z').replace('z', '')
    for layout in ('%Y-%m-%dT%H:%M:%S.%f', '%Y-%m-%dT%H:%M:%S'):
        try:
            moment = datetime.datetime.strptime(value, layout)
        except ValueError:
            continue
        return moment.replace(tzinfo=datetime.timezone.utc).timestamp()
    return None


class Expiry:
    """When credentials that expire should be renewed, counted on this machine's monotonic clock."""

    def __init__(self, expires_at, clock=None, wall=None):
        # Looked up at call time, not at import: tests replace the clocks.
        self.clock = clock or time.monotonic
        self.expires_at = expires_at
        expires = parse_expires_at(expires_at)
        remaining = None if expires is None else expires - (wall or time.time)()
        if remaining is None or remaining < MIN_RENEWABLE_SECONDS:
            self.renew_at = None
        else:
            self.renew_at = self.clock() + remaining - min(RENEW_MARGIN_SECONDS, remaining * RENEW_SHARE)

    def due(self):
        return self.renew_at is not None and self.clock() >= self.renew_at
