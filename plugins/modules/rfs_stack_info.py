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
    - The stacks, newest first as RFS lists them; an empty list when O(stack_name) names no stack.
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
      description: C(CREATION_COMPLETE), C(DEPLOYMENT_IN_PROGRESS), C(DEPLOYMENT_COMPLETE), C(DEPLOYMENT_FAILED),
        C(ROLLBACK_IN_PROGRESS), C(ROLLBACK_COMPLETE), C(ROLLBACK_FAILED), C(DELETION_IN_PROGRESS) or C(DELETION_FAILED).
      type: str
      returned: always
      sample: DEPLOYMENT_COMPLETE
    status_message:
      description: What went wrong, on a failed status.
      type: str
      returned: when the service returns it
    description:
      description: Description of the stack.
      type: str
      returned: when the service returns it
    vars_structure:
      description: The string variables of the last deployment; an encrypted one without its value.
      type: list
      elements: dict
      returned: with O(stack_name), when the service returns them
      contains:
        var_key:
          description: Name of the variable.
          type: str
          returned: always
        var_value:
          description: Its value (not shown for an encrypted variable).
          type: str
          returned: when not encrypted
        encryption:
          description: For an encrypted variable, C(kms) with the C(id) of the KMS key.
          type: dict
          returned: when encrypted
          contains:
            kms:
              description: The KMS key (C(id)) that decrypts the value.
              type: dict
              returned: always
              contains:
                id:
                  description: ID of the KMS key.
                  type: str
                  returned: always
    vars_body:
      description: The C(.tfvars) text of the last deployment.
      type: str
      returned: when the service returns it
    vars_uri_content:
      description: The content of the vars file of the last deployment, when it came from a URI.
      type: str
      returned: when the service returns it
    agencies:
      description: The stack's agencies.
      type: list
      elements: dict
      returned: with O(stack_name), when the service returns them
      contains:
        provider_name:
          description: Provider the agency is for.
          type: str
          returned: always
        agency_name:
          description: Name of the IAM agency.
          type: str
          returned: always
    enable_auto_rollback:
      description: Whether a failed deployment is rolled back.
      type: bool
      returned: when the service returns it
    enable_deletion_protection:
      description: Whether deletion is refused.
      type: bool
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
      description: The stack's outputs.
      type: list
      elements: dict
      returned: when O(outputs=true)
      contains:
        name:
          description: Name of the output.
          type: str
          returned: always
        description:
          description: Its description.
          type: str
          returned: when the template gives one
        type:
          description: Its type.
          type: str
          returned: always
        value:
          description: Its value (text, as RFS gives it).
          type: raw
          returned: always
        sensitive:
          description: Whether the template marks it sensitive.
          type: bool
          returned: always
    resources:
      description: The stack's resources (brief while a deployment runs).
      type: list
      elements: dict
      returned: when O(resources=true)
      contains:
        logical_resource_type:
          description: Type of the resource in the template.
          type: str
          returned: always
        logical_resource_name:
          description: Name of the resource in the template.
          type: str
          returned: always
        physical_resource_id:
          description: ID of the resource in the cloud.
          type: str
          returned: once it exists
        physical_resource_name:
          description: Name of the resource in the cloud.
          type: str
          returned: once it exists
        resource_status:
          description: Status of the resource.
          type: str
          returned: always
        status_message:
          description: What went wrong, on a failed status.
          type: str
          returned: when the service returns it
        index_key:
          description: The instance's index, for a resource with C(count) or C(for_each).
          type: str
          returned: when the service returns it
        resource_attributes:
          description: The resource's attributes (C(key), C(value)).
          type: list
          elements: dict
          returned: when the service returns them
          contains:
            key:
              description: Name of the attribute.
              type: str
              returned: always
            value:
              description: Its value (text).
              type: str
              returned: always
    events:
      description: The stack's events, newest first as RFS lists them.
      type: list
      elements: dict
      returned: when O(events=true)
      contains:
        time:
          description: When it happened.
          type: str
          returned: always
        event_type:
          description: C(LOG), C(ERROR), C(DRIFT), C(SUMMARY), C(CREATION_*), C(DELETION_*), C(UPDATE_*).
          type: str
          returned: always
        event_message:
          description: What happened.
          type: str
          returned: always
        resource_type:
          description: Type of the resource concerned.
          type: str
          returned: for a resource's event
        resource_name:
          description: Name of the resource concerned.
          type: str
          returned: for a resource's event
        resource_id_key:
          description: Name of the resource's ID attribute.
          type: str
          returned: for a resource's event
        resource_id_value:
          description: The resource's ID.
          type: str
          returned: for a resource's event
        elapsed_seconds:
          description: How long the resource's change took.
          type: int
          returned: for the end of a resource's change
        resource_key:
          description: The instance's key (C(count) index or C(for_each) key), for an instance of a repeated resource.
          type: raw
          returned: for an instance of a repeated resource
error:
  description: The failed HTTP call, and what the service answered.
  returned: on failure of an HTTP call
  type: dict
  contains:
    status:
      description: HTTP status code.
      type: int
      returned: always
      sample: 403
    code:
      description: The service's error code (C(error_code)), or V(null).
      type: str
      returned: always
      sample: RF.10012519
    message:
      description: The service's error message, or the start of a body that is not JSON, or V(null).
      type: str
      returned: always
    request_id:
      description: The request ID to quote to support, or V(null).
      type: str
      returned: always
    method:
      description: HTTP method of the failed call.
      type: str
      returned: always
      sample: POST
    url:
      description: URL of the failed call.
      type: str
      returned: always
    body:
      description: The response body, parsed when it is JSON, otherwise its first 300 characters.
      type: raw
      returned: always
invalid_option:
  description: The option whose value broke a rule, when the task failed on it before any call.
  returned: on failure of an option check
  type: str
  sample: vars
retries:
  description: One line per retried HTTP call (what failed, and the wait before the next attempt).
  returned: at verbosity 3 (C(-vvv)) or more, when a call was retried
  type: list
  elements: str
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
