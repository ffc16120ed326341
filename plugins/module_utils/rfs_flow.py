# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The life of an RFS stack: settle a busy one, create, delete, and what follows an action."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.cloud.plugins.module_utils.client import send_once
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.module_utils.rfs import CREATION_OPTIONS, DELETION_IN_PROGRESS, DEPLOYMENT_COMPLETE, answer_field, stack_status
from ansible_collections.hwcloud.cloud.plugins.module_utils.waiter import ABSENT


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

