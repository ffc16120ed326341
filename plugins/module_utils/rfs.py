# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Resource Formation Service (RFS): stacks, their statuses and waiters, and the execution plan's life.

Every request carries its own ``Client-Request-Id`` (a fresh UUID, renewed on every resend:
each HTTP request is a request of its own for the service and for support, and a resend
that reused the id of a request whose answer was lost could be taken for that request).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import uuid
from urllib.parse import quote, urlencode

from ansible_collections.hwcloud.cloud.plugins.module_utils.client import decode_json, send_once
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, OutcomeUnknownError, absent_on_404
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT, Waiter
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import status_of as stack_status

CREATION_COMPLETE = 'CREATION_COMPLETE'
DEPLOYMENT_COMPLETE = 'DEPLOYMENT_COMPLETE'
DEPLOYMENT_IN_PROGRESS = 'DEPLOYMENT_IN_PROGRESS'
DELETION_IN_PROGRESS = 'DELETION_IN_PROGRESS'
IN_PROGRESS = frozenset(['DEPLOYMENT_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'DELETION_IN_PROGRESS'])
# A stack whose last deployment (or deletion) did not finish: applying a plan is how it is repaired.
BROKEN = frozenset(['DEPLOYMENT_FAILED', 'ROLLBACK_FAILED', 'DELETION_FAILED'])
# Where a deployment ends when it failed: with enable_auto_rollback the stack goes on into a rollback.
DEPLOYMENT_ENDED_FAILED = frozenset(['DEPLOYMENT_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED'])

PLAN_AVAILABLE = 'AVAILABLE'
PLAN_CREATION_FAILED = 'CREATION_FAILED'
PLAN_APPLYING = frozenset(['APPLY_IN_PROGRESS', 'APPLIED'])
PLAN_APPLIED = 'APPLIED'
NO_OPERATION = 'NO_OPERATION'
SUMMARY_KEYS = ('resource_add', 'resource_update', 'resource_delete', 'resource_import')
# Set when the stack is created; RFS changes them on an existing stack with another call than a deployment.
CREATION_OPTIONS = ('description', 'agencies', 'enable_auto_rollback', 'enable_deletion_protection')

MAX_NAME = 128
MAX_VARS = 100
MAX_DESCRIPTION = 1024
PAGE_LIMIT = 100
# A letter (any script) first, then letters, digits, '_' and '-'.
NAME_PATTERN = re.compile(r'[^\W\d_][\w-]*')
# What a .tfvars file can declare without quoting.
VAR_KEY_PATTERN = re.compile(r'[A-Za-z_][A-Za-z0-9_-]*')


# ------------------------------------------------------------------ option rules

def check_name(option, value):
    if value is None:
        return
    if len(value) > MAX_NAME or not NAME_PATTERN.fullmatch(value):
        raise InvalidOptionError(option, value, 'it must start with a letter and hold only letters, digits, _ and -, '
                                 'at most %d characters' % MAX_NAME)


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


# ------------------------------------------------------------------ reading answers

def known_summary(summary):
    """True when a plan's ``summary`` holds the counts RFS documents (and so can decide without the items)."""
    return isinstance(summary, dict) and any(key in summary for key in SUMMARY_KEYS)


def plan_changes(plan):
    """True when the plan changes a resource: by its summary, or by its items when the summary is not one RFS documents."""
    if known_summary(plan.get('summary')):
        return any(_count(plan['summary'].get(key)) for key in SUMMARY_KEYS)
    return any(item.get('action') != NO_OPERATION for item in plan.get('items') or [])


def _count(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 1


def resource_address(item):
    address = '%s.%s' % (item.get('resource_type'), item.get('resource_name'))
    index = item.get('index')
    if index not in (None, ''):
        address += '[%s]' % (index if str(index).isdigit() else json.dumps(index))
    return address


def plan_diff(stack_name, plan):
    """Diff mode: each resource the plan touches, its attributes before and after, and one line per action."""
    before, after, lines = {}, {}, []
    for item in plan.get('items') or []:
        address, action = resource_address(item), item.get('action')
        attributes = item.get('attributes') or []
        if action != 'ADD':
            before[address] = dict((attr.get('name'), attr.get('previous_value')) for attr in attributes)
        if action != 'DELETE':
            after[address] = dict((attr.get('name'), attr.get('target_value')) for attr in attributes)
        names = ', '.join(str(attr.get('name')) for attr in attributes)
        lines.append('%s %s%s' % (action, address, ' (%s)' % names if names else ''))
    return {'before': before, 'after': after, 'before_header': 'RFS stack %s' % stack_name,
            'after_header': 'execution plan %s' % plan.get('execution_plan_name'),
            'prepared': '\n'.join(lines) + '\n' if lines else 'no resource changes\n'}


def error_events_text(events):
    texts = []
    for event in events:
        if event.get('event_type') != 'ERROR':
            continue
        where = '.'.join(str(part) for part in (event.get('resource_type'), event.get('resource_name')) if part)
        texts.append('%s: %s' % (where, event.get('event_message')) if where else str(event.get('event_message')))
    return texts


def answer_object(answer, action, what):
    """An answer that must be a JSON object; anything else fails naming what came instead."""
    if not isinstance(answer, dict):
        raise HwCloudError('%s: the answer is not %s but %s' % (action, what, _excerpt(answer)), details={'response': answer})
    return answer


def answer_objects(answer, key, action):
    """The list of objects under ``key`` of an answer (none when the key is missing or null)."""
    items = answer_object(answer, action, 'an object with a "%s" list' % key).get(key)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise HwCloudError('%s: "%s" is not a list of objects but %s' % (action, key, _excerpt(items)), details={'response': answer})
    return items


def plan_item_objects(items, action):
    """Plan items whose ``attributes`` are lists of objects, as ``plan_diff`` reads them."""
    for item in items:
        attributes = item.get('attributes')
        if attributes is not None and (not isinstance(attributes, list) or not all(isinstance(attr, dict) for attr in attributes)):
            raise HwCloudError('%s: the attributes of %s are not a list of objects but %s' % (action, resource_address(item), _excerpt(attributes)),
                               details={'response': items})
    return items


def _excerpt(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


def answer_field(answer, key):
    """A field of an answer whose only use is to follow up (an id): absent when the answer is not an object."""
    return answer.get(key) if isinstance(answer, dict) else None


def new_plan_name():
    # Plan names must start with a letter; a bare UUID may start with a digit.
    return 'ansible-%s' % uuid.uuid4().hex


class RfsService:
    """The RFS calls the collection needs, for one project."""

    def __init__(self, client, endpoint, project_id):
        self.client = client
        self.stacks_url = '%s/v1/%s/stacks' % (endpoint.rstrip('/'), quote(project_id or '', safe=''))

    # -------------------------------------------------------------- transport

    def call(self, method, url, body=None, action=None, query=None, idempotent=None):
        if query:
            query = [(key, value) for key, value in query if value is not None]
            if query:
                url += '?' + urlencode(query)
        if idempotent:
            response = self.client.send(method, url, body, action=action, idempotent=True, headers=request_id_header)
            return decode_json(response, action)
        return self.client.request(method, url, body, action=action, headers=request_id_header)

    def stack_url(self, stack_name, *parts):
        return '/'.join([self.stacks_url, quote(stack_name, safe='')] + [quote(part, safe='') for part in parts])

    def pages(self, url, list_key, action, query=None):
        """Every item of a paged list: follows ``page_info.next_marker`` until it is absent (a short page is not the end)."""
        items, marker, seen = [], None, set()
        while True:
            answer = self.call('GET', url, action=action, query=list(query or []) + [('limit', PAGE_LIMIT), ('marker', marker)])
            items.extend(answer_objects(answer, list_key, action))
            page_info = answer.get('page_info') or {}
            if not isinstance(page_info, dict):
                raise HwCloudError('%s: "page_info" is not an object but %s' % (action, _excerpt(page_info)), details={'response': answer})
            marker = page_info.get('next_marker')
            if not marker:
                return items
            if marker in seen:
                raise HwCloudError('%s: the service returned the page marker %s twice; stopping to avoid a loop' % (action, marker))
            seen.add(marker)

    # -------------------------------------------------------------- stacks

    def get_stack(self, stack_name, stack_id=None):
        """The stack's metadata, or ``None`` when it does not exist (404)."""
        action = 'Reading RFS stack %s' % stack_name
        stack = absent_on_404(lambda: self.call('GET', self.stack_url(stack_name, 'metadata'), action=action, query=[('stack_id', stack_id)]))
        return None if stack is None else answer_object(stack, action, 'a stack object')

    def list_stacks(self):
        return self.pages(self.stacks_url, 'stacks', 'Listing RFS stacks')

    def create_stack(self, body):
        return self.call('POST', self.stacks_url, body, action='Creating RFS stack %s' % body.get('stack_name'))

    def deploy(self, stack_name, body):
        return self.call('POST', self.stack_url(stack_name, 'deployments'), body, action='Deploying RFS stack %s' % stack_name)

    def delete_stack(self, stack_name, stack_id, retain_all_resources=False):
        action = 'Deleting RFS stack %s' % stack_name
        if retain_all_resources:
            return self.call('POST', self.stack_url(stack_name, 'deletion'), {'stack_id': stack_id, 'retain_all_resources': True},
                             action=action + ' (keeping its resources)')
        return self.call('DELETE', self.stack_url(stack_name), action=action, query=[('stack_id', stack_id)])

    def outputs(self, stack_name, stack_id=None):
        return self.pages(self.stack_url(stack_name, 'outputs'), 'outputs', 'Reading the outputs of RFS stack %s' % stack_name,
                          query=[('stack_id', stack_id)])

    def resources(self, stack_name, stack_id=None):
        return self.pages(self.stack_url(stack_name, 'resources'), 'stack_resources',
                          'Reading the resources of RFS stack %s' % stack_name, query=[('stack_id', stack_id)])

    def events(self, stack_name, stack_id=None, deployment_id=None):
        return self.pages(self.stack_url(stack_name, 'events'), 'stack_events', 'Reading the events of RFS stack %s' % stack_name,
                          query=[('stack_id', stack_id), ('deployment_id', deployment_id)])

    # -------------------------------------------------------------- execution plans

    def plan_url(self, stack_name, plan_name, *parts):
        return self.stack_url(stack_name, 'execution-plans', plan_name, *parts)

    def create_plan(self, stack_name, body):
        return self.call('POST', self.stack_url(stack_name, 'execution-plans'), body,
                         action='Creating execution plan %s of RFS stack %s' % (body.get('execution_plan_name'), stack_name))

    def get_plan(self, stack_name, plan_name, stack_id=None):
        """The plan's metadata, or ``None`` when it does not exist."""
        action = 'Reading execution plan %s of RFS stack %s' % (plan_name, stack_name)
        plan = absent_on_404(lambda: self.call('GET', self.plan_url(stack_name, plan_name, 'metadata'), action=action, query=[('stack_id', stack_id)]))
        return None if plan is None else answer_object(plan, action, 'an execution plan object')

    def plan_items(self, stack_name, plan_name, stack_id=None):
        action = 'Reading the items of execution plan %s of RFS stack %s' % (plan_name, stack_name)
        answer = self.call('GET', self.plan_url(stack_name, plan_name), query=[('stack_id', stack_id)], action=action)
        return plan_item_objects(answer_objects(answer, 'execution_plan_items', action), action)

    def plan_prices(self, stack_name, plan_name, stack_id=None):
        return self.call('GET', self.plan_url(stack_name, plan_name, 'prices'), query=[('stack_id', stack_id)],
                         action='Pricing execution plan %s of RFS stack %s' % (plan_name, stack_name))

    def apply_plan(self, stack_name, plan_name, stack_id, plan_id):
        body = dict((key, value) for key, value in (('stack_id', stack_id), ('execution_plan_id', plan_id)) if value)
        return self.call('POST', self.plan_url(stack_name, plan_name), body,
                         action='Applying execution plan %s of RFS stack %s' % (plan_name, stack_name))

    def delete_plan(self, stack_name, plan_name, stack_id=None, plan_id=None):
        """Delete a plan; one that is already gone is fine."""
        # Deleting a plan twice does no harm (the second finds it gone): a lost answer is resent like a read.
        absent_on_404(lambda: self.call('DELETE', self.plan_url(stack_name, plan_name), query=[('stack_id', stack_id), ('execution_plan_id', plan_id)],
                                        action='Deleting execution plan %s of RFS stack %s' % (plan_name, stack_name), idempotent=True))

    # -------------------------------------------------------------- waiters

    def settled_waiter(self, stack_name, stack_id=None):
        """Until the stack is in no ``*_IN_PROGRESS`` status (or gone)."""
        return Waiter('RFS stack %s to finish what it is doing' % stack_name,
                      read=lambda: self.get_stack(stack_name, stack_id),
                      done=lambda stack: stack_status(stack) not in IN_PROGRESS,
                      describe=describe_stack, report=lambda stack: {'stack': stack})

    def deployment_waiter(self, stack_name, stack_id, deployment_id, with_template=True, before=None, plan_name=None):
        """Until the deployment has finished: ``DEPLOYMENT_COMPLETE`` (``CREATION_COMPLETE`` for a stack without a template).

        A failed deployment ends the wait with the stack's ``status_message`` and its ``ERROR`` events.
        ``before`` is the stack as read before the deployment was asked for (``None`` for a stack just
        created), ``plan_name`` the execution plan whose apply started it.

        RFS answers a deploy or an apply before the stack shows ``DEPLOYMENT_IN_PROGRESS``, so the first
        reads may still show the status of the deployment before: a ``DEPLOYMENT_COMPLETE`` that would end
        the wait before anything was deployed, or a ``DEPLOYMENT_FAILED`` that would fail a deployment
        that is about to succeed. A settled status ends the wait only once a read proved that it is this
        deployment's, by what the API documents (api/rfs.md):
        - a stack just created has no earlier status to mistake;
        - a status other than the one before (an ``*_IN_PROGRESS`` above all) was seen during the wait;
        - for a plan's apply, the plan reads ``APPLIED``: its deployment has ended, so the stack's status
          is that deployment's (one more read, made only while the stack still looks as before). A plan
          that is gone proves nothing either way: the stack's status is taken as it is, as before this check;
        - without a plan, the stack's ``update_time`` differs from the one before; when it has none, there
          is nothing to tell the deployments apart, and the status is taken as it is.
        The update_time is not used with a plan: whether making a plan changes it is not documented.
        """
        done_status = DEPLOYMENT_COMPLETE if with_template else CREATION_COMPLETE
        proven = [before is None]

        def read():
            stack = self.get_stack(stack_name, stack_id)
            if not proven[0]:
                proven[0] = self._shows_this_deployment(stack, before, stack_name, plan_name, stack_id)
            return stack

        def failed(stack):
            status = stack_status(stack)
            if status == ABSENT:
                return 'the stack no longer exists'
            if proven[0] and status in DEPLOYMENT_ENDED_FAILED:
                return self.failure_reason(stack_name, stack, deployment_id)
            return None

        def describe(stack):
            if proven[0]:
                return describe_stack(stack)
            return '%s, as before the deployment: it has not shown that the deployment started' % describe_stack(stack)

        # The name goes into a timeout's message: with both ids the user can follow the deployment up.
        return Waiter('deployment %s of RFS stack %s (stack_id %s)' % (deployment_id or '(id unknown)', stack_name, stack_id or 'unknown'),
                      read=read, done=lambda stack: proven[0] and stack_status(stack) == done_status, failed=failed, describe=describe,
                      report=lambda stack: {'stack': stack, 'deployment_id': deployment_id})

    def _shows_this_deployment(self, stack, before, stack_name, plan_name, stack_id):
        """Whether ``stack``, read after a deployment was asked for, shows that deployment (see ``deployment_waiter``)."""
        if stack is None or stack_status(stack) != stack_status(before):
            return True
        if plan_name is not None:
            plan = self.get_plan(stack_name, plan_name, stack_id)
            return plan is None or plan.get('status') == PLAN_APPLIED
        if stack.get('update_time') is None or before.get('update_time') is None:
            return True
        return stack.get('update_time') != before.get('update_time')

    def deletion_waiter(self, stack_name, stack_id):
        """Until the stack reads 404; ``DELETION_FAILED`` ends the wait."""
        def failed(stack):
            if stack_status(stack) == 'DELETION_FAILED':
                return self.failure_reason(stack_name, stack, None)
            return None

        return Waiter('deletion of RFS stack %s' % stack_name,
                      read=lambda: self.get_stack(stack_name, stack_id),
                      done=lambda stack: stack is None, failed=failed, describe=describe_stack,
                      report=lambda stack: {'stack': stack})

    def failure_reason(self, stack_name, stack, deployment_id):
        """``status_message`` and the text of the ``ERROR`` events (of that deployment, when its id is known)."""
        reason = 'status %s: %s' % (stack.get('status'), stack.get('status_message') or 'no status message')
        try:
            errors = error_events_text(self.events(stack_name, stack.get('stack_id'), deployment_id))
        except HwCloudError as error:
            errors = ['(the events could not be read: %s)' % error.message]
        if errors:
            reason += '; ERROR events: %s' % '; '.join(errors)
        return reason

    def plan_waiter(self, stack_name, plan_name, stack_id):
        """Until the plan is ``AVAILABLE``; ``CREATION_FAILED`` ends the wait with its ``status_message``."""
        def failed(plan):
            if plan is None:
                return 'the plan no longer exists'
            if plan.get('status') == PLAN_CREATION_FAILED:
                return 'status %s: %s' % (PLAN_CREATION_FAILED, plan.get('status_message') or 'no status message')
            return None

        return Waiter('execution plan %s of RFS stack %s' % (plan_name, stack_name),
                      read=lambda: self.get_plan(stack_name, plan_name, stack_id),
                      done=lambda plan: plan is not None and plan.get('status') == PLAN_AVAILABLE, failed=failed,
                      describe=lambda plan: 'status %s' % (plan or {}).get('status', ABSENT),
                      report=lambda plan: {'execution_plan': plan})


def request_id_header():
    return {'Client-Request-Id': str(uuid.uuid4())}


def describe_stack(stack):
    if stack is None:
        return 'the stack is gone'
    return 'status %s%s' % (stack.get('status'), ' (%s)' % stack['status_message'] if stack.get('status_message') else '')


# ------------------------------------------------------------------ the stack's life

def settle_stack(service, stack_name, stack, wait_for=None, details=None):
    """A busy stack once it has settled; without ``wait_for`` (no wait), a failure: nothing goes into a busy stack.

    ``details`` go into the failure's result, so that it has the module's keys.
    """
    if wait_for is None:
        raise HwCloudError('RFS stack %s is %s: nothing is deployed into or deleted from a busy stack. '
                           'Set wait: true to wait for it to settle first.' % (stack_name, stack_status(stack)), details=details)
    return wait_for(service.settled_waiter(stack_name, stack.get('stack_id')), **(details or {}))


def creation_body(stack_name, fields, options):
    """The body that creates a stack: its template and vars ``fields`` and the creation ``options`` that are set."""
    body = dict(fields, stack_name=stack_name)
    body.update((key, value) for key, value in options.items() if value is not None)
    return body


def creation_options_unchanged(stack, options):
    """Warnings for the creation options given that differ from the existing stack's: a deployment does not change them."""
    return ['%s differs from the stack\'s (%s); it is used when a stack is created, and was not changed.' % (key, stack.get(key))
            for key in CREATION_OPTIONS if options.get(key) is not None and stack.get(key) is not None and options[key] != stack.get(key)]


def status_diff(stack_name, before, after):
    """Diff mode for a creation or deletion: the stack's status before and after."""
    return {'before': {'stack_name': stack_name, 'status': before}, 'after': {'stack_name': stack_name, 'status': after}}


def follow(wait_for, waiter, read, **details):
    """The stack after an action: ``wait_for(waiter, **details)``, or with ``wait_for`` ``None`` (no wait) one ``read()``."""
    if wait_for is None:
        return read()
    return wait_for(waiter, **details)


def create_stack(service, body, with_template, wait_for=None):
    """Create a stack (and deploy its template) at most once; returns ``(stack, deployment_id)``.

    ``wait_for`` as for ``PlanFlow``, or ``None`` to read the stack once instead of waiting.
    """
    name = body['stack_name']
    answer, _confirmed = send_once(service.client, send=lambda: service.create_stack(body),
                                   took_effect=lambda: service.get_stack(name) is not None)
    stack_id, deployment_id = answer_field(answer, 'stack_id'), answer_field(answer, 'deployment_id')
    stack = follow(wait_for, service.deployment_waiter(name, stack_id, deployment_id, with_template=with_template),
                   lambda: service.get_stack(name, stack_id), deployment_id=deployment_id, changed=True)
    return stack, deployment_id


def delete_stack(service, stack_name, stack, retain_all_resources=False, wait_for=None):
    """Delete a stack at most once; returns it as it then reads (``None`` once gone, which a wait ends on)."""
    stack_id = stack.get('stack_id')

    def took_effect():
        return stack_status(service.get_stack(stack_name, stack_id)) in (ABSENT, DELETION_IN_PROGRESS)

    send_once(service.client, send=lambda: service.delete_stack(stack_name, stack_id, retain_all_resources), took_effect=took_effect)
    return follow(wait_for, service.deletion_waiter(stack_name, stack_id), lambda: service.get_stack(stack_name, stack_id),
                  stack=stack, changed=True)


def outputs_of(service, stack_name, stack):
    """The outputs of a deployed stack; ``None`` for any other."""
    if stack_status(stack) != DEPLOYMENT_COMPLETE:
        return None
    return service.outputs(stack_name, stack.get('stack_id'))


# ------------------------------------------------------------------ the plan's life

class PlanFlow:
    """One execution plan from creation to its end: applied, or deleted. Never left behind.

    ``wait_for(waiter, **details)`` runs a waiter on the task's budget (``HwCloudModule.wait_for``).
    Use ``with PlanFlow(...) as flow:`` so that a plan that was not applied is deleted however the block ends.
    """

    def __init__(self, service, stack_name, stack_id, fields, wait_for, description=None):
        self.service = service
        self.client = service.client
        self.stack_name = stack_name
        self.stack_id = stack_id
        self.fields = fields
        self.wait_for = wait_for
        self.description = description
        self.name = new_plan_name()
        self.plan_id = None
        self.sent = False
        self.applied = False
        # The apply was sent and its answer lost for good: the plan may be applying, and is not deleted.
        self.apply_unknown = False
        self.deleted = False
        self.deployment_id = None
        self.result = None

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, trace):
        if self.sent and not self.applied and not self.apply_unknown:
            self.delete(error)
        return False

    def details(self):
        return {'plan': self.result or {'execution_plan_name': self.name, 'execution_plan_id': self.plan_id}}

    def make(self, price=False):
        """Create the plan, wait until it is AVAILABLE, read its items (and price); returns the plan's result."""
        body = dict(self.fields, execution_plan_name=self.name)
        if self.stack_id:
            body['stack_id'] = self.stack_id
        if self.description:
            body['description'] = self.description
        self.sent = True
        answer, confirmed = send_once(
            self.client, send=lambda: self.service.create_plan(self.stack_name, body),
            took_effect=lambda: self.service.get_plan(self.stack_name, self.name, self.stack_id) is not None)
        self.plan_id = None if confirmed else (answer or {}).get('execution_plan_id')
        plan = self.wait_for(self.service.plan_waiter(self.stack_name, self.name, self.stack_id), **self.details())
        self.plan_id = self.plan_id or plan.get('execution_plan_id')
        self.result = {'execution_plan_name': self.name, 'execution_plan_id': self.plan_id, 'status': plan.get('status'),
                       'summary': plan.get('summary'), 'items': None, 'applied': False, 'deleted': False}
        if not known_summary(self.result['summary']) or plan_changes(self.result):
            self.result['items'] = self.service.plan_items(self.stack_name, self.name, self.stack_id)
        else:
            # A zero summary says there are no items to read: one call less on every no-op run.
            # Any other summary (none, {}, keys in another casing) says nothing: the items decide.
            self.result['items'] = []
        if price:
            self.result['price'] = self.service.plan_prices(self.stack_name, self.name, self.stack_id)
        return self.result

    def apply(self):
        """Apply this very plan, at most once; returns the deployment id (``None`` when a re-read proved the apply)."""
        def took_effect():
            plan = self.service.get_plan(self.stack_name, self.name, self.stack_id)
            if plan is not None and plan.get('status') in PLAN_APPLYING:
                return True
            return stack_status(self.service.get_stack(self.stack_name, self.stack_id)) == DEPLOYMENT_IN_PROGRESS

        try:
            answer, confirmed = send_once(self.client, send=lambda: self.service.apply_plan(self.stack_name, self.name, self.stack_id, self.plan_id),
                                          took_effect=took_effect)
        except OutcomeUnknownError as error:
            # Deleting a plan whose apply may have landed could cut into its deployment: it is left for the user to check.
            self.apply_unknown = True
            error.message += ('; the execution plan %s of RFS stack %s may be being applied, so it was not deleted. Check it: its status '
                              '(GET .../stacks/%s/execution-plans/%s/metadata) is APPLY_IN_PROGRESS or APPLIED if it was applied, '
                              'and the stack\'s events (rfs_stack_info with events: true) show its deployment; '
                              'delete the plan if it is still AVAILABLE' % (self.name, self.stack_name, self.stack_name, self.name))
            error.args = (error.message,)
            error.details.setdefault('plan', self.details()['plan'])
            raise
        self.applied = True
        self.result['applied'] = True
        self.deployment_id = None if confirmed else answer_field(answer, 'deployment_id')
        return self.deployment_id

    def follow(self, before, wait):
        """The stack after this plan's apply: with ``wait``, once its deployment has ended; else as read at once.

        ``before`` is the stack as read before the plan was made (see ``RfsService.deployment_waiter``).
        """
        waiter = self.service.deployment_waiter(self.stack_name, self.stack_id, self.deployment_id, before=before, plan_name=self.name)
        return follow(self.wait_for if wait else None, waiter, lambda: self.service.get_stack(self.stack_name, self.stack_id),
                      deployment_id=self.deployment_id, plan=self.result, changed=True)

    def delete(self, pending=None):
        """Delete the plan; when that fails, say so in the error that ends the task (``pending`` or a new one)."""
        try:
            self.service.delete_plan(self.stack_name, self.name, self.stack_id, self.plan_id)
        except HwCloudError as error:
            note = 'the execution plan %s of RFS stack %s could not be deleted (%s): delete it by hand' % (self.name, self.stack_name, error.message)
            if isinstance(pending, HwCloudError):
                pending.message += '; ' + note
                pending.args = (pending.message,)
                pending.details.setdefault('plan', self.details()['plan'])
                return
            if pending is None:
                raise HwCloudError(note[0].upper() + note[1:], details=self.details())
            if isinstance(pending, Exception):
                # Any other error would end the task on its own, and the plan left behind would go unsaid.
                raise HwCloudError('Unexpected %s: %s. This is a bug in hwcloud.cloud; please report it. Also, %s'
                                   % (type(pending).__name__, pending, note), details=self.details()) from pending
            return
        self.deleted = True
        if self.result is not None:
            self.result['deleted'] = True
