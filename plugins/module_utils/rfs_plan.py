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
    IN_PROGRESS,
    PLAN_APPLIED,
    PLAN_APPLYING,
    PLAN_AVAILABLE,
    PLAN_CREATION_FAILED,
    answer_field,
    is_refusal,
    resource_address,
    stack_status,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs_flow import follow
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT, Deadline, Waiter

NO_OPERATION = 'NO_OPERATION'
SUMMARY_KEYS = ('resource_add', 'resource_update', 'resource_delete', 'resource_import')
PLAN_APPLYING_NOW = 'APPLY_IN_PROGRESS'
# A plan is often ready within a second: the first look comes then, later ones further apart up to poll_interval.
PLAN_FIRST_POLL = 1.0
PLAN_CREATING = 'CREATION_IN_PROGRESS'
# RFS refuses to delete a plan while it is being made: how long a delete waits for that to end, and how often it looks.
DELETE_GRACE_SECONDS = 30
DELETE_GRACE_POLL = 1.0


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
                  report=lambda plan: {}, first_poll=PLAN_FIRST_POLL)


def plan_result(service, stack_name, stack_id, plan, price=False):
    """What the task returns of an AVAILABLE (or applied) plan: its metadata, its items, and its price when asked."""
    result = {'execution_plan_name': plan.get('execution_plan_name'), 'execution_plan_id': plan.get('execution_plan_id'),
              'status': plan.get('status'), 'summary': plan.get('summary'), 'items': [], 'applied': False, 'deleted': False}
    name = result['execution_plan_name']
    if not known_summary(result['summary']) or plan_changes(result):
        result['items'] = service.plan_items(stack_name, name, stack_id)
    # else: a zero summary says there are no items to read, one call less on every no-op run.
    # Any other summary (none, {}, keys in another casing) says nothing: the items decide.
    if price:
        result['price'] = service.plan_prices(stack_name, name, stack_id)
    return result


class PlanFlow:
    """One execution plan from creation to its end: applied, kept for review, or deleted. Never left behind by accident.

    ``task`` is the running module (``HwCloudModule``): its ``wait_for`` waits on the task's budget and its
    ``send_once`` sends the apply. Making and deleting a plan are not changes of the stack and go by the client.
    Use ``with PlanFlow(...) as flow:`` so that a plan that was not applied or kept is deleted however the block ends.
    """

    def __init__(self, task, service, stack_name, stack_id, fields, name=None, description=None):
        self.task = task
        self.service = service
        self.client = service.client
        self.stack_name = stack_name
        self.stack_id = stack_id
        self.fields = fields
        self.description = description
        self.name = name or new_plan_name()
        self.plan_id = None
        self.sent = False
        self.applied = False
        self.kept = False
        # The apply was sent and its answer lost for good: the plan may be applying, and is not deleted.
        self.apply_unknown = False
        self.deleted = False
        self.deployment_id = None
        self.result = None

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, trace):
        if self.sent and not self.applied and not self.apply_unknown and not self.kept:
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
        try:
            answer, confirmed = send_once(
                self.client, send=lambda: self.service.create_plan(self.stack_name, body),
                took_effect=lambda: self.service.get_plan(self.stack_name, self.name, self.stack_id) is not None)
        except HwCloudError as error:
            if error.status != 409:
                raise
            # The name is taken by a plan made before this task: it is someone's, and is neither used nor deleted here.
            self.sent = False
            raise HwCloudError('RFS stack %s already has an execution plan named %s (execution_plan_name): nothing was planned. '
                               'Apply that plan (state: present with execution_plan_name), or choose another name. (%s)'
                               % (self.stack_name, self.name, error.message), status=error.status, code=error.code,
                               service_message=error.service_message, request_id=error.request_id, body=error.body,
                               method=error.method, url=error.url)
        self.plan_id = None if confirmed else answer_field(answer, 'execution_plan_id')
        plan = self.task.wait_for(plan_waiter(self.service, self.stack_name, self.name, self.stack_id), **self.details())
        self.plan_id = self.plan_id or plan.get('execution_plan_id')
        plan = dict(plan, execution_plan_name=self.name, execution_plan_id=self.plan_id)
        self.result = plan_result(self.service, self.stack_name, self.stack_id, plan, price)
        return self.result

    def keep(self):
        """Leave the plan in place for review (``state: planned``)."""
        self.kept = True

    def apply(self):
        """Apply this very plan, at most once; returns the deployment id (``None`` when a re-read proved the apply)."""
        try:
            self.deployment_id = apply_plan(self.task, self.service, self.stack_name, self.stack_id, self.name, self.plan_id)
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
        return self.deployment_id

    def follow(self, before, wait):
        """The stack after this plan's apply: with ``wait``, once its deployment has ended; else as read at once.

        ``before`` is the stack as read before the plan was made (see ``RfsService.deployment_waiter``).
        """
        return follow_apply(self.task, self.service, self.stack_name, self.stack_id, self.name, self.deployment_id, before, wait,
                            plan=self.result)

    def delete(self, pending=None):
        """Delete the plan; when that fails, say so in the error that ends the task (``pending`` or a new one)."""
        try:
            delete_plan(self.service, self.stack_name, self.name, self.stack_id, self.plan_id)
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


