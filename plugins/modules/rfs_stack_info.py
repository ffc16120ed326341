#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rfs_stack_info
short_description: List Resource Formation Service (RFS) stacks, with their outputs, resources and events
version_added: 0.2.0
description:
  - Reads RFS stacks; only C(GET) calls are sent, in check mode too, and the task never reports C(changed).
  - With O(stack_name), the stack's metadata (C(GET .../stacks/{stack_name}/metadata)); an unknown name
    gives an empty list, not a failure.
  - Without it, every stack of the project (C(GET /v1/{project_id}/stacks), every page), with the fields of the list call.
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stack_name:
    description:
      - Name of one stack. Without it every stack is listed.
    type: str
  outputs:
    description:
      - Also read each stack's outputs (every page) into C(outputs).
    type: bool
    default: false
  resources:
    description:
      - Also read each stack's resources (every page) into C(resources).
    type: bool
    default: false
  events:
    description:
      - Also read each stack's events (every page) into C(events).
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
attributes:
  check_mode:
    support: full
    description: Only reads; runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
'''

EXAMPLES = r'''
- name: Every stack of the project
  hwcloud.cloud.rfs_stack_info:
    region: ap-southeast-1
  register: all_stacks

- name: One stack with its outputs and the events of its deployments
  hwcloud.cloud.rfs_stack_info:
    stack_name: web
    outputs: true
    events: true
  register: web

- name: Show why the last deployment failed
  ansible.builtin.debug:
    msg: "{{ web.stacks[0].events | selectattr('event_type', 'equalto', 'ERROR') | map(attribute='event_message') | list }}"
  when: web.stacks and web.stacks[0].status == 'DEPLOYMENT_FAILED'
'''

RETURN = r'''
stacks:
  description:
    - The stacks, oldest first as RFS lists them; an empty list when O(stack_name) names no stack.
    - With O(stack_name) each is the stack's metadata (vars, agencies and settings included);
      without, the fields of the list call.
  returned: always
  type: list
  elements: dict
  contains:
    stack_id:
      description: Stack ID.
      type: str
      returned: always
    stack_name:
      description: Stack name.
      type: str
      returned: always
    status:
      description: The stack's status, for example C(DEPLOYMENT_COMPLETE) or C(DEPLOYMENT_FAILED).
      type: str
      returned: always
    status_message:
      description: What went wrong, on a failed status.
      type: str
      returned: when the service returns it
    description:
      description: Description of the stack.
      type: str
      returned: when the service returns it
    create_time:
      description: Creation time.
      type: str
      returned: when the service returns it
    update_time:
      description: Time of the last change.
      type: str
      returned: when the service returns it
    outputs:
      description: The stack's outputs (C(name), C(description), C(type), C(value), C(sensitive)).
      type: list
      elements: dict
      returned: when O(outputs=true)
    resources:
      description: The stack's resources (C(logical_resource_type), C(logical_resource_name),
        C(physical_resource_id), C(physical_resource_name), C(resource_status), ...).
      type: list
      elements: dict
      returned: when O(resources=true)
    events:
      description: The stack's events, oldest first (C(time), C(event_type), C(event_message), C(resource_type), C(resource_name), ...).
      type: list
      elements: dict
      returned: when O(events=true)
credentials_source:
  description:
    - Where the task's credentials came from, never the credentials themselves.
    - One of V(auth_token), V(access_key), V(password), V(sdk_environment), V(sdk_credentials_file), V(ecs_metadata);
      with an agency, C(agency:<account>/<agency> via <source>).
  returned: once credentials were found, also on failure
  type: str
  sample: agency:target-account/ops-agency via ecs_metadata
'''

from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, is_absent
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule

DETAILS = ('outputs', 'resources', 'events')


class RfsStackInfoModule(HwCloudModule):
    service = 'rfs'
    read_only = True
    argument_spec = dict(
        stack_name=dict(type='str'),
        outputs=dict(type='bool', default=False),
        resources=dict(type='bool', default=False),
        events=dict(type='bool', default=False),
    )

    def validate(self):
        rfs.check_name('stack_name', self.params['stack_name'])

    def run(self):
        self.require_project_id('for RFS calls')
        service = rfs.RfsService(self.client, self.endpoint, self.project_id)
        if self.params['stack_name']:
            stack = service.get_stack(self.params['stack_name'])
            stacks = [] if stack is None else [stack]
        else:
            stacks = service.list_stacks()
        found = []
        for stack in stacks:
            name = self.params['stack_name'] or stack.get('stack_name')
            if not isinstance(name, str) and any(self.params[detail] for detail in DETAILS):
                raise HwCloudError('Listing RFS stacks: a stack in the answer has no stack_name, so its details cannot be read: %s'
                                   % stack, details={'stacks': stacks})
            try:
                for detail in DETAILS:
                    if self.params[detail]:
                        stack[detail] = getattr(service, detail)(name, stack.get('stack_id'))
            except HwCloudError as error:
                if is_absent(error):
                    # Deleted between the list and this read: it is no longer a stack of the project.
                    continue
                raise
            found.append(stack)
        return dict(changed=False, stacks=found)


def main():
    RfsStackInfoModule()()


if __name__ == '__main__':
    main()
