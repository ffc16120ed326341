# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The life of an RFS stack: settle a busy one, create, change its settings, recover, delete.

The flows act through ``task``, the running module (``HwCloudModule``): ``task.send_once`` sends a change
at most once and marks the task changed, ``task.wait_for`` and ``task.settle_or_fail`` wait on its one budget.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs import (
    DELETION_IN_PROGRESS,
    DEPLOYMENT_COMPLETE,
    DEPLOYMENT_FAILED,
    DEPLOYMENT_IN_PROGRESS,
    BROKEN,
    IN_PROGRESS,
    ROLLBACK_COMPLETE,
    ROLLBACK_FAILED,
    ROLLBACK_IN_PROGRESS,
    answer_field,
    stack_status,
)
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT


# The stack's own settings: changed in place (PATCH), never by a deployment.
SETTINGS = ('description', 'enable_deletion_protection', 'enable_auto_rollback', 'agencies')
# What continue_failed does from each failed status: the call, and what the wait then ends on.
RECOVERIES = {DEPLOYMENT_FAILED: 'continuation', ROLLBACK_FAILED: 'rollback'}


def settle(task, service, stack_name, stack, details):
    """A busy stack once it has settled; without wait, a failure: nothing goes into a busy stack."""
    why = ('RFS stack %s is %s: nothing is deployed into, changed or deleted from a busy stack.'
           % (stack_name, stack_status(stack)))
    return task.settle_or_fail(service.settled_waiter(stack_name, stack.get('stack_id')), why, **details)


def creation_body(stack_name, fields, settings):
    """The body that creates a stack: its template and vars ``fields`` and the ``settings`` that are set."""
    body = dict(fields, stack_name=stack_name)
    body.update((key, value) for key, value in settings.items() if value is not None)
    return body


def _agencies_key(agencies):
    return sorted((str(agency.get('provider_name')), str(agency.get('agency_name'))) for agency in agencies or [])


def settings_changes(stack, settings):
    """The settings given that differ from the stack's: ``{field: new value}`` (``agencies`` compared as a set)."""
    changes = {}
    for key in SETTINGS:
        wanted = settings.get(key)
        if wanted is None:
            continue
        current = stack.get(key)
        if key == 'agencies':
            if _agencies_key(wanted) != _agencies_key(current):
                changes[key] = [dict(provider_name=a['provider_name'], agency_name=a['agency_name']) for a in wanted]
        elif key == 'description':
            if wanted != (current or ''):
                changes[key] = wanted
        elif bool(current) != wanted:
            changes[key] = wanted
    return changes


def check_settings(stack_name, stack, changes):
    """Fail before any change on a settings change RFS refuses: auto-rollback turned on while the stack is ``*_FAILED``."""
    if changes.get('enable_auto_rollback') and stack_status(stack) in BROKEN:
        raise HwCloudError('RFS stack %s is %s, and RFS does not turn enable_auto_rollback on for a failed stack: nothing was changed. '
                           'Repair the stack first (its template, or continue_failed: true), then turn it on.'
                           % (stack_name, stack_status(stack)))


def settings_diff(stack, changes):
    return {'before': dict((key, stack.get(key)) for key in changes), 'after': dict(changes)}


def update_settings(task, service, stack_name, stack, changes):
    """PATCH only the differing settings, at most once; returns the stack as then read."""
    stack_id = stack.get('stack_id')
    body = dict(changes, stack_id=stack_id)
    task.send_once(lambda: service.update_stack(stack_name, body),
                   took_effect=lambda: not settings_changes(service.get_stack(stack_name, stack_id) or {}, changes), resend=True)
    return service.get_stack(stack_name, stack_id)


def status_diff(stack_name, before, after):
    """Diff mode for a creation or deletion: the stack's status before and after."""
    return {'before': {'stack_name': stack_name, 'status': before}, 'after': {'stack_name': stack_name, 'status': after}}


def follow(task, wait, waiter, read, **details):
    """The stack after an action: with ``wait`` ``task.wait_for(waiter, **details)``, else one ``read()``."""
    if not wait:
        return read()
    return task.wait_for(waiter, **details)


def check_template(service, fields):
    """Ask RFS to parse the template: a template that does not parse fails here, with the service's own message.

    Returns the names the template declares.
    """
    try:
        variables = service.template_variables(fields.get('template_body'), fields.get('template_uri'))
    except HwCloudError as error:
        if error.status != 400:
            raise
        raise HwCloudError('The template does not parse, so no stack was created; RFS says: "%s"'
                           % (error.service_message or error.message), status=error.status, code=error.code,
                           service_message=error.service_message, request_id=error.request_id, body=error.body,
                           method=error.method, url=error.url)
    return set(str(variable.get('name')) for variable in variables)