def delete_plan(service, stack_name, plan_name, stack_id, plan_id):
    """Delete a plan. RFS refuses (403) while the plan is still being made: then wait a little for it to be made, and delete it."""
    try:
        service.delete_plan(stack_name, plan_name, stack_id, plan_id)
        return
    except HwCloudError as error:
        if not is_refusal(error):
            raise
        refused = error
    waiter = Waiter('execution plan %s of RFS stack %s to be made, so that it can be deleted' % (plan_name, stack_name),
                    read=lambda: service.get_plan(stack_name, plan_name, stack_id),
                    done=lambda plan: plan is None or plan.get('status') != PLAN_CREATING,
                    describe=lambda plan: 'status %s' % (plan or {}).get('status', ABSENT))
    try:
        # A clean-up budget of its own: it also runs after the task's wait_timeout ran out, to leave no plan behind.
        plan = waiter.wait(Deadline(DELETE_GRACE_SECONDS), DELETE_GRACE_POLL)
    except HwCloudError:
        raise refused
    if plan is not None:
        service.delete_plan(stack_name, plan_name, stack_id, plan_id)


def apply_plan(task, service, stack_name, stack_id, plan_name, plan_id):
    """Apply a plan at most once (``task.send_once``); returns the deployment id, ``None`` when a re-read proved the apply.

    A 403 is told apart by a re-read: a busy stack is left to the caller to settle (the 403 is raised as it is);
    otherwise the plan is out of date: the stack changed since it was made.
    """
    def took_effect():
        plan = service.get_plan(stack_name, plan_name, stack_id)
        if plan is not None and plan.get('status') in PLAN_APPLYING:
            return True
        return stack_status(service.get_stack(stack_name, stack_id)) == DEPLOYMENT_IN_PROGRESS

    try:
        answer, confirmed = task.send_once(lambda: service.apply_plan(stack_name, plan_name, stack_id, plan_id),
                                           took_effect=took_effect, resend=True)
    except HwCloudError as error:
        if not is_refusal(error) or stack_status(service.get_stack(stack_name, stack_id)) in IN_PROGRESS:
            raise
        raise HwCloudError('The execution plan %s of RFS stack %s is out of date: the stack changed since the plan was made, '
                           'and RFS refused to apply it (%s). Nothing was deployed; make a new plan (state: planned) and have it approved.'
                           % (plan_name, stack_name, error.message), status=error.status, code=error.code, service_message=error.service_message,
                           request_id=error.request_id, body=error.body, method=error.method, url=error.url,
                           details={'stale_plan': True})
    return None if confirmed else answer_field(answer, 'deployment_id')


