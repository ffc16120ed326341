# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Resource Formation Service (RFS): its calls, statuses and waiters, and how its answers are read.

The template variables are in ``rfs_vars``, the execution plan's life in ``rfs_plan``, the
stack's own life (create, delete, settings, recovery) in ``rfs_flow``.

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

from ansible_collections.hwcloud.cloud.plugins.module_utils.client import decode_json
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError, absent_on_404
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT, Waiter
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import status_of as stack_status

CREATION_COMPLETE = 'CREATION_COMPLETE'
DEPLOYMENT_COMPLETE = 'DEPLOYMENT_COMPLETE'
DEPLOYMENT_IN_PROGRESS = 'DEPLOYMENT_IN_PROGRESS'
DELETION_IN_PROGRESS = 'DELETION_IN_PROGRESS'
DELETION_FAILED = 'DELETION_FAILED'
DEPLOYMENT_FAILED = 'DEPLOYMENT_FAILED'
ROLLBACK_COMPLETE = 'ROLLBACK_COMPLETE'
ROLLBACK_FAILED = 'ROLLBACK_FAILED'
ROLLBACK_IN_PROGRESS = 'ROLLBACK_IN_PROGRESS'
IN_PROGRESS = frozenset(['DEPLOYMENT_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', 'DELETION_IN_PROGRESS'])
# A stack whose last deployment (or deletion) did not finish: applying a plan is how it is repaired.
BROKEN = frozenset(['DEPLOYMENT_FAILED', 'ROLLBACK_FAILED', 'DELETION_FAILED'])
# Where a deployment ends when it failed: with enable_auto_rollback the stack goes on into a rollback.
DEPLOYMENT_ENDED_FAILED = frozenset(['DEPLOYMENT_FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED'])

PLAN_AVAILABLE = 'AVAILABLE'
PLAN_CREATION_FAILED = 'CREATION_FAILED'
PLAN_APPLYING = frozenset(['APPLY_IN_PROGRESS', 'APPLIED'])
PLAN_APPLIED = 'APPLIED'
# Set when the stack is created; RFS changes them on an existing stack with another call than a deployment.
CREATION_OPTIONS = ('description', 'agencies', 'enable_auto_rollback', 'enable_deletion_protection')

MAX_NAME = 128
MAX_DESCRIPTION = 1024
PAGE_LIMIT = 100
# A letter (any script) first, then letters, digits, '_' and '-'.
NAME_PATTERN = re.compile(r'[^\W\d_][\w-]*')


# ------------------------------------------------------------------ option rules

def check_name(option, value):
    if value is None:
        return
    if len(value) > MAX_NAME or not NAME_PATTERN.fullmatch(value):
        raise InvalidOptionError(option, value, 'it must start with a letter and hold only letters, digits, _ and -, '
                                 'at most %d characters' % MAX_NAME)


# ------------------------------------------------------------------ reading answers

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


def resource_address(item):
    address = '%s.%s' % (item.get('resource_type'), item.get('resource_name'))
    index = item.get('index')
    if index not in (None, ''):
        address += '[%s]' % (index if str(index).isdigit() else json.dumps(index))
    return address


def _excerpt(value, limit=200):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + '...'


def answer_field(answer, key):
    """A field of an answer whose only use is to follow up (an id): absent when the answer is not an object."""
    return answer.get(key) if isinstance(answer, dict) else None


