#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: stack_lifecycle
short_description: Run a lifecycle (create, delete, upgrade, rollback, retry) on an AOS stack
version_added: 0.1.0
description:
  - Runs a lifecycle on an Application Orchestration Service (AOS) stack with
    C(PUT /v2/stacks/{stack_id}/actions).
  - Idempotent. The stack is read first and nothing is sent when the lifecycle has nothing to do
    C(delete) of an absent stack, C(create) of a C(Running) stack, C(upgrade) whose inputs and
    template are already in place, C(retry) or C(rollback) of a stack that is not C(Abnormal).
  - A stack that is C(Processing) or C(Pending) is never sent a second lifecycle. With O(wait=true)
    the module waits for it to settle and decides then; otherwise the task fails.
  - With O(wait=true) the module waits for the execution to finish, on its execution record or,
    where that cannot be read, on the stack status. A failed execution fails the task with the
    service's reason and the C(action_id).
  - Supports check mode (nothing is sent) and diff mode (status and inputs before and after).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stack_id:
    description:
      - ID of the stack, 1 to 64 characters.
    type: str
    required: true
  lifecycle:
    description:
      - The lifecycle to run.
    type: str
    required: true
    choices: [create, delete, upgrade, rollback, retry]
  failure_strategy:
    description:
      - What the service does when the lifecycle fails. The service's default is C(DoNothing).
      - C(Rollback) is only allowed with O(lifecycle=create).
    type: str
    choices: [DoNothing, Rollback]
  nodes:
    description:
      - Per-element lifecycle parameters, used to scale stateless applications whose
        instance count is a template input.
      - An C(upgrade) with O(nodes) always reports C(changed) and is always sent, because the
        stack does not expose its instance counts, so there is nothing to compare them with.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the stack element (node).
        type: str
        required: true
      parameters:
        description: Lifecycle parameters of the element.
        type: dict
        suboptions:
          instances:
            description: Number of instances, 0 to 100.
            type: int
            required: true
  timeout:
    description:
      - Timeout of the lifecycle on the service side, in minutes, 0 to 1440. The service's default is 60.
      - This is the API's own limit; O(wait_timeout) bounds how long this module waits.
    type: int
  inputs:
    description:
      - Template inputs, one key per input.
      - C(upgrade) needs at least one of O(inputs), O(template_id) and O(nodes); without any of them the
        task fails before any call.
    type: dict
  template_id:
    description:
      - Run the lifecycle with this template instead of the stack's current one.
    type: str
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is sent; C(changed) says whether the lifecycle would run.
  diff_mode:
    support: full
    description: Shows the stack status and inputs before and after.
'''

EXAMPLES = r'''
- name: Install a stack, rolling back if the installation fails
  hwcloud.cloud.stack_lifecycle:
    region: ap-southeast-1
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: create
    timeout: 20
    failure_strategy: Rollback

- name: Roll back a stack whose last lifecycle failed
  hwcloud.cloud.stack_lifecycle:
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: rollback

- name: Upgrade the stack's inputs (ok when they are already in place)
  hwcloud.cloud.stack_lifecycle:
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: upgrade
    inputs:
      param1: value1

- name: Retry a failed lifecycle with a 20 minute service-side timeout
  hwcloud.cloud.stack_lifecycle:
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: retry
    timeout: 20

- name: Scale the element "web" to 3 instances
  hwcloud.cloud.stack_lifecycle:
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: upgrade
    inputs:
      web_instances: 3
    nodes:
      - name: web
        parameters:
          instances: 3

- name: Delete a stack and return without waiting
  hwcloud.cloud.stack_lifecycle:
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    lifecycle: delete
    wait: false
'''

RETURN = r'''
action_id:
  description: ID of the execution record the lifecycle started; V(null) when nothing was sent.
  returned: success, and on failure once the stack was read
  type: str
  sample: 6a1b2c3d-0000-4000-8000-000000000001
last_action_id:
  description: ID of the stack's previous execution record, as the service answered; V(null) when nothing was sent.
  returned: success, and on failure once the stack was read
  type: str
  sample: 6a1b2c3d-0000-4000-8000-000000000000