def follow_apply(task, service, stack_name, stack_id, plan_name, deployment_id, before, wait, plan=None):
    waiter = service.deployment_waiter(stack_name, stack_id, deployment_id, before=before, plan_name=plan_name)
    return follow(task, wait, waiter, lambda: service.get_stack(stack_name, stack_id), deployment_id=deployment_id, plan=plan)


def plan_summary(plan, plan_name):
    """A kept plan as its metadata shows it, without reading its items (``items`` is ``None``)."""
    return dict(execution_plan_name=plan_name, execution_plan_id=plan.get('execution_plan_id'), status=plan.get('status'),
                summary=plan.get('summary'), items=None, applied=plan.get('status') in PLAN_APPLYING, deleted=False)


def apply_kept_plan(task, service, stack_name, stack, plan_name, wait, price=False):
    """``state: present`` with ``execution_plan_name``: apply exactly that kept plan.

    Returns ``(plan result, stack, deployment_id)``. A plan already ``APPLIED`` costs this one read (no items, no
    stack read after); a missing plan or one whose creation failed fails before anything is deployed.
    """
    stack_id = stack.get('stack_id')
    plan = service.get_plan(stack_name, plan_name, stack_id)
    if plan is None:
        raise HwCloudError('RFS stack %s has no execution plan named %s (execution_plan_name): nothing was deployed. '
                           'Make it with state: planned, or check the name.' % (stack_name, plan_name))
    status = plan.get('status')
    summary = plan_summary(plan, plan_name)
    if status == PLAN_APPLIED:
        return summary, stack, None
    if status == PLAN_APPLYING_NOW:
        # Applied by an earlier run whose answer was lost, or by someone else: follow it, do not apply it twice.
        return summary, follow_apply(task, service, stack_name, stack_id, plan_name, None, stack, wait, plan=summary), None
    if status == PLAN_CREATION_FAILED:
        raise HwCloudError('The execution plan %s of RFS stack %s failed to be made (status CREATION_FAILED: %s): nothing was deployed. '
                           'Fix the template or vars and make a new plan.' % (plan_name, stack_name, plan.get('status_message') or 'no status message'),
                           details={'plan': summary})
    if status != PLAN_AVAILABLE:
        plan = task.wait_for(plan_waiter(service, stack_name, plan_name, stack_id), plan=summary)
    result = plan_result(service, stack_name, stack_id, dict(plan, execution_plan_name=plan_name), price)
    deployment_id = apply_plan(task, service, stack_name, stack_id, plan_name, plan.get('execution_plan_id'))
    result['applied'] = True
    return result, follow_apply(task, service, stack_name, stack_id, plan_name, deployment_id, stack, wait, plan=result), deployment_id


def apply_by_name(task, service, stack_name, stack, result):
    """``state: present`` with ``execution_plan_name``; returns whether a deployment was started (and followed)."""
    plan_name = task.params['execution_plan_name']
    if task.check_mode:
        plan = service.get_plan(stack_name, plan_name, stack.get('stack_id'))
        if plan is None or plan.get('status') == PLAN_CREATION_FAILED:
            raise HwCloudError('RFS stack %s has no execution plan %s that can be applied (%s).'
                               % (stack_name, plan_name, 'missing' if plan is None else 'CREATION_FAILED'), details=result)
        result['plan'] = plan_summary(plan, plan_name)
        result['changed'] = result['changed'] or plan.get('status') not in PLAN_APPLYING
        return False
    result['plan'], result['stack'], result['deployment_id'] = apply_kept_plan(
        task, service, stack_name, stack, plan_name, task.params['wait'], price=task.params['estimate_price'])
    if result['plan']['status'] in PLAN_APPLYING:
        # Applied before (the approved job run again): two reads, nothing more.
        return False
    result['changed'] = True
    return True