class RfsService:
    """The RFS calls the collection needs, for one project."""

    def __init__(self, client, endpoint, project_id):
        self.client = client
        self.project_url = '%s/v1/%s' % (endpoint.rstrip('/'), quote(project_id or '', safe=''))
        self.stacks_url = self.project_url + '/stacks'

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

    def update_stack(self, stack_name, body):
        return self.call('PATCH', self.stack_url(stack_name), body, action='Updating the settings of RFS stack %s' % stack_name)

    def continue_deployment(self, stack_name, stack_id):
        return self.call('POST', self.stack_url(stack_name, 'continuations'), {'stack_id': stack_id},
                         action='Continuing the failed deployment of RFS stack %s' % stack_name)

    def continue_rollback(self, stack_name, stack_id):
        return self.call('POST', self.stack_url(stack_name, 'rollbacks'), {'stack_id': stack_id},
                         action='Continuing the failed rollback of RFS stack %s' % stack_name)

    def template_variables(self, template_body=None, template_uri=None):
        """The variables a template declares (``POST template-analyses/variables``); a template that does not parse is a 400."""
        action = 'Analysing the template\'s variables'
        body = dict((key, value) for key, value in (('template_body', template_body), ('template_uri', template_uri)) if value)
        # Nothing changes on the service: a lost answer is asked again like a read.
        answer = self.call('POST', self.project_url + '/template-analyses/variables', body, action=action, idempotent=True)
        return answer_objects(answer, 'variables', action)

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

    def deployment_waiter(self, stack_name, stack_id, deployment_id, with_template=True, before=None, plan_name=None, recovery=None):
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

        ``recovery`` is ``'continuation'`` or ``'rollback'`` for a continued failed deployment or rollback: the
        first ends like a deployment, the second in ``ROLLBACK_COMPLETE`` (and fails only in ``ROLLBACK_FAILED``).
        A failed wait reports the deployment's ``events`` (read for its reason).
        """
        done_status = DEPLOYMENT_COMPLETE if with_template else CREATION_COMPLETE
        ended_failed = DEPLOYMENT_ENDED_FAILED
        if recovery == 'rollback':
            done_status, ended_failed = ROLLBACK_COMPLETE, frozenset([ROLLBACK_FAILED])
        proven = [before is None]
        events = [None]

        def read():
            stack = self.get_stack(stack_name, stack_id)
            if not proven[0]:
                proven[0] = self._shows_this_deployment(stack, before, stack_name, plan_name, stack_id)
            return stack

        def failed(stack):
            status = stack_status(stack)
            if status == ABSENT:
                return 'the stack no longer exists'
            if proven[0] and status in ended_failed:
                reason, events[0] = self.failure_reason(stack_name, stack, deployment_id)
                return reason
            return None

        def describe(stack):
            if proven[0]:
                return describe_stack(stack)
            return '%s, as before the deployment: it has not shown that the deployment started' % describe_stack(stack)

        # The name goes into a timeout's message: with both ids the user can follow the deployment up.
        return Waiter('deployment %s of RFS stack %s (stack_id %s)' % (deployment_id or '(id unknown)', stack_name, stack_id or 'unknown'),
                      read=read, done=lambda stack: proven[0] and stack_status(stack) == done_status, failed=failed, describe=describe,
                      report=lambda stack: {'stack': stack, 'deployment_id': deployment_id, 'events': events[0]})

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

    def deletion_waiter(self, stack_name, stack_id, before=None):
        """Until the stack reads 404; ``DELETION_FAILED`` of this deletion ends the wait.

        ``before`` is the stack as read before the deletion was asked for. RFS answers the delete before the
        stack shows ``DELETION_IN_PROGRESS``; a stack whose last deletion failed still reads ``DELETION_FAILED``
        for a moment, which would fail a deletion that is about to succeed. That status counts only once a read
        proved it is this deletion's: another status was seen in between, or ``update_time`` moved (without an
        ``update_time`` on either read there is nothing to tell them apart, and the status is taken as it is).
        """
        proven = [stack_status(before) != DELETION_FAILED]

        def read():
            stack = self.get_stack(stack_name, stack_id)
            if not proven[0] and stack is not None:
                moved = stack.get('update_time') is None or before.get('update_time') is None \
                    or stack.get('update_time') != before.get('update_time')
                proven[0] = stack_status(stack) != DELETION_FAILED or moved
            return stack

        def failed(stack):
            if proven[0] and stack_status(stack) == DELETION_FAILED:
                return self.failure_reason(stack_name, stack, None)[0]
            return None

        return Waiter('deletion of RFS stack %s (stack_id %s)' % (stack_name, stack_id or 'unknown'), read=read,
                      done=lambda stack: stack is None, failed=failed, describe=describe_stack,
                      report=lambda stack: {'stack': stack})

    def failure_reason(self, stack_name, stack, deployment_id):
        """``(reason, events)``: ``status_message`` and the text of the ``ERROR`` events, and the events read
        (of that deployment when its id is known, newest first; ``None`` when they could not be read)."""
        reason = 'status %s: %s' % (stack.get('status'), stack.get('status_message') or 'no status message')
        try:
            events = newest_first(self.events(stack_name, stack.get('stack_id'), deployment_id))
            errors = error_events_text(events)
        except HwCloudError as error:
            events, errors = None, ['(the events could not be read: %s)' % error.message]
        if errors:
            reason += '; ERROR events: %s' % '; '.join(errors)
        return reason, events

    def deployment_events(self, stack_name, stack_id, deployment_id):
        """Every event of one deployment, newest first; ``None`` when its id is unknown (a lost answer)."""
        if not deployment_id:
            return None
        return newest_first(self.events(stack_name, stack_id, deployment_id))


def newest_first(events):
    """Events newest first, whatever order the service lists them in (``time`` as ISO 8601 text sorts as time)."""
    return sorted(events, key=lambda event: str(event.get('time') or ''), reverse=True)


def is_refusal(error):
    """A change the service refused with 403: RFS says that for a busy stack and a stale plan, not only for a missing right."""
    return isinstance(error, HwCloudError) and error.status == 403 and error.method not in (None, 'GET')


def request_id_header():
    return {'Client-Request-Id': str(uuid.uuid4())}


def describe_stack(stack):
    if stack is None:
        return 'the stack is gone'
    return 'status %s%s' % (stack.get('status'), ' (%s)' % stack['status_message'] if stack.get('status_message') else '')