stack:
  description:
    - The stack as last read; V(null) when it does not exist (for example after C(delete)).
    - On a failure before the lifecycle was sent (a busy stack) or after it (the stack left C(Abnormal)), the stack as last seen.
    - The service may return more keys than those listed here; they are passed on as it answers them.
  returned: success, and on some failures (see above)
  type: dict
  contains:
    guid:
      description: Stack ID.
      type: str
      returned: always
      sample: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    name:
      description: Stack name.
      type: str
      returned: always
      sample: web
    project_id:
      description: Project the stack belongs to.
      type: str
      returned: when the service returns it
      sample: 1551c7f6c808414d8e9f3c514a170f2e
    status:
      description: C(Running), C(Stopped), C(Abnormal), C(Pending), C(Processing), C(PartialStopped) or C(Unknow).
      type: str
      returned: always
      sample: Running
    inputs:
      description: The stack's template inputs, as the service stored them.
      type: dict
      returned: when the service returns them
      sample: {web_instances: '3'}
    template_id:
      description: ID of the stack's template.
      type: str
      returned: when the service returns it
      sample: 0d7c9b8a-1e2f-4a3b-8c4d-5e6f7a8b9c0d
    last_action_id:
      description: ID of the stack's latest execution record.
      type: str
      returned: when the service returns it
      sample: 6a1b2c3d-0000-4000-8000-000000000001
    created_at:
      description: When the stack was created.
      type: str
      returned: when the service returns it
      sample: '2023-08-01T10:00:00Z'
    updated_at:
      description: When the stack last changed.
      type: str
      returned: when the service returns it
      sample: '2023-08-01T11:00:00Z'
execution:
  description:
    - The execution record as last read, as the service answers it (not snake_cased).
    - V(null) on a failed or timed-out wait when the record could not be read (the module then waited on the stack's status).
  returned: when O(wait=true) and a lifecycle was sent and its record could be read; on failure of that wait
  type: dict
  contains:
    metadata:
      description: The record's metadata.
      type: dict
      returned: always
      contains:
        name:
          description: The execution ID (RV(action_id)).
          type: str
          returned: always
          sample: 6a1b2c3d-0000-4000-8000-000000000001
    spec:
      description: What was run.
      type: dict
      returned: always
      contains:
        lifecycle:
          description: The lifecycle, for example C(upgrade).
          type: str
          returned: always
          sample: upgrade
    status:
      description: Where the execution is.
      type: dict
      returned: always
      contains:
        objectStatus:
          description: Where the execution is.
          type: dict
          returned: always
          contains:
            phase:
              description: C(Pending), C(Running), C(Succeeded) or C(Failed).
              type: str
              returned: always
              sample: Succeeded
        message:
          description: The service's message, for example why the execution failed; may be empty.
          type: str
          returned: always
          sample: element web timed out
execution_message:
  description:
    - Why the execution failed (the record's message), or where the wait last saw it (for example C(stack status Abnormal)
      when the record could not be read); V(null) when there is no message.
  returned: on failure or timeout of the wait for the execution
  type: str
  sample: element web timed out
invalid_option:
  description: The option whose value breaks a rule; nothing was sent.
  returned: on failure of an option check
  type: str
  sample: timeout
credentials_source:
  description:
    - Where the task's credentials came from, never the credentials themselves.
    - One of V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata);
      with an agency, C(agency:<account>/<agency> via <source>).
  returned: once credentials were found, also on failure
  type: str
  sample: agency:target-account/ops-agency via ecs_metadata
