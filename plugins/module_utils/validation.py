# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rule checks that run before any HTTP call; each names option, value and rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
from urllib.parse import urlsplit

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError


def require_int(option, value):
    # Ansible lets booleans through as integers; the API does not take them as counts.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidOptionError(option, value, 'it must be an integer')
    return value


def check_range(option, value, low, high, unit=''):
    if value is None:
        return
    require_int(option, value)
    if not low <= value <= high:
        raise InvalidOptionError(option, value, 'it must be between %s and %s%s' % (low, high, unit))


def check_length(option, value, low, high):
    if value is None:
        return
    if not low <= len(value) <= high:
        raise InvalidOptionError(option, value, 'it must be %s to %s characters long (got %s)' % (low, high, len(value)))


def check_positive(option, value, allow_zero=False):
    if value is None:
        return
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidOptionError(option, value, 'it must be %s' % ('0 or more' if allow_zero else 'greater than 0'))


def check_not_blank(option, value):
    if value is not None and not value.strip():
        raise InvalidOptionError(option, value, 'it must not be empty')


def check_url(option, value):
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ('http', 'https') or not parts.netloc:
        raise InvalidOptionError(option, value, 'it must be an http:// or https:// URL')


# Upper bounds that keep every timer within what sockets and sleep() accept (no overflow, no NaN),
# and a retry budget that keeps a failing call bounded in time.
MAX_SECONDS = {'request_timeout': 86400, 'poll_interval': 86400, 'wait_timeout': 366 * 86400}
MAX_RETRIES = 100
TIMERS = ('request_timeout', 'wait_timeout', 'poll_interval')


def check_seconds(option, value):
    if value is None:
        return
    if isinstance(value, float) and not math.isfinite(value) or value > MAX_SECONDS[option]:
        raise InvalidOptionError(option, value, 'it must be a finite number of seconds, at most %d' % MAX_SECONDS[option])


# Options sent verbatim as HTTP header values (X-Auth-Token, X-Security-Token, the Access= of Authorization).
HEADER_OPTIONS = ('auth_token', 'security_token', 'access_key')


def check_header_value(option, value):
    if value is not None and not all(' ' <= char <= '~' for char in value):
        raise InvalidOptionError(option, '<hidden>' if option != 'access_key' else value,
                                 'it must be printable ASCII, as it is sent in an HTTP header')


def check_no_control_characters(option, value):
    if value is not None and any(ord(char) < 32 or 127 <= ord(char) < 160 for char in value):
        raise InvalidOptionError(option, value, 'it must not contain control characters')


def _non_finite(value):
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_non_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_non_finite(item) for item in value)
    return False


def check_json_numbers(params):
    """NaN and infinity (YAML .nan, .inf) have no JSON form: refuse them in any option that goes into a body."""
    for option, value in params.items():
        if option not in TIMERS and _non_finite(value):
            raise InvalidOptionError(option, value, 'NaN and infinite numbers cannot be sent as JSON')