def create_stack(task, service, body, with_template, wait):
    """Create a stack (and deploy its template) at most once; returns ``(stack, deployment_id)``."""
    name = body['stack_name']
    answer, _confirmed = task.send_once(lambda: service.create_stack(body), took_effect=lambda: service.get_stack(name) is not None,
                                        resend=True)
    stack_id, deployment_id = answer_field(answer, 'stack_id'), answer_field(answer, 'deployment_id')
    stack = follow(task, wait, service.deployment_waiter(name, stack_id, deployment_id, with_template=with_template),
                   lambda: service.get_stack(name, stack_id), deployment_id=deployment_id)
    return stack, deployment_id


def recover(task, service, stack_name, stack, wait):
    """Continue a failed deployment (``/continuations``) or a failed rollback (``/rollbacks``) at most once.

    Returns ``(stack, deployment_id)``; the wait ends as the deployment, or the rollback, ends.
    """
    stack_id, status = stack.get('stack_id'), stack_status(stack)
    recovery = RECOVERIES[status]
    send = service.continue_deployment if recovery == 'continuation' else service.continue_rollback
    moving = DEPLOYMENT_IN_PROGRESS if recovery == 'continuation' else ROLLBACK_IN_PROGRESS

    def took_effect():
        return stack_status(service.get_stack(stack_name, stack_id)) in (moving, ) + tuple(IN_PROGRESS)

    answer, _confirmed = task.send_once(lambda: send(stack_name, stack_id), took_effect=took_effect, resend=True)
    deployment_id = answer_field(answer, 'deployment_id')
    waiter = service.deployment_waiter(stack_name, stack_id, deployment_id, before=stack, recovery=recovery)
    return follow(task, wait, waiter, lambda: service.get_stack(stack_name, stack_id), deployment_id=deployment_id), deployment_id


def delete_stack(task, service, stack_name, stack, retain_all_resources, wait):
    """Delete a stack at most once; returns it as it then reads (``None`` once gone, which a wait ends on)."""
    stack_id = stack.get('stack_id')

    def took_effect():
        return stack_status(service.get_stack(stack_name, stack_id)) in (ABSENT, DELETION_IN_PROGRESS)

    task.send_once(lambda: service.delete_stack(stack_name, stack_id, retain_all_resources), took_effect=took_effect, resend=True)
    return follow(task, wait, service.deletion_waiter(stack_name, stack_id, before=stack), lambda: service.get_stack(stack_name, stack_id),
                  stack=stack)


def outputs_of(service, stack_name, stack):
    """The outputs of a deployed stack; ``None`` for any other."""
    if stack_status(stack) != DEPLOYMENT_COMPLETE:
        return None
    return service.outputs(stack_name, stack.get('stack_id'))


# ------------------------------------------------------------------ what rfs_stack decides with them

def absent(task, service, stack_name, stack, result):
    """``state: absent``: lift the protection when told to (else fail before any change), delete, wait until gone."""
    params = task.params
    if stack is None:
        return result
    protected = bool(stack.get('enable_deletion_protection'))
    if protected and params['enable_deletion_protection'] is not False:
        raise HwCloudError('RFS stack %s has deletion protection on: nothing was deleted. Set enable_deletion_protection: false '
                           'to turn it off and delete the stack.' % stack_name, details=dict(result, changed=False))
    if protected:
        result['settings'] = {'enable_deletion_protection': False}
    if task.module._diff:  # pylint: disable=protected-access
        result['diff'] = status_diff(stack_name, stack_status(stack), ABSENT)
    if task.check_mode:
        return result
    if protected:
        stack = update_settings(task, service, stack_name, stack, result['settings'])
    result['stack'] = delete_stack(task, service, stack_name, stack, params['retain_all_resources'], params['wait'])
    return result


def continue_failed(task, service, stack_name, stack, result):
    """``continue_failed`` on a stack in ``DEPLOYMENT_FAILED`` or ``ROLLBACK_FAILED``: always a change."""
    result['changed'] = True
    if task.module._diff:  # pylint: disable=protected-access
        after = ROLLBACK_COMPLETE if stack_status(stack) == ROLLBACK_FAILED else DEPLOYMENT_COMPLETE
        result['diff'] = status_diff(stack_name, stack_status(stack), after)
    if not task.check_mode:
        result['stack'], result['deployment_id'] = recover(task, service, stack_name, stack, task.params['wait'])
    return result
