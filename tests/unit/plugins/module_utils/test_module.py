# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""module.py: the shared options and their checks (the choice of credentials: test_credentials.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import (
    check_url,
    hwcloud_argument_spec,
    validate_connection_options,
)


def params(**given):
    """The shared options as AnsibleModule hands them over: every key present, defaults applied."""
    result = dict((name, spec.get('default')) for name, spec in hwcloud_argument_spec().items())
    result.update(given)
    return result


def test_argument_spec_matches_the_interface():
    spec = hwcloud_argument_spec()

    assert sorted(spec) == sorted([
        'region', 'project_id', 'endpoint', 'auth_token', 'identity_endpoint', 'user_name', 'password', 'domain_name',
        'access_key', 'secret_key', 'security_token', 'validate_certs', 'ca_path', 'request_timeout', 'max_retries',
        'wait', 'wait_timeout', 'poll_interval', 'agency_name', 'agency_domain_name', 'agency_domain_id', 'agency_duration'])
    assert [name for name in sorted(spec) if spec[name].get('no_log')] == ['auth_token', 'password', 'secret_key', 'security_token']
    assert spec['request_timeout'] == dict(type='float', default=30)
    assert spec['max_retries']['default'] == 5
    assert spec['wait'] == dict(type='bool', default=True)
    assert spec['wait_timeout'] == dict(type='int', default=1800)
    assert spec['poll_interval'] == dict(type='float', default=5)
    assert spec['validate_certs'] == dict(type='bool', default=True)
    assert spec['ca_path'] == dict(type='path')
    fallbacks = dict((name, spec[name]['fallback'][1]) for name in spec if 'fallback' in spec[name])
    assert fallbacks == {
        'region': ['HW_REGION_NAME'], 'project_id': ['HW_PROJECT_ID'], 'auth_token': ['HW_AUTH_TOKEN'],
        'identity_endpoint': ['HW_AUTH_URL'], 'user_name': ['HW_USER_NAME'], 'password': ['HW_PASSWORD'],
        'domain_name': ['HW_DOMAIN_NAME'], 'access_key': ['HW_ACCESS_KEY'], 'secret_key': ['HW_SECRET_KEY'],
        'agency_name': ['HW_ASSUME_ROLE_AGENCY_NAME'], 'agency_domain_name': ['HW_ASSUME_ROLE_DOMAIN_NAME'],
        'agency_domain_id': ['HW_ASSUME_ROLE_DOMAIN_ID'], 'agency_duration': ['HW_ASSUME_ROLE_DURATION'],
        'security_token': ['HW_SECURITY_TOKEN'], 'max_retries': ['HW_MAX_RETRIES']}


@pytest.mark.parametrize('value', [None, 'http://127.0.0.1:8443', 'https://cdm.example.com/base/', 'HTTPS://CDM.EXAMPLE.COM'])
def test_check_url_accepts_http_urls(value):
    assert check_url('endpoint', value) is None


@pytest.mark.parametrize('value', ['ftp://x', 'cdm.example.com', 'localhost:8443', 'https://', 'http:///path', ''])
def test_check_url_refuses_the_rest(value):
    with pytest.raises(InvalidOptionError) as caught:
        check_url('endpoint', value)

    assert caught.value.message == "Invalid value for option 'endpoint': %r; it must be an http:// or https:// URL." % value


def test_defaults_are_valid():
    assert validate_connection_options(params()) is None


@pytest.mark.parametrize('given, message', [
    ({'request_timeout': 0.0}, "Invalid value for option 'request_timeout': 0.0; it must be greater than 0."),
    ({'poll_interval': 0.0}, "Invalid value for option 'poll_interval': 0.0; it must be greater than 0."),
    ({'wait_timeout': -1}, "Invalid value for option 'wait_timeout': -1; it must be 0 or more."),
    ({'max_retries': -1}, "Invalid value for option 'max_retries': -1; it must be 0 or more."),
    ({'region': ''}, "Invalid value for option 'region': ''; it must not be empty."),
    ({'project_id': ' '}, "Invalid value for option 'project_id': ' '; it must not be empty."),
    ({'user_name': ''}, "Invalid value for option 'user_name': ''; it must not be empty."),
    ({'endpoint': 'ftp://x'}, "Invalid value for option 'endpoint': 'ftp://x'; it must be an http:// or https:// URL."),
    ({'identity_endpoint': 'iam'}, "Invalid value for option 'identity_endpoint': 'iam'; it must be an http:// or https:// URL."),
])
def test_connection_option_violations(given, message):
    with pytest.raises(InvalidOptionError) as caught:
        validate_connection_options(params(**given))

    assert caught.value.message == message


def test_zero_wait_timeout_and_zero_retries_are_allowed():
    assert validate_connection_options(params(wait_timeout=0, max_retries=0)) is None
