# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The base class of every hwcloud.cloud module.

A module subclasses ``HwCloudModule``, declares ``argument_spec`` and
``module_kwargs``, checks its own rules in ``validate()`` and does its work in
``run()``. The base class owns the shared options, the credentials, the client
and the single place where errors become ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.hwcloud.cloud.plugins.module_utils import client as client_utils
from ansible_collections.hwcloud.cloud.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    HwCloudClient,
    PasswordAuth,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.credentials import (
    agency_argument_spec,
    assume_agency,
    check_agency_options,
    explicit_credentials_given,
    resolve_credentials,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, OutcomeUnknownError
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import Deadline
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import (
    HEADER_OPTIONS,
    MAX_RETRIES,
    TIMERS,
    check_header_value,
    check_json_numbers,
    check_no_control_characters,
    check_not_blank,
    check_positive,
    check_seconds,
    check_url,
)


def env_fallback(*names):
    """Like Ansible's ``env_fallback``, except that an empty variable counts as not set.

    AWX credential types inject every field, the empty ones as ``""``: a job template that
    fills in AK/SK must not fail on an empty ``HW_AUTH_TOKEN``.
    """
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip():
            return value
    raise AnsibleFallbackNotFound


# The options of modules that act (doc fragment ``hwcloud.cloud.hwcloud.wait``); read-only modules have none of them.
WAIT_OPTIONS = ('wait', 'wait_timeout', 'poll_interval')


def hwcloud_argument_spec(read_only=False):
    """The shared options: connection options (``hwcloud.cloud.hwcloud``), and unless ``read_only`` the wait options."""
    spec = dict(
        region=dict(type='str', fallback=(env_fallback, ['HW_REGION_NAME'])),
        project_id=dict(type='str', fallback=(env_fallback, ['HW_PROJECT_ID'])),
        endpoint=dict(type='str'),
        auth_token=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_AUTH_TOKEN'])),
        identity_endpoint=dict(type='str', fallback=(env_fallback, ['HW_AUTH_URL'])),
        user_name=dict(type='str', fallback=(env_fallback, ['HW_USER_NAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_PASSWORD'])),
        domain_name=dict(type='str', fallback=(env_fallback, ['HW_DOMAIN_NAME'])),
        access_key=dict(type='str', no_log=False, fallback=(env_fallback, ['HW_ACCESS_KEY'])),
        secret_key=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_SECRET_KEY'])),
        security_token=dict(type='str', no_log=True, fallback=(env_fallback, ['HW_SECURITY_TOKEN'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        request_timeout=dict(type='float', default=30),
        max_retries=dict(type='int', default=5, fallback=(env_fallback, ['HW_MAX_RETRIES'])),
        wait=dict(type='bool', default=True),
        wait_timeout=dict(type='int', default=1800),
        poll_interval=dict(type='float', default=5),
    )
    spec.update(agency_argument_spec(env_fallback))
    if read_only:
        for option in WAIT_OPTIONS:
            del spec[option]
    return spec


def validate_connection_options(params):
    for option in TIMERS:
        check_seconds(option, params.get(option))
    check_positive('request_timeout', params['request_timeout'])
    check_positive('max_retries', params['max_retries'], allow_zero=True)
    if params['max_retries'] is not None and params['max_retries'] > MAX_RETRIES:
        raise InvalidOptionError('max_retries', params['max_retries'], 'it must be at most %d' % MAX_RETRIES)
    check_positive('wait_timeout', params.get('wait_timeout'), allow_zero=True)
    check_positive('poll_interval', params.get('poll_interval'))
    for option in ('region', 'project_id', 'auth_token', 'access_key', 'secret_key', 'user_name', 'password', 'domain_name'):
        check_not_blank(option, params[option])
    for option in HEADER_OPTIONS:
        check_header_value(option, params[option])
    check_no_control_characters('project_id', params['project_id'])
    check_url('endpoint', params['endpoint'])
    check_url('identity_endpoint', params['identity_endpoint'])
    check_agency_options(params)


def _shape_problem(spec, params, prefix=''):
    """The first value that ansible-core's own checks crash on instead of failing cleanly, or ``None``.

    Known cases: an integer beyond float range in a float option (OverflowError), and a scalar where
    a dictionary with sub-options is expected (TypeError while applying sub-option fallbacks).
    """
    for name, option in spec.items():
        value = params.get(name) if isinstance(params, dict) else None
        path = prefix + name
        if value is None:
            continue
        if option.get('type') == 'float' and isinstance(value, int) and not isinstance(value, bool) \
                and abs(value) > sys.float_info.max:
            return path, value, 'it must be a number that fits a float'
        if not option.get('options'):
            continue
        if option.get('type') == 'list':
            items = value if isinstance(value, list) else []
            for index, item in enumerate(items):
                if item is not None and not isinstance(item, (dict, str)):
                    return '%s[%d]' % (path, index), item, 'each element must be a dictionary'
                found = _shape_problem(option['options'], item, '%s[%d].' % (path, index)) if isinstance(item, dict) else None
                if found:
                    return found
        elif not isinstance(value, (dict, str)):
            return path, value, 'it must be a dictionary'
        elif isinstance(value, dict):
            found = _shape_problem(option['options'], value, path + '.')
            if found:
                return found
    return None


# ansible-core checks these before it looks for unknown options and reports only the first error it
# found, so a typo'd option name would surface as "one of ... is required" without the typo.
CHECKS_BEFORE_UNKNOWN_OPTIONS = ('mutually_exclusive', 'required_one_of', 'required_together', 'required_if', 'required_by')


def _has_unknown_options(spec):
    try:
        from ansible.module_utils.basic import _load_params  # pylint: disable=import-outside-toplevel
        params = _load_params()
    except Exception:  # pylint: disable=broad-except
        return False
    known = set(spec)
    for option in spec.values():
        known.update(option.get('aliases') or ())
    return any(not name.startswith('_ansible_') and name not in known for name in params or {})


def _fail_without_module(spec, error):
    """Fail like ``fail_json`` when ``AnsibleModule`` itself could not be built (an ansible-core crash on a value)."""
    try:
        from ansible.module_utils.basic import _load_params  # pylint: disable=import-outside-toplevel
        params = _load_params()
    except Exception:  # pylint: disable=broad-except
        params = {}
    found = _shape_problem(spec, params)
    if found:
        option, value, rule = found
        if spec.get(option, {}).get('no_log'):
            value = '<hidden>'
        failure = {'msg': InvalidOptionError(option, value, rule).message, 'invalid_option': option}
    else:
        failure = {'msg': 'The module arguments could not be checked: %s: %s' % (type(error).__name__, error)}
    failure['failed'] = True
    # No AnsibleModule exists to call fail_json on: answer the controller the way fail_json does.
    print('\n' + json.dumps(failure))  # pylint: disable=ansible-bad-function
    sys.exit(1)  # pylint: disable=ansible-bad-function


class HwCloudModule:
    """Subclass and set ``service``, ``argument_spec``, ``module_kwargs``; implement ``run()``.

    ``read_only = True`` (every ``*_info`` module): no wait options, and nothing may be sent.
    A module that acts sends every mutating call through ``send_once()``, which is what makes the
    task report ``changed: true`` from then on, on a failure too.
    """

    service = None
    read_only = False
    argument_spec = {}
    module_kwargs = {}

    def __init__(self):
        spec = hwcloud_argument_spec(read_only=self.read_only)
        spec.update(self.argument_spec)
        module_kwargs = dict(self.module_kwargs)
        if _has_unknown_options(spec):
            # Without these checks ansible-core's own "Unsupported parameters: <name>" is the first error it reports.
            for check in CHECKS_BEFORE_UNKNOWN_OPTIONS:
                module_kwargs.pop(check, None)
        try:
            self.module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **module_kwargs)
        except (OverflowError, TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
            # ansible-core lets a few values escape its checks as a traceback (see _shape_problem).
            # Not a bare Exception: ansible-test's validate-modules stops AnsibleModule with a RuntimeError.
            _fail_without_module(spec, error)
        self.params = self.module.params
        self.client = None
        self.deadline = None
        self.credentials = None
        self.retry_log = []
        self._project_required_for = None
        # True from the moment a mutating call leaves until the service refuses it outright.
        self.sent = False

    def validate(self):
        """Check the module's own rules; raise ``InvalidOptionError``. Runs before any HTTP call."""

    def run(self):
        raise NotImplementedError

    @property
    def check_mode(self):
        return self.module.check_mode

    @property
    def endpoint(self):
        if self.params['endpoint']:
            return self.params['endpoint'].rstrip('/')
        return 'https://%s.%s.myhuaweicloud.com' % (self.service, self.params['region'])

    @property
    def project_id(self):
        """The project: as given, or as learnt from the IAM token when scoped by region."""
        if self.params['project_id']:
            return self.params['project_id']
        auth = self.client.auth if self.client else None
        if isinstance(auth, PasswordAuth):
            if auth.token is None:
                auth.fetch(self.client)
            return auth.token_project_id
        if self.credentials is not None and self.credentials.project_id:
            return self.credentials.project_id
        if self._project_required_for:
            raise HwCloudError('project_id (HW_PROJECT_ID) is required %s; the credentials from %s do not name a project.'
                               % (self._project_required_for, self.credentials.source))
        return None

    def require_project_id(self, why):
        if self.params['project_id']:
            return
        self._project_required_for = why
        # The SDK's variables and file and the ECS metadata may name the project: checked once they are read.
        if not explicit_credentials_given(self.params) and not self.params['agency_name']:
            return
        # Only IAM password auth can learn the project (scoped by region name); a token, AK/SK or an agency cannot.
        password_auth = not self.params['auth_token'] and not self.params['access_key'] and not self.params['secret_key']
        if self.params['agency_name'] or not (password_auth and self.params['user_name'] and self.params['region']):
            raise HwCloudError('project_id (HW_PROJECT_ID) is required %s.' % why)

    def wait_for(self, waiter, **details):
        """Run ``waiter`` on the task's one ``wait_timeout`` budget; ``details`` go with a failed or timed-out wait."""
        return waiter.wait(self.deadline, self.params['poll_interval'], details=details)

    def settle_or_fail(self, waiter, why, **details):
        """A busy resource: without ``wait``, fail saying ``why`` and how to wait; with it, the state ``waiter`` settles on.

        ``why`` says what is busy and why nothing is sent into it now. ``details`` go with the
        failure, and with a failed or timed-out wait.
        """
        if not self.params['wait']:
            raise HwCloudError('%s Set wait: true to wait for it.' % why.rstrip(), details=details)
        return self.wait_for(waiter, **details)

    def send_once(self, send, took_effect=None, resend=False):
        """The one way a module sends a mutating call: ``send()`` at most once (see ``client.send_once``).

        The task is changed from the moment the call leaves, so a wait that times out, a failed
        run or an unknown outcome after it still reports ``changed: true``. Only an answer that
        refuses the call (an HTTP 4xx) or a call that never left takes that back. ``took_effect()``
        re-reads the resource after a lost answer; without it a lost answer is an unknown outcome.
        ``resend``: send again when the re-read shows no effect. Returns ``(answer, confirmed_by_read)``.
        """
        if self.check_mode or self.read_only:
            raise HwCloudError('%s tried to send a change %s; nothing was sent. This is a bug in hwcloud.cloud; please report it.'
                               % (type(self).__name__, 'in check mode' if self.check_mode else 'from a read-only module'))

        def attempt():
            sent_before = self.sent
            self.sent = True
            try:
                return send()
            except OutcomeUnknownError:
                raise
            except HwCloudError as error:
                if _not_taken(error):
                    self.sent = sent_before
                raise

        return client_utils.send_once(self.client, send=attempt, took_effect=took_effect or _nothing_proves_it, resend=resend)

    def _note_retry(self, message):
        self.retry_log.append(message)
        self.module.log(message)

    def build_client(self):
        if not self.params['endpoint'] and not self.params['region']:
            raise HwCloudError('Set region (HW_REGION_NAME) to use the default %s endpoint, or set endpoint.' % self.service.upper())
        credentials = resolve_credentials(self.params)
        self.client = HwCloudClient(credentials.auth, request_timeout=self.params['request_timeout'],
                                    validate_certs=self.params['validate_certs'], ca_path=self.params['ca_path'],
                                    max_retries=self.params['max_retries'], log=self._note_retry)
        self.client.no_log_values.update(credentials.secrets)
        # Set before the agency is assumed: a refused assume_role still reports the source that asked.
        self.credentials = credentials
        self.credentials = assume_agency(self.client, credentials, self.params)
        return self.client

    def _extras(self):
        # Retries are shown from -vvv on, the verbosity at which operators read per-call details.
        extras = {}
        if self.credentials is not None:
            extras['credentials_source'] = self.credentials.source
        if self.retry_log and self.module._verbosity >= 3:  # pylint: disable=protected-access
            extras['retries'] = list(self.retry_log)
        return extras

    def __call__(self):
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        try:
            validate_connection_options(self.params)
            check_json_numbers(self.params)
            self.validate()
            # One budget for everything the task waits for, counted from its start.
            self.deadline = Deadline(self.params.get('wait_timeout', 0))
            self.client = self.build_client()
            result = self.run()
        except HwCloudError as error:
            failure = error.to_result()
            failure['changed'] = bool(failure.get('changed')) or self.sent
            failure.update(self._extras())
            self._hide_fetched_secrets()
            self.module.fail_json(msg=error.message, **failure)
        except Exception as error:  # pylint: disable=broad-except
            # Last resort: a bug must still end as a clean task failure, never as MODULE FAILURE.
            # The traceback goes to the result only when the controller asks for tracebacks.
            failure = self._extras()
            failure['changed'] = self.sent
            self._hide_fetched_secrets()
            self.module.fail_json(msg='Unexpected %s: %s. This is a bug in hwcloud.cloud; please report it.'
                                  % (type(error).__name__, error), exception=traceback.format_exc(), **failure)
        result['changed'] = bool(result.get('changed')) or self.sent
        result.update(self._extras())
        self._hide_fetched_secrets()
        self.module.exit_json(**result)

    def _hide_fetched_secrets(self):
        # no_log covers option values only; a token fetched from IAM is masked the same way.
        if self.client is not None:
            self.module.no_log_values.update(self.client.no_log_values)


def _nothing_proves_it():
    return False


def _not_taken(error):
    """True when ``error`` proves that a mutating call had no effect: the service refused it, or it never left."""
    if error.status is not None:
        return 400 <= error.status < 500
    # The client's own failures name the call (method, url): with no status and no answer, the call never left
    # (no connection, TLS, a request that could not be built). Any other error came after the call was sent.
    return error.method is not None and not isinstance(error, OutcomeUnknownError)
