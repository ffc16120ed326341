#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: stack_info
short_description: List Application Orchestration Service (AOS) v2 stacks
version_added: 0.2.0
description:
  - Reads Application Orchestration Service (AOS) v2 stacks, one by ID with C(GET /v2/stacks/{stack_id}),
    or the project's stacks with C(GET /v2/stacks?project_id=...&name=...).
  - Read only. Only C(GET) calls are sent, C(changed) is always V(false) and check mode runs exactly as a normal run.
  - A stack that does not exist is an empty list, not a failure.
  - Each stack has the same shape as the C(stack) that M(hwcloud.cloud.stack_lifecycle) returns.
  - Use it to take stock of what is on AOS before moving the stacks to the Resource Formation Service
    (see C(docs/aos-to-rfs.md) in the collection).
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stack_id:
    description:
      - ID of one stack, 1 to 64 characters.
      - Mutually exclusive with O(stack_name). With neither, every stack of the project is listed.
    type: str
  stack_name:
    description:
      - List the stacks with exactly this name (all of them; names are not unique on AOS).
      - Mutually exclusive with O(stack_id).
      - Listing (by name or all stacks) needs O(project_id), or IAM password authentication with O(region)
        from which the project is learnt; reading one stack by O(stack_id) does not.
    type: str
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: The module only reads; check mode changes nothing in what it does.
  diff_mode:
    support: none
    description: Nothing is changed, so there is nothing to show.
'''

EXAMPLES = r'''
- name: Read one stack
  hwcloud.cloud.stack_info:
    region: ap-southeast-1
    stack_id: 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e
  register: stack_one

- name: Fail when the stack is gone
  ansible.builtin.assert:
    that: stack_one.stacks | length == 1

- name: Find the stacks named web
  hwcloud.cloud.stack_info:
    region: ap-southeast-1
    project_id: 0605767a2c80d5a62f5cc0123456789a
    stack_name: web
  register: web_stacks

- name: Take stock of every AOS stack of the project before moving to RFS
  hwcloud.cloud.stack_info:
    region: ap-southeast-1
    project_id: 0605767a2c80d5a62f5cc0123456789a
  register: aos_inventory

- name: Show name, status and inputs of each stack
  ansible.builtin.debug:
    msg: "{{ item.name }} ({{ item.guid }}): {{ item.status }}, inputs {{ item.inputs | default({}) }}"
  loop: "{{ aos_inventory.stacks }}"
  loop_control:
    label: "{{ item.name }}"
'''

RETURN = r'''
stacks:
  description:
    - The stacks found, as the service answered them; an empty list when none matched (an unknown ID or name).
    - Each has the shape of the C(stack) that M(hwcloud.cloud.stack_lifecycle) returns.
  returned: always
  type: list
  elements: dict
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
      description: ID of the project the stack belongs to.
      type: str
      returned: when the service returns it
      sample: 0605767a2c80d5a62f5cc0123456789a
    status:
      description: C(Running), C(Stopped), C(Abnormal), C(Pending), C(Processing), C(PartialStopped) or C(Unknow).
      type: str
      returned: always
      sample: Running
    inputs:
      description: The stack's template inputs.
      type: dict
      returned: when the service returns them
      sample: {"param1": "value1"}
    template_id:
      description: ID of the stack's template.
      type: str
      returned: when the service returns it
    last_action_id:
      description: ID of the stack's last execution record (its last lifecycle).
      type: str
      returned: when the service returns it
    created_at:
      description: When the stack was created, as the service wrote it.
      type: str
      returned: when the service returns it
      sample: "2023-08-01T10:00:00Z"
    updated_at:
      description: When the stack last changed, as the service wrote it.
      type: str
      returned: when the service returns it
      sample: "2023-08-01T10:00:00Z"
response:
  description: The list answer, when it was neither a list of stacks nor an object with a C(stacks) list.
  returned: on failure, for an answer of unexpected shape
  type: raw
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
invalid_option:
  description: The option whose value breaks a rule; nothing was sent.
  returned: on failure of an option check
  type: str
  sample: stack_id
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
  sample: ['Reading AOS stack 2bdb5a3b-6f8e-4b1c-9d0e-7c1a2b3c4d5e: HTTP 503; retry 1 of 5 in 0.41s']
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import aos
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length, check_no_control_characters, check_not_blank


class StackInfoModule(HwCloudModule):
    service = 'aos'
    read_only = True
    argument_spec = dict(
        stack_id=dict(type='str'),
        stack_name=dict(type='str'),
    )
    module_kwargs = dict(mutually_exclusive=[('stack_id', 'stack_name')])

    def validate(self):
        check_length('stack_id', self.params['stack_id'], 1, 64)
        check_not_blank('stack_name', self.params['stack_name'])
        check_no_control_characters('stack_name', self.params['stack_name'])
        if self.params['stack_id'] is None:
            self.require_project_id('to list AOS stacks (GET /v2/stacks?project_id=...); or give stack_id')

    def run(self):
        if self.params['stack_id'] is not None:
            service = aos.AosService(self.client, self.endpoint)
            stack = service.get_stack(self.params['stack_id'])
            stacks = [] if stack is None else [stack]
        else:
            service = aos.AosService(self.client, self.endpoint, project_id=self.project_id)
            stacks = service.list_stacks(self.params['stack_name'])
        return dict(changed=False, stacks=[aos.stack_result(stack) for stack in stacks])


def main():
    StackInfoModule()()


if __name__ == '__main__':
    main()
