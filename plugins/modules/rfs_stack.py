#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rfs_stack
short_description: Create, deploy, preview and delete Resource Formation Service (RFS) stacks
version_added: 0.2.0
description:
  - Manages a stack of the Resource Formation Service (RFS), the Huawei Cloud service that deploys
    resources described by an HCL (Terraform) template and its variables.
  - A missing stack is created with the template and vars (C(POST /v1/{project_id}/stacks)); with
    O(wait=true) the module waits for C(DEPLOYMENT_COMPLETE), or C(CREATION_COMPLETE) for a stack created without a template.
  - An existing stack is compared with an execution plan of exactly the template and vars given.
    A plan without resource changes means C(ok); the plan is deleted. Otherwise that very plan is
    applied (what was shown is what is applied) and, with O(wait=true), the deployment waited for.
    A plan that is not applied is deleted, also when the task fails half-way.
  - A stack whose last deployment or deletion failed (C(DEPLOYMENT_FAILED), C(ROLLBACK_FAILED),
    C(DELETION_FAILED)) is not what O(state=present) asks for, so its plan is applied even when it
    shows no resource change; applying a plan is how RFS repairs it.
  - A stack that is busy (C(*_IN_PROGRESS)) is never deployed into or deleted. With O(wait=true) the
    module waits for it to settle (on the same O(wait_timeout) budget) and decides then; with
    O(wait=false) the task fails.
  - A deployment that fails fails the task with the stack's C(status_message) and the text of the
    stack's C(ERROR) events of that deployment.
  - Without a template an existing stack is left as it is (there is nothing to compare it with).
    O(description), O(agencies), O(enable_auto_rollback) and O(enable_deletion_protection) are
    used when the stack is created; on an existing stack a different value gives a warning, as RFS
    changes them with a call of its own, not with a deployment.
  - Supports check mode (nothing is deployed or deleted; for an existing stack the plan is made,
    read, priced with O(estimate_price), and deleted) and diff mode (the plan's items per resource).
  - The execution plan is waited for even with O(wait=false), as the decision needs it; O(wait)
    is about the deployment or deletion that follows, and about settling a busy stack first.
  - Every request carries a fresh C(Client-Request-Id) (a UUID), also when it is resent.
  - An existing stack costs five calls when nothing changes (read the stack, create the plan,
    read the plan once it is C(AVAILABLE), delete the plan, read the outputs) plus one per extra
    poll while the plan is being made.
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stack_name:
    description:
      - Name of the stack; RFS addresses stacks by name. A letter (any script) first, then letters,
        digits, C(_) and C(-); at most 128 characters; case-sensitive.
    type: str
    required: true
  stack_id:
    description:
      - ID of the stack, as a guard. When the stack named O(stack_name) has another ID, the task fails
        before any change; it is sent wherever the API takes it.
      - With O(state=present) and no such stack, the task fails, as a new stack would get a new ID.
    type: str
  state:
    description:
      - V(present) creates the stack or brings it to the template and vars given; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  template_body:
    description:
      - The HCL (or JSON) template text. Mutually exclusive with O(template_uri).
      - One of them is needed to deploy or to change a stack.
    type: str
  template_uri:
    description:
      - OBS address of the template (an http or https URL). Mutually exclusive with O(template_body).
    type: str
  vars:
    description:
      - Template variables. Strings and numbers are sent in C(vars_structure) (numbers as strings,
        which RFS converts); booleans, lists and maps are sent in C(vars_body) as C(.tfvars) text
        (maps sorted by key, so the same vars always give the same text). At most 100 variables; none may be null.
      - Needs a template. Mutually exclusive with O(vars_body) and O(vars_uri).
    type: dict
  vars_body:
    description:
      - The text of a C(.tfvars) file. Needs a template. Mutually exclusive with O(vars) and O(vars_uri).
    type: str
  vars_uri:
    description:
      - OBS address of a C(.tfvars) file (an http or https URL). Needs a template.
        Mutually exclusive with O(vars) and O(vars_body).
    type: str
  description:
    description:
      - Description of the stack, at most 1024 characters. Used when the stack is created.
    type: str
  agencies:
    description:
      - IAM agencies the providers of the template use. Used when the stack is created.
    type: list
    elements: dict
    suboptions:
      provider_name:
        description: Provider the agency is for, for example C(huaweicloud).
        type: str
        required: true
      agency_name:
        description: Name of the IAM agency.
        type: str
        required: true
  enable_auto_rollback:
    description:
      - Roll the stack back when a deployment fails. Used when the stack is created.
    type: bool
  enable_deletion_protection:
    description:
      - Refuse deletion of the stack. Used when the stack is created.
    type: bool
  retain_all_resources:
    description:
      - With O(state=absent), delete the stack but keep its resources.
    type: bool
    default: false
  estimate_price:
    description:
      - Also ask RFS for the price of the execution plan and return it in RV(plan.price).
      - Prices the plan whenever one is made, in check mode (the preview) and in a real run (the
        price of what is applied). A stack that does not exist yet has no plan and so no price; the task warns.
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is deployed or deleted; for an existing stack an execution plan is made, read, priced and deleted.
  diff_mode:
    support: full
    description: Shows the execution plan's items, per resource, with their attributes before and after.
notes:
  - RFS stores and shows variables in clear text.
'''

EXAMPLES = r'''
- name: Preview a change with its price, without deploying anything
  hwcloud.cloud.rfs_stack:
    region: ap-southeast-1
    stack_name: web
    template_body: "{{ lookup('file', 'web.tf') }}"
    vars:
      vpc_name: web-vpc
      disk_size: 20
      tags: {env: prod}
    estimate_price: true
  check_mode: true
  diff: true
  register: preview

- name: Apply it (the plan that decides is the plan that is applied)
  hwcloud.cloud.rfs_stack:
    stack_name: web
    template_body: "{{ lookup('file', 'web.tf') }}"
    vars:
      vpc_name: web-vpc
      disk_size: 20
      tags: {env: prod}

- name: Delete the stack but keep its resources
  hwcloud.cloud.rfs_stack:
    stack_name: web
    state: absent
    retain_all_resources: true
'''

RETURN = r'''
stack:
  description: The stack's metadata as last read (snake_case, as RFS answers); V(null) when it does not exist.
  returned: always
  type: dict
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
      description: The string variables of the last deployment (C(var_key), C(var_value)).
      type: list
      elements: dict
      returned: when the service returns them
    vars_body:
      description: The C(.tfvars) text of the last deployment.
      type: str
      returned: when the service returns it
    agencies:
      description: The stack's agencies (C(provider_name), C(agency_name)).
      type: list
      elements: dict
      returned: when the service returns them
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
  description: The stack's outputs (C(name), C(description), C(type), C(value), C(sensitive)); V(null) when not read.
  returned: always; a list when the stack ends in C(DEPLOYMENT_COMPLETE)
  type: list
  elements: dict
plan:
  description: The execution plan that decided; V(null) when no plan was made (a new stack, O(state=absent), no template).
  returned: always
  type: dict
  contains:
    execution_plan_name:
      description: Name of the plan (C(ansible-) and a random hexadecimal UUID).
      type: str
      returned: always
    execution_plan_id:
      description: ID of the plan.
      type: str
      returned: always
    status:
      description: Status of the plan when it was read (C(AVAILABLE)).
      type: str
      returned: always
    summary:
      description: Counts C(resource_add), C(resource_update), C(resource_delete), C(resource_import).
      type: dict
      returned: always
    items:
      description:
        - One item per resource the plan touches (C(resource_type), C(resource_name), C(index), C(action)
          (C(ADD), C(ADD_THEN_DELETE), C(DELETE), C(DELETE_THEN_ADD), C(UPDATE), C(NO_OPERATION)), C(action_reason),
          C(resource_id), C(attributes) with C(name), C(previous_value), C(target_value)).
        - Not read when the summary already says nothing changes (an empty list).
      type: list
      elements: dict
      returned: always
    price:
      description: The plan's price as RFS answers it (C(currency), C(items) with C(resource_price) per resource).
      type: dict
      returned: when O(estimate_price=true)
    applied:
      description: Whether the plan was applied.
      type: bool
      returned: always
    deleted:
      description: Whether the plan was deleted (every plan that is not applied is).
      type: bool
      returned: always
deployment_id:
  description: ID of the deployment started by the create or the apply; V(null) when nothing was deployed,
    or when a lost answer was settled by re-reading the stack.
  returned: always
  type: str
error:
  description: The HTTP status, service error code and message, and request ID of a failed call.
  returned: on failure of an HTTP call
  type: dict
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
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError, InvalidOptionError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.validation import check_length, check_not_blank, check_url

DEPLOYMENT_OPTIONS = ('template_body', 'template_uri', 'vars', 'vars_body', 'vars_uri')
VARS_OPTIONS = ('vars', 'vars_body', 'vars_uri')


class RfsStackModule(HwCloudModule):
    service = 'rfs'
    argument_spec = dict(
        stack_name=dict(type='str', required=True),
        stack_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        template_body=dict(type='str'),
        template_uri=dict(type='str'),
        vars=dict(type='dict'),
        vars_body=dict(type='str'),
        vars_uri=dict(type='str'),
        description=dict(type='str'),
        agencies=dict(type='list', elements='dict', options=dict(
            provider_name=dict(type='str', required=True),
            agency_name=dict(type='str', required=True),
        )),
        enable_auto_rollback=dict(type='bool'),
        enable_deletion_protection=dict(type='bool'),
        retain_all_resources=dict(type='bool', default=False),
        estimate_price=dict(type='bool', default=False),
    )
    module_kwargs = dict(mutually_exclusive=[('template_body', 'template_uri'), ('vars', 'vars_body', 'vars_uri')])

    def validate(self):
        params = self.params
        rfs.check_name('stack_name', params['stack_name'])
        check_not_blank('stack_id', params['stack_id'])
        check_length('stack_id', params['stack_id'], 1, 64)
        check_not_blank('template_body', params['template_body'])
        check_url('template_uri', params['template_uri'])
        check_url('vars_uri', params['vars_uri'])
        check_length('description', params['description'], 0, rfs.MAX_DESCRIPTION)
        rfs.check_vars('vars', params['vars'])
        for index, agency in enumerate(params['agencies'] or []):
            check_not_blank('agencies[%d].provider_name' % index, agency['provider_name'])
            check_not_blank('agencies[%d].agency_name' % index, agency['agency_name'])
        if params['state'] == 'absent':
            for option in DEPLOYMENT_OPTIONS + ('estimate_price',):
                if params[option]:
                    raise InvalidOptionError(option, params[option], 'it is only used with state present')
        elif params['retain_all_resources']:
            raise InvalidOptionError('retain_all_resources', True, 'it is only used with state absent')
        if not params['template_body'] and not params['template_uri']:
            for option in VARS_OPTIONS:
                if params[option] is not None:
                    raise InvalidOptionError(option, params[option], 'variables need a template: set template_body or template_uri')

    def deployment_fields(self):
        params = self.params
        return rfs.deployment_fields(params['template_body'], params['template_uri'], params['vars'], params['vars_body'], params['vars_uri'])

    def creation_options(self):
        return dict((option, self.params[option]) for option in rfs.CREATION_OPTIONS)

    def has_template(self):
        return bool(self.params['template_body'] or self.params['template_uri'])

    def guard(self, stack):
        wanted = self.params['stack_id']
        if wanted and stack is not None and stack.get('stack_id') != wanted:
            raise HwCloudError('RFS stack %s has the ID %s, not the stack_id %s given: nothing was changed.'
                               % (self.params['stack_name'], stack.get('stack_id'), wanted), details=self.empty_result(stack))

    def empty_result(self, stack):
        return dict(stack=stack, outputs=None, plan=None, deployment_id=None)

    def run(self):
        self.require_project_id('for RFS calls')
        name = self.params['stack_name']
        service = rfs.RfsService(self.client, self.endpoint, self.project_id)
        stack = service.get_stack(name)
        self.guard(stack)
        if rfs.stack_status(stack) in rfs.IN_PROGRESS:
            stack = rfs.settle_stack(service, name, stack, self.waiting(), self.empty_result(stack))
            self.guard(stack)
        if self.params['state'] == 'absent':
            return self.absent(service, stack)
        if stack is None:
            return self.create(service)
        return self.update(service, stack)

    def waiting(self):
        """What ``rfs`` flows wait with: the task's ``wait_for``, or ``None`` to read the stack once."""
        return self.wait_for if self.params['wait'] else None

    def absent(self, service, stack):
        name = self.params['stack_name']
        result = dict(self.empty_result(stack), changed=stack is not None)
        if self.module._diff:  # pylint: disable=protected-access
            result['diff'] = rfs.status_diff(name, rfs.stack_status(stack), rfs.ABSENT)
        if stack is None or self.check_mode:
            return result
        result['stack'] = rfs.delete_stack(service, name, stack, self.params['retain_all_resources'], self.waiting())
        return result

    def create(self, service):
        name = self.params['stack_name']
        if self.params['stack_id']:
            raise HwCloudError('RFS stack %s does not exist, and stack_id %s is given: a new stack gets a new ID, so none is created. '
                               'Leave stack_id out to create it.' % (name, self.params['stack_id']), details=self.empty_result(None))
        result = dict(self.empty_result(None), changed=True)
        if self.params['estimate_price']:
            self.module.warn('estimate_price: RFS prices execution plans, and a plan needs an existing stack; '
                             'stack %s does not exist yet, so there is no price.' % name)
        if self.module._diff:  # pylint: disable=protected-access
            result['diff'] = rfs.status_diff(name, rfs.ABSENT, rfs.DEPLOYMENT_COMPLETE if self.has_template() else rfs.CREATION_COMPLETE)
        if self.check_mode:
            return result
        body = rfs.creation_body(name, self.deployment_fields(), self.creation_options())
        result['stack'], result['deployment_id'] = rfs.create_stack(service, body, self.has_template(), self.waiting())
        return self.with_outputs(service, result)

    def update(self, service, stack):
        name, stack_id = self.params['stack_name'], stack.get('stack_id')
        for warning in rfs.creation_options_unchanged(stack, self.creation_options()):
            self.module.warn(warning)
        result = dict(self.empty_result(stack), changed=False)
        if not self.has_template():
            if rfs.stack_status(stack) in rfs.BROKEN:
                self.module.warn('RFS stack %s is %s (%s); give its template to deploy it again.'
                                 % (name, stack['status'], stack.get('status_message') or 'no status message'))
            return self.with_outputs(service, result)
        with rfs.PlanFlow(service, name, stack_id, self.deployment_fields(), self.wait_for) as flow:
            result['plan'] = flow.make(price=self.params['estimate_price'])
            result['changed'] = rfs.plan_changes(result['plan']) or rfs.stack_status(stack) in rfs.BROKEN
            if self.module._diff:  # pylint: disable=protected-access
                result['diff'] = rfs.plan_diff(name, result['plan'])
            if result['changed'] and not self.check_mode:
                result['deployment_id'] = flow.apply()
        if result['plan']['applied']:
            result['stack'] = flow.follow(stack, self.params['wait'])
        return self.with_outputs(service, result)

    def with_outputs(self, service, result):
        result['outputs'] = rfs.outputs_of(service, self.params['stack_name'], result['stack'])
        return result


def main():
    RfsStackModule()()


if __name__ == '__main__':
    main()
