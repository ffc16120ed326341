# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rule checks that run before any HTTP call; each names option, value and rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
