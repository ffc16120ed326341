# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""validation.py: every message names the option, the value and the rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import (
    check_length,
    check_not_blank,
    check_positive,
    check_range,
    require_int,
)


def message_of(check, *args, **kwargs):
    with pytest.raises(InvalidOptionError) as caught:
        check(*args, **kwargs)
    assert caught.value.details == {'invalid_option': args[0]}
    return caught.value.message


@pytest.mark.parametrize('value', [0, -1, 7, 10 ** 12])
def test_require_int_accepts_integers(value):
    assert require_int('timeout', value) == value


@pytest.mark.parametrize('value, shown', [(True, 'true'), (False, 'false'), (1.5, '1.5'), ('3', "'3'"), (None, 'null')])
def test_require_int_refuses_the_rest(value, shown):
    assert message_of(require_int, 'timeout', value) == "Invalid value for option 'timeout': %s; it must be an integer." % shown


@pytest.mark.parametrize('value', [None, 0, 1, 1440])
def test_check_range_inside(value):
    assert check_range('timeout', value, 0, 1440, ' minutes') is None


@pytest.mark.parametrize('value', [-1, 1441])
def test_check_range_outside(value):
    assert message_of(check_range, 'timeout', value, 0, 1440, ' minutes') == (
        "Invalid value for option 'timeout': %s; it must be between 0 and 1440 minutes." % value)


def test_check_range_refuses_a_boolean():
    assert message_of(check_range, 'instances', True, 0, 100) == "Invalid value for option 'instances': true; it must be an integer."


@pytest.mark.parametrize('value', [None, 'a', 'x' * 64])
def test_check_length_inside(value):
    assert check_length('cluster_id', value, 1, 64) is None


@pytest.mark.parametrize('value, length', [('', 0), ('x' * 65, 65)])
def test_check_length_outside(value, length):
    assert message_of(check_length, 'cluster_id', value, 1, 64) == (
        "Invalid value for option 'cluster_id': '%s'; it must be 1 to 64 characters long (got %d)." % (value, length))


@pytest.mark.parametrize('value', [None, 0.001, 1, 30])
def test_check_positive_inside(value):
    assert check_positive('request_timeout', value) is None


@pytest.mark.parametrize('value', [0, 0.0, -1, -0.5])
def test_check_positive_outside(value):
    assert message_of(check_positive, 'request_timeout', value) == (
        "Invalid value for option 'request_timeout': %s; it must be greater than 0." % value)


def test_check_positive_allowing_zero():
    assert check_positive('max_retries', 0, allow_zero=True) is None
    assert message_of(check_positive, 'max_retries', -1, allow_zero=True) == (
        "Invalid value for option 'max_retries': -1; it must be 0 or more.")


@pytest.mark.parametrize('value', [None, 'a', ' a '])
def test_check_not_blank_inside(value):
    assert check_not_blank('project_id', value) is None


@pytest.mark.parametrize('value', ['', ' ', '\t\n'])
def test_check_not_blank_outside(value):
    assert message_of(check_not_blank, 'project_id', value) == (
        "Invalid value for option 'project_id': %r; it must not be empty." % value)