project_id:
  description:
    - The project the task worked in, when O(project_id) was not given and the module found it
      (from O(region) with C(GET <IAM>/v3/projects?name=<region>), or from an IAM password token's scope).
  returned: when the project was found rather than given
  type: str
  sample: 0605767a2c80d5a62f5cc0123456789a
error:
  description: The failed HTTP call, and what the service answered.
  returned: on failure of an HTTP call
  type: dict
  contains:
    status:
      description: HTTP status code.
      type: int
      returned: always
      sample: 404
    code:
      description: The service's error code (C(errCode), C(error_code), C(code) or IAM's C(title)), or V(null).
      type: str
      returned: always
      sample: AOS.0101
    message:
      description: The service's error message, or the start of a body that is not JSON (a proxy's page), or V(null).
      type: str
      returned: always
      sample: The stack does not exist.
    request_id:
      description: The request ID to quote to support (C(X-Request-Id), or the body's C(request_id)), or V(null).
      type: str
      returned: always
      sample: 5d2e6a8f0c1b4e7d9a3c2b1f0e9d8c7b
    method:
      description: HTTP method of the failed call.
      type: str
      returned: always
      sample: GET
    url:
      description: URL of the failed call.
      type: str
      returned: always
      sample: https://aos.ap-southeast-1.myhuaweicloud.com/v2/stacks/2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
    body:
      description: The response body, parsed when it is JSON, otherwise its first 300 characters.
      type: raw
      returned: always
      sample: {code: AOS.0101, message: The stack does not exist.}
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
  sample: ['Reading AOS stack 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e: HTTP 503; retry 1 of 5 in 0.41s']
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import aos
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length, check_not_blank, check_range


# What an upgrade can change: without one of these there is nothing to upgrade to.
UPGRADE_OPTIONS = ('inputs', 'template_id', 'nodes')


class StackLifecycleModule(HwCloudModule):
    service = 'aos'
    argument_spec = dict(
        stack_id=dict(type='str', required=True),
        lifecycle=dict(type='str', required=True, choices=list(aos.LIFECYCLES)),
        failure_strategy=dict(type='str', choices=list(aos.FAILURE_STRATEGIES)),
        nodes=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            parameters=dict(type='dict', options=dict(instances=dict(type='int', required=True))),
        )),
        timeout=dict(type='int'),
        inputs=dict(type='dict'),
        template_id=dict(type='str'),
    )

    def validate(self):
        check_length('stack_id', self.params['stack_id'], 1, 64)
        if self.params['failure_strategy'] == 'Rollback' and self.params['lifecycle'] != 'create':
            raise InvalidOptionError('failure_strategy', 'Rollback', 'Rollback is only allowed with lifecycle create, not %s'
                                     % self.params['lifecycle'])
        check_range('timeout', self.params['timeout'], 0, 1440, ' minutes')
        for index, node in enumerate(self.params['nodes'] or []):
            check_not_blank('nodes[%d].name' % index, node['name'])
            if node['parameters'] is not None:
                check_range('nodes[%d].parameters.instances' % index, node['parameters']['instances'], 0, 100)
        check_not_blank('template_id', self.params['template_id'])
        if self.params['lifecycle'] == 'upgrade' and not any(self.params[key] for key in UPGRADE_OPTIONS):
            raise InvalidOptionError('lifecycle', 'upgrade', 'an upgrade needs at least one of %s: what to change the stack to'
                                     % ', '.join(UPGRADE_OPTIONS))

    def lifecycle_request(self):
        """Only what the user set goes on the wire: the service treats null as a value."""
        body = dict((key, self.params[key]) for key in ('lifecycle', 'failure_strategy', 'timeout', 'inputs', 'template_id')
                    if self.params[key] is not None)
        if self.params['nodes'] is not None:
            body['nodes'] = [dict((key, value) for key, value in node.items() if value is not None) for node in self.params['nodes']]
        return body

    def will_change(self, stack):
        lifecycle, status = self.params['lifecycle'], aos.stack_status(stack)
        if lifecycle == 'delete':
            return status != aos.ABSENT
        if lifecycle == 'create':
            return status != aos.RUNNING
        if lifecycle in ('retry', 'rollback'):
            return status == aos.ABNORMAL
        current = stack.get('inputs')
        inputs_in_place = isinstance(current, dict) and all(
            key in current and same_value(current[key], value) for key, value in (self.params['inputs'] or {}).items())
        template_in_place = self.params['template_id'] in (None, stack.get('template_id'))
        return not (inputs_in_place and template_in_place and not self.params['nodes'])

    def predicted(self, stack, will_change):
        if not will_change:
            return {'status': aos.stack_status(stack), 'inputs': (stack or {}).get('inputs')}
        if self.params['lifecycle'] == 'delete':
            return {'status': aos.ABSENT, 'inputs': None}
        inputs = dict((stack or {}).get('inputs') or {})
        inputs.update(self.params['inputs'] or {})
        return {'status': aos.RUNNING, 'inputs': inputs}

    def run(self):
        stack_id, lifecycle = self.params['stack_id'], self.params['lifecycle']
        service = aos.AosService(self.client, self.endpoint)
        stack = service.get_stack(stack_id) if lifecycle == 'delete' else service.require_stack(stack_id, lifecycle)
        if aos.stack_status(stack) in aos.BUSY:
            stack = self.settle_or_fail(service.settled_waiter(stack_id),
                                        'AOS stack %s is %s: another lifecycle is running and a second one is never sent.'
                                        % (stack_id, aos.stack_status(stack)),
                                        stack=aos.stack_result(stack), action_id=None, last_action_id=None)
            if stack is None and lifecycle != 'delete':
                stack = service.require_stack(stack_id, lifecycle)

        will_change = self.will_change(stack)
        result = dict(changed=will_change, action_id=None, last_action_id=None, stack=aos.stack_result(stack))
        if self.module._diff:  # pylint: disable=protected-access
            result['diff'] = dict(before={'status': aos.stack_status(stack), 'inputs': (stack or {}).get('inputs')},
                                  after=self.predicted(stack, will_change))
        if self.check_mode or not will_change:
            return result

        previous_action_id = stack.get('last_action_id')
        answer, confirmed_by_read = self.send_once(
            send=lambda: service.execute(stack_id, self.lifecycle_request()),
            took_effect=lambda: lifecycle_took_effect(service.get_stack(stack_id), lifecycle, previous_action_id), resend=True)
        if confirmed_by_read:
            answer = {'action_id': (service.get_stack(stack_id) or {}).get('last_action_id'), 'last_action_id': previous_action_id}
        result['action_id'], result['last_action_id'] = answer.get('action_id'), answer.get('last_action_id')

        if self.params['wait']:
            details = {'action_id': result['action_id'], 'last_action_id': result['last_action_id']}
            if result['action_id']:
                state = self.wait_for(service.execution_waiter(stack_id, result['action_id'], lifecycle), **details)
                result['execution'] = state.get('record')
            else:
                self.wait_for(service.settled_waiter(stack_id), **details)
            try:
                result['stack'] = aos.stack_result(service.get_stack(stack_id))
            except HwCloudError as error:
                # The lifecycle was sent: a failed last read still carries the ids to follow up.
                for key, value in details.items():
                    error.details.setdefault(key, value)
                raise
            if lifecycle != 'delete' and aos.stack_status(result['stack']) == aos.ABNORMAL:
                raise HwCloudError('Lifecycle %s on AOS stack %s left it Abnormal (execution %s).' % (lifecycle, stack_id, result['action_id']),
                                   details=dict(details, stack=result['stack']))
        return result


def same_value(current, wanted):
    # Inputs come back from the service as it stored them: "3" for 3, "true" for True is the same input.
    # Two strings are compared as they are: "Prod" and "prod" are different inputs.
    if current == wanted:
        return True
    scalar = (str, int, float, bool)
    if not (isinstance(current, scalar) and isinstance(wanted, scalar)) or (isinstance(current, str) and isinstance(wanted, str)):
        return False
    if isinstance(current, bool) or isinstance(wanted, bool):
        return str(current).lower() == str(wanted).lower()
    return str(current) == str(wanted)


def lifecycle_took_effect(stack, lifecycle, previous_action_id):
    status = aos.stack_status(stack)
    if status == aos.ABSENT:
        return lifecycle == 'delete'
    return status in aos.BUSY or stack.get('last_action_id') not in (None, previous_action_id)


def main():
    StackLifecycleModule()()


if __name__ == '__main__':
    main()
