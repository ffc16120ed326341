# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution plan's life on an RFS stack: make, wait, read, price, keep, apply, delete."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid

from ansible_collections.hwcloud.cloud.plugins.module_utils.client import send_once
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, OutcomeUnknownError
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs import (
    DEPLOYMENT_IN_PROGRESS,
    PLAN_APPLYING,
    PLAN_AVAILABLE,
    PLAN_CREATION_FAILED,
    answer_field,
    resource_address,
    stack_status,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs_flow import follow
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT, Waiter

NO_OPERATION = 'NO_OPERATION'
SUMMARY_KEYS = ('resource_add', 'resource_update', 'resource_delete', 'resource_import')


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


def new_plan_name():
    # Plan names must start with a letter; a bare UUID may start with a digit.
    return 'ansible-%s' % uuid.uuid4().hex

def plan_waiter(service, stack_name, plan_name, stack_id):
    """Until the plan is ``AVAILABLE``; ``CREATION_FAILED`` ends the wait with its ``status_message``."""
    def failed(plan):
        if plan is None:
            return 'the plan no longer exists'
        if plan.get('status') == PLAN_CREATION_FAILED:
            return 'status %s: %s' % (PLAN_CREATION_FAILED, plan.get('status_message') or 'no status message')
        return None

    return Waiter('execution plan %s of RFS stack %s' % (plan_name, stack_name),
                  read=lambda: service.get_plan(stack_name, plan_name, stack_id),
                  done=lambda plan: plan is not None and plan.get('status') == PLAN_AVAILABLE, failed=failed,
                  describe=lambda plan: 'status %s' % (plan or {}).get('status', ABSENT),
                  report=lambda plan: {'execution_plan': plan})


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
        plan = self.wait_for(plan_waiter(self.service, self.stack_name, self.name, self.stack_id), **self.details())
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
