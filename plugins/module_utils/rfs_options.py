# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rules of ``rfs_stack``'s options, checked before any call: each failure names the option, the value and the rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs_vars
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs import MAX_DESCRIPTION, check_name
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length, check_not_blank, check_url

TEMPLATE_OPTIONS = ('template_body', 'template_uri')
VARS_OPTIONS = ('vars', 'vars_body', 'vars_uri', 'encrypted_vars')
# Options that only one state uses.
ONLY_WITH = {'retain_all_resources': 'absent', 'continue_failed': 'present'}


def has_template(params):
    return bool(params['template_body'] or params['template_uri'])


def given_variables(params):
    return rfs_vars.given_names(params['vars'], params['encrypted_vars'], params['vars_body'])


def _refuse(params, option, rule):
    # encrypted_vars is no_log: its value is never shown, not even in a message about it.
    raise InvalidOptionError(option, '<hidden>' if option == 'encrypted_vars' else params[option], rule)


def check_options(params):
    check_name('stack_name', params['stack_name'])
    check_name('execution_plan_name', params['execution_plan_name'])
    check_not_blank('stack_id', params['stack_id'])
    check_length('stack_id', params['stack_id'], 1, 64)
    check_not_blank('template_body', params['template_body'])
    check_url('template_uri', params['template_uri'])
    check_url('vars_uri', params['vars_uri'])
    check_length('description', params['description'], 0, MAX_DESCRIPTION)
    rfs_vars.check_vars('vars', params['vars'])
    rfs_vars.check_encrypted_vars('encrypted_vars', params['encrypted_vars'], params['vars'])
    for index, agency in enumerate(params['agencies'] or []):
        check_not_blank('agencies[%d].provider_name' % index, agency['provider_name'])
        check_not_blank('agencies[%d].agency_name' % index, agency['agency_name'])
    check_state_options(params, params['state'])
    if params['template_body']:
        # Before any call: a misspelt variable would deploy the template's default without a word from RFS.
        rfs_vars.check_declared(given_variables(params), rfs_vars.declared_in_body(params['template_body']))


def check_state_options(params, state):
    for option, only in ONLY_WITH.items():
        if params[option] and state != only:
            _refuse(params, option, 'it is only used with state %s' % only)
    if state == 'absent':
        for option in TEMPLATE_OPTIONS + VARS_OPTIONS + ('estimate_price', 'execution_plan_name'):
            if params[option]:
                _refuse(params, option, 'it is not used with state absent')
        if params['enable_deletion_protection']:
            _refuse(params, 'enable_deletion_protection', 'with state absent only false is used: it lifts the protection '
                    'so that the stack can be deleted')
    if state == 'present' and params['execution_plan_name']:
        for option in TEMPLATE_OPTIONS + VARS_OPTIONS + ('continue_failed',):
            if params[option]:
                _refuse(params, option, 'with execution_plan_name the kept plan is applied as it is: template and vars are '
                        'the plan\'s, not the task\'s')
    if state == 'planned' and not has_template(params):
        _refuse(params, 'state', 'a plan is made of a template: set template_body or template_uri')
    if not has_template(params):
        for option in VARS_OPTIONS:
            if params[option] is not None:
                _refuse(params, option, 'variables need a template: set template_body or template_uri')
