# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""RFS template variables: the option rules, and their rendering as ``vars_structure`` items and ``.tfvars`` text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.names import did_you_mean

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


def deployment_fields(template_body=None, template_uri=None, variables=None, vars_body=None, vars_uri=None, encrypted_vars=None):
    """The template and vars part of a create, deploy or plan body; only what is set."""
    given = (('template_body', template_body), ('template_uri', template_uri), ('vars_body', vars_body), ('vars_uri', vars_uri))
    fields = dict((key, value) for key, value in given if value is not None)
    fields.update(vars_fields(variables))
    if encrypted_vars:
        fields['vars_structure'] = fields.get('vars_structure', []) + encrypted_structure(encrypted_vars)
    return fields


def encrypted_structure(encrypted_vars):
    """``encrypted_vars`` as ``vars_structure`` items: the cipher text as the value, with the KMS key and data key that open it."""
    return [{'var_key': key, 'var_value': spec['value'],
             'encryption': {'kms': {'id': spec['kms_key_id'], 'cipher_text': spec['cipher_text']}}}
            for key, spec in sorted((encrypted_vars or {}).items())]


def check_encrypted_vars(option, encrypted_vars, variables):
    """Each item names a variable once (not also in ``vars``) and has its three strings; values are never shown."""
    if encrypted_vars is None:
        return
    if len(encrypted_vars) + len(variables or {}) > MAX_VARS:
        raise InvalidOptionError(option, '<%d variables>' % len(encrypted_vars), 'at most %d variables can be given with vars' % MAX_VARS)
    for key, spec in encrypted_vars.items():
        where = '%s.%s' % (option, key)
        if not VAR_KEY_PATTERN.fullmatch(key):
            raise InvalidOptionError(where, '<hidden>', 'a variable name starts with a letter or _ and holds only ASCII letters, digits, _ and -')
        if key in (variables or {}):
            raise InvalidOptionError(where, '<hidden>', 'the variable %s is also in vars: give it once' % key)
        if not isinstance(spec, dict) or set(spec) != set(ENCRYPTED_KEYS):
            raise InvalidOptionError(where, '<hidden>', 'each item is a dictionary with exactly the keys %s' % ', '.join(ENCRYPTED_KEYS))
        for field in ENCRYPTED_KEYS:
            if not isinstance(spec[field], str) or not spec[field].strip():
                raise InvalidOptionError('%s.%s' % (where, field), '<hidden>', 'it must be a non-empty string')


ENCRYPTED_KEYS = ('value', 'kms_key_id', 'cipher_text')

# HCL `variable "name" {` (Terraform quotes the label; HCL also takes a bare identifier).
VARIABLE_BLOCK = re.compile(r'^[ \t]*variable[ \t]+(?:"([^"\n]+)"|([A-Za-z_][\w-]*))[ \t]*\{', re.M)
BLOCK_COMMENT = re.compile(r'/\*.*?\*/', re.S)
QUOTED = re.compile(r'"(?:\\.|[^"\\\n])*"')
TFVARS_NAME = re.compile(r'^[ \t]*([A-Za-z_][\w-]*)[ \t]*=')


def declared_in_body(template_body):
    """The variable names a template text declares: ``variable`` blocks of HCL, or the ``variable`` object of a JSON template."""
    text = template_body.lstrip()
    if text.startswith('{'):
        try:
            document = json.loads(text)
        except ValueError:
            document = None
        if isinstance(document, dict):
            declared = document.get('variable') or {}
            blocks = declared if isinstance(declared, list) else [declared]
            return set(name for block in blocks if isinstance(block, dict) for name in block)
    text = BLOCK_COMMENT.sub('', template_body)
    return set(quoted or bare for quoted, bare in VARIABLE_BLOCK.findall(text))


def names_in_vars_body(vars_body):
    """The top-level names a ``.tfvars`` text sets (``name = value`` outside any brace or bracket)."""
    names, depth = [], 0
    for line in BLOCK_COMMENT.sub('', vars_body).splitlines():
        bare = QUOTED.sub('""', line).split('#')[0].split('//')[0]
        if depth == 0:
            found = TFVARS_NAME.match(bare)
            if found:
                names.append(found.group(1))
        depth = max(0, depth + sum(bare.count(c) for c in '{[(') - sum(bare.count(c) for c in '}])'))
    return names


def check_declared(given, declared):
    """Fail on the first variable given (``[(option, name)]``) that the template does not declare, naming the closest declared one."""
    for option, name in given:
        if name not in declared:
            known = ', '.join(sorted(declared)) or 'none'
            raise InvalidOptionError(option, name, 'the template declares no variable %s (RFS would take it silently and deploy '
                                     'the default)%s Declared: %s' % (name, did_you_mean(name, sorted(declared)) or '.', known))


def given_names(variables=None, encrypted_vars=None, vars_body=None):
    """``[(option, name)]`` of every variable the task gives, in the order they are checked."""
    given = [('vars', name) for name in sorted(variables or {})]
    given += [('encrypted_vars', name) for name in sorted(encrypted_vars or {})]
    given += [('vars_body', name) for name in names_in_vars_body(vars_body or '')]
    return given
