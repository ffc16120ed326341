# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""RFS template variables: the option rules, and their rendering as ``vars_structure`` items and ``.tfvars`` text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError

MAX_VARS = 100
# What a .tfvars file can declare without quoting.
VAR_KEY_PATTERN = re.compile(r'[A-Za-z_][A-Za-z0-9_-]*')


def check_vars(option, variables):
    """``vars`` as RFS can take them: at most 100, names a .tfvars file can hold, no null."""
    if variables is None:
        return
    if len(variables) > MAX_VARS:
        raise InvalidOptionError(option, '<%d variables>' % len(variables), 'at most %d variables can be given' % MAX_VARS)
    for key, value in variables.items():
        if not VAR_KEY_PATTERN.fullmatch(key):
            raise InvalidOptionError('%s.%s' % (option, key), value, 'a variable name starts with a letter or _ and holds only '
                                     'ASCII letters, digits, _ and -')
        problem = _unrenderable(value)
        if problem:
            raise InvalidOptionError('%s.%s' % (option, key), value, problem)


def _unrenderable(value):
    if value is None:
        return 'a variable cannot be null: leave it out to use the template default'
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return 'map keys must be strings'
            problem = _unrenderable(item)
            if problem:
                return problem
    elif isinstance(value, (list, tuple)):
        for item in value:
            problem = _unrenderable(item)
            if problem:
                return problem
    elif not isinstance(value, (str, bool, int, float)):
        return 'a variable must be a string, number, boolean, list or map, not %s' % type(value).__name__
    return None


# ------------------------------------------------------------------ vars

def hcl_value(value):
    """A value as .tfvars text; the same value always gives the same text (maps sorted by key)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        # ${ and %{ start template interpolation in HCL strings: doubled, they stand for themselves.
        return json.dumps(value, ensure_ascii=False).replace('${', '$${').replace('%{', '%%{')
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s = %s' % (hcl_value(str(key)), hcl_value(value[key])) for key in sorted(value))
    return '[%s]' % ', '.join(hcl_value(item) for item in value)


def vars_fields(variables):
    """``vars`` as RFS takes them: strings and numbers in ``vars_structure``, anything else in ``vars_body``."""
    if variables is None:
        return {}
    structure, body = [], []
    for key in sorted(variables):
        value = variables[key]
        if isinstance(value, str):
            structure.append({'var_key': key, 'var_value': value})
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            # vars_structure holds strings only; RFS gives "10" to a number variable as 10.
            structure.append({'var_key': key, 'var_value': json.dumps(value)})
        else:
            body.append('%s = %s' % (key, hcl_value(value)))
    fields = {}
    if structure:
        fields['vars_structure'] = structure
    if body:
        fields['vars_body'] = '\n'.join(body) + '\n'
    return fields


def deployment_fields(template_body=None, template_uri=None, variables=None, vars_body=None, vars_uri=None):
    """The template and vars part of a create, deploy or plan body; only what is set."""
    given = (('template_body', template_body), ('template_uri', template_uri), ('vars_body', vars_body), ('vars_uri', vars_uri))
    fields = dict((key, value) for key, value in given if value is not None)
    fields.update(vars_fields(variables))
    return fields
