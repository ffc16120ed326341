#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: hwcloud.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: rfs_stack
short_description: Create, deploy, plan, approve, recover and delete Resource Formation Service (RFS) stacks
version_added: 0.2.0
description:
  - Manages a stack of the Resource Formation Service (RFS), which deploys the resources an HCL (Terraform) template describes.
  - A missing stack is created with the template and vars (C(POST /v1/{project_id}/stacks)) once RFS has parsed the template
    (C(POST .../template-analyses/variables)); a template that does not parse fails with RFS's message and leaves no stack.
    With O(wait=true) the module waits for C(DEPLOYMENT_COMPLETE) (C(CREATION_COMPLETE) without a template).
  - An existing stack is compared with an execution plan of exactly the template and vars given. No resource change means
    C(ok) and the plan is deleted; otherwise that very plan is applied (what was shown is what is applied). A plan that is not
    applied or kept is deleted, also when the task fails half-way. A stack in C(DEPLOYMENT_FAILED), C(ROLLBACK_FAILED) or
    C(DELETION_FAILED) gets its plan applied even without a resource change, as that is how RFS repairs it.
  - O(state=planned) makes the plan and keeps it for review under O(execution_plan_name) when it changes something; a later
    task with O(state=present) and the same O(execution_plan_name) applies exactly that plan (an approval workflow).
  - O(description), O(agencies), O(enable_auto_rollback) and O(enable_deletion_protection), when given and different from the
    stack's, are changed in place (C(PATCH), only the differing fields) before any deployment.
  - A busy stack (C(*_IN_PROGRESS)) is never deployed into, changed or deleted. With O(wait=true) the module waits for it to
    settle (on the one O(wait_timeout) budget) and decides then; with O(wait=false) the task fails. RFS answers 403 to a change
    into a busy stack; a stack that turned busy after it was read is read again and waited for in the same way.
  - Every variable given (O(vars), O(encrypted_vars), the names set in O(vars_body)) must be declared by the template (read from
    O(template_body), or asked of RFS for O(template_uri)); RFS itself would take an unknown name silently and deploy the default.
  - A failed deployment fails the task with the stack's C(status_message) and its C(ERROR) events; RV(events) holds all of
    the deployment's events, after a success too.
  - The execution plan is waited for even with O(wait=false), as the decision needs it. The first look comes after about a
    second, the next ones further apart up to O(poll_interval).
  - Every request carries a fresh C(Client-Request-Id) (a UUID), also when it is resent.
author:
  - hwcloud.cloud maintainers (@hwcloud-ansible)
options:
  stack_name:
    description:
      - Name of the stack. A letter (any script) first, then letters, digits, C(_) and C(-); at most 128 characters.
    type: str
    required: true
  stack_id:
    description:
      - ID of the stack, as a guard. When the stack named O(stack_name) has another ID, the task fails before any change.
      - With O(state=present) and no such stack, the task fails, as a new stack would get a new ID.
    type: str
  state:
    description:
      - V(present) creates the stack or brings it to the template and vars given (or applies the plan O(execution_plan_name)).
      - V(planned) makes an execution plan of the template and vars for an existing stack and keeps it when it would change
        resources (C(changed) says so); a plan without changes is deleted. Nothing is deployed.
      - V(absent) deletes the stack.
    type: str
    choices: [present, absent, planned]
    default: present
  template_body:
    description:
      - The HCL (or JSON) template text. Mutually exclusive with O(template_uri). Needed to deploy, change or plan.
    type: str
  template_uri:
    description:
      - OBS address of the template (an http or https URL). Mutually exclusive with O(template_body).
    type: str
  vars:
    description:
      - Template variables. Strings and numbers go in C(vars_structure) (numbers as strings, which RFS converts); booleans, lists
        and maps in C(vars_body) as C(.tfvars) text (maps sorted by key). At most 100 variables; none may be null.
      - Needs a template. Mutually exclusive with O(vars_body) and O(vars_uri).
    type: dict
  vars_body:
    description:
      - The text of a C(.tfvars) file. Needs a template. Mutually exclusive with O(vars) and O(vars_uri).
    type: str
  vars_uri:
    description:
      - OBS address of a C(.tfvars) file. Needs a template. Mutually exclusive with O(vars) and O(vars_body).
    type: str
  encrypted_vars:
    description:
      - Variables RFS must not store in clear text, encrypted with KMS beforehand. Each key is a variable name, each value a dictionary;
        C(value) is the variable's encrypted value, C(kms_key_id) the KMS key, C(cipher_text) the cipher text of the data key.
      - Sent as C(vars_structure) items with C(encryption.kms); RFS needs an agency for KMS to decrypt them. Never shown.
    type: dict
  execution_plan_name:
    description:
      - With O(state=planned), the name the plan is kept under (default C(ansible-) and a random UUID). A name already taken
        on the stack fails the task, and that plan is left as it is.
      - With O(state=present), apply exactly this kept plan; O(template_body), O(template_uri) and vars are not allowed with it.
        A plan already C(APPLIED) is C(ok) (two reads, nothing else). A missing plan, one whose creation failed, or one that is out
        of date (RFS refuses it with 403 as the stack changed since) fails before anything is deployed, saying which.
      - A letter first, then letters, digits, C(_) and C(-); at most 128 characters.
    type: str
  continue_failed:
    description:
      - With O(state=present), a stack in C(DEPLOYMENT_FAILED) has its deployment continued (C(/continuations)) and one in
        C(ROLLBACK_FAILED) its rollback continued (C(/rollbacks)) instead of a new plan; the task waits for either to end.
        The template and vars given are not sent. Other statuses are handled as without this option.
    type: bool
    default: false
  description:
    description:
      - Description of the stack, at most 1024 characters. Changed in place when it differs.
    type: str
  agencies:
    description:
      - IAM agencies the template's providers use. Changed in place (the whole list) when it differs.
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
      - Roll the stack back when a deployment fails. Changed in place when it differs.
    type: bool
  enable_deletion_protection:
    description:
      - Refuse deletion of the stack. Changed in place when it differs.
      - With O(state=absent), V(false) turns the protection off and then deletes the stack; a protected stack without it fails
        before any change.
    type: bool
  retain_all_resources:
    description:
      - With O(state=absent), delete the stack but keep its resources.
    type: bool
    default: false
  estimate_price:
    description:
      - Also ask RFS for the price of the execution plan, in RV(plan.price). A stack that does not exist yet has no plan, so no price.
    type: bool
    default: false
extends_documentation_fragment:
  - hwcloud.cloud.hwcloud
  - hwcloud.cloud.hwcloud.wait
attributes:
  check_mode:
    support: full
    description: Nothing is deployed, changed or deleted; for an existing stack an execution plan is made, read, priced and deleted.
  diff_mode:
    support: full
    description: Shows the execution plan's items per resource, and the settings that change.
notes:
  - RFS stores and shows variables in clear text, except O(encrypted_vars).
'''

EXAMPLES = r'''
- name: Preview a change with its price, without deploying anything
  hwcloud.cloud.rfs_stack:
    region: ap-southeast-1
    stack_name: web
    template_body: "{{ lookup('file', 'web.tf') }}"
    vars: {vpc_name: web-vpc, disk_size: 20}
    estimate_price: true
  check_mode: true
  diff: true

- name: Keep a plan for approval (changed only when it would change resources)
  hwcloud.cloud.rfs_stack:
    stack_name: web
    state: planned
    execution_plan_name: "web-{{ ansible_date_time.epoch }}"
    template_body: "{{ lookup('file', 'web.tf') }}"
    vars: {vpc_name: web-vpc, disk_size: 40}
  register: planned

- name: Once approved, apply exactly that plan
  hwcloud.cloud.rfs_stack:
    stack_name: web
    execution_plan_name: "{{ planned.plan.execution_plan_name }}"

- name: Continue a deployment that failed half-way
  hwcloud.cloud.rfs_stack:
    stack_name: web
    continue_failed: true

- name: Lift deletion protection and delete the stack, keeping its resources
  hwcloud.cloud.rfs_stack:
    stack_name: web
    state: absent
    enable_deletion_protection: false
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
      description: The string variables of the last deployment; an encrypted one without its value.
      type: list
      elements: dict
      returned: when the service returns them
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
      returned: when the service returns them
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
  description:
    - The stack's outputs; V(null) when not read.
    - Not read when O(execution_plan_name) names a plan applied before (that rerun makes two reads only).
  returned: always; a list when the stack ends in C(DEPLOYMENT_COMPLETE)
  type: list
  elements: dict
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
plan:
  description: The execution plan that decided or was applied; V(null) when no plan was made or named.
  returned: always
  type: dict
  contains:
    execution_plan_name:
      description: Name of the plan (O(execution_plan_name), or C(ansible-) and a random hexadecimal UUID).
      type: str
      returned: always
    execution_plan_id:
      description: ID of the plan.
      type: str
      returned: always
    status:
      description: Status of the plan when it was read (C(AVAILABLE), C(APPLY_IN_PROGRESS), C(APPLIED)).
      type: str
      returned: always
    summary:
      description: How many resources the plan adds, updates, deletes and imports.
      type: dict
      returned: always
      contains:
        resource_add:
          description: Resources added.
          type: int
          returned: always
        resource_update:
          description: Resources updated.
          type: int
          returned: always
        resource_delete:
          description: Resources deleted.
          type: int
          returned: always
        resource_import:
          description: Resources imported.
          type: int
          returned: always
    items:
      description:
        - One item per resource the plan touches.
        - An empty list when the summary already says nothing changes; V(null) for a kept plan applied before.
      type: list
      elements: dict
      returned: always
      contains:
        resource_type:
          description: Type of the resource.
          type: str
          returned: always
        resource_name:
          description: Name of the resource in the template.
          type: str
          returned: always
        index:
          description: The instance's index (C(count) or C(for_each)), or V(null).
          type: raw
          returned: always
        action:
          description: C(ADD), C(ADD_THEN_DELETE), C(DELETE), C(DELETE_THEN_ADD), C(UPDATE) or C(NO_OPERATION).
          type: str
          returned: always
        action_reason:
          description: Why.
          type: str
          returned: always
        provider_name:
          description: Provider of the resource.
          type: str
          returned: always
        mode:
          description: C(RESOURCE) or C(DATA).
          type: str
          returned: always
        drifted:
          description: Whether the resource drifted from its last deployment.
          type: bool
          returned: always
        imported:
          description: Whether the resource is imported.
          type: bool
          returned: always
        resource_id:
          description: ID of the resource, for one that exists.
          type: str
          returned: when it exists
        attributes:
          description: The attributes that change.
          type: list
          elements: dict
          returned: always
          contains:
            name:
              description: Name of the attribute.
              type: str
              returned: always
            previous_value:
              description: Its value now (text).
              type: str
              returned: always
            target_value:
              description: Its value after the plan (text).
              type: str
              returned: always
    price:
      description: The plan's price as RFS answers it.
      type: dict
      returned: when O(estimate_price=true) and the plan was read
      contains:
        currency:
          description: Currency of the prices, for example C(CNY).
          type: str
          returned: always
        items:
          description: One price per resource instance.
          type: list
          elements: dict
          returned: always
          contains:
            resource_type:
              description: Type of the resource.
              type: str
              returned: always
            resource_name:
              description: Name of the resource.
              type: str
              returned: always
            index:
              description: The instance's index, or V(null).
              type: raw
              returned: always
            supported:
              description: Whether RFS can price this resource.
              type: bool
              returned: always
            unsupported_message:
              description: Why not, when it cannot.
              type: str
              returned: always
            resource_price:
              description: The resource's prices.
              type: list
              elements: dict
              returned: always
              contains:
                charge_mode:
                  description: C(PRE_PAID), C(POST_PAID) or C(FREE).
                  type: str
                  returned: always
                sale_price:
                  description: The price to pay.
                  type: float
                  returned: always
                discount:
                  description: The discount.
                  type: float
                  returned: always
                original_price:
                  description: The price before the discount.
                  type: float
                  returned: always
                period_type:
                  description: The period priced (for example C(HOUR), C(MONTH)).
                  type: str
                  returned: when the resource is paid per period
                period_count:
                  description: How many periods.
                  type: int
                  returned: when the resource is paid per period
    applied:
      description: Whether the plan was applied (by this task, or before it for O(execution_plan_name)).
      type: bool
      returned: always
    deleted:
      description: Whether the plan was deleted (every plan that is not applied or kept is).
      type: bool
      returned: always
    kept:
      description: With O(state=planned), whether the plan was kept for review (it changes something, and not in check mode).
      type: bool
      returned: with O(state=planned)
settings:
  description: The stack settings changed in place (or that would be, in check mode), only those that differ; empty when none.
  returned: always
  type: dict
  sample: {enable_deletion_protection: true}
  contains:
    description:
      description: The new description.
      type: str
      returned: when it changes
    enable_deletion_protection:
      description: The new deletion protection.
      type: bool
      returned: when it changes
    enable_auto_rollback:
      description: The new auto-rollback setting.
      type: bool
      returned: when it changes
    agencies:
      description: The new agencies (C(provider_name), C(agency_name)), the whole list.
      type: list
      elements: dict
      returned: when they change
      contains:
        provider_name:
          description: Provider the agency is for.
          type: str
          returned: always
        agency_name:
          description: Name of the IAM agency.
          type: str
          returned: always
deployment_id:
  description: ID of the deployment started by the create, the apply or the continuation; V(null) when nothing was deployed,
    or when a lost answer was settled by re-reading the stack.
  returned: always
  type: str
events:
  description:
    - Every event of the deployment this task started and waited for, newest first; on a failed deployment too.
      V(null) when there was none, or without O(wait).
  returned: always
  type: list
  elements: dict
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
stale_plan:
  description: V(true) when the plan named by O(execution_plan_name) was refused as out of date.
  returned: on that failure
  type: bool
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

from ansible_collections.hwcloud.cloud.plugins.module_utils import rfs, rfs_flow, rfs_options, rfs_plan, rfs_vars
from ansible_collections.hwcloud.cloud.plugins.module_utils.errors import HwCloudError
from ansible_collections.hwcloud.cloud.plugins.module_utils.module import HwCloudModule
from ansible_collections.hwcloud.cloud.plugins.module_utils.names import did_you_mean
# A change refused with 403 because the stack turned busy after it was read: read, settle and decide again, this often.
MAX_BUSY_REFUSALS = 3


class RfsStackModule(HwCloudModule):
    service = 'rfs'
    argument_spec = dict(
        stack_name=dict(type='str', required=True),
        stack_id=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent', 'planned']),
        template_body=dict(type='str'),
        template_uri=dict(type='str'),
        vars=dict(type='dict'),
        vars_body=dict(type='str'),
        vars_uri=dict(type='str'),
        encrypted_vars=dict(type='dict', no_log=True),
        execution_plan_name=dict(type='str'),
        continue_failed=dict(type='bool', default=False),
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
        rfs_options.check_options(self.params)

    # -------------------------------------------------------------- what the task gives

    def given_variables(self):
        return rfs_options.given_variables(self.params)

    def deployment_fields(self):
        params = self.params
        return rfs_vars.deployment_fields(params['template_body'], params['template_uri'], params['vars'], params['vars_body'],
                                          params['vars_uri'], params['encrypted_vars'])

    def settings(self):
        return dict((option, self.params[option]) for option in rfs_flow.SETTINGS)

    def has_template(self):
        return rfs_options.has_template(self.params)

    def guard(self, stack):
        wanted = self.params['stack_id']
        if wanted and stack is not None and stack.get('stack_id') != wanted:
            raise HwCloudError('RFS stack %s has the ID %s, not the stack_id %s given: nothing was changed.'
                               % (self.params['stack_name'], stack.get('stack_id'), wanted), details=self.empty_result(stack))

    def empty_result(self, stack):
        return dict(stack=stack, outputs=None, plan=None, deployment_id=None, events=None, settings={})

    # -------------------------------------------------------------- read, settle, decide

    def run(self):
        self.require_project_id('for RFS calls')
        service = rfs.RfsService(self.client, self.endpoint, self.project_id)
        name = self.params['stack_name']
        refusals = 0
        while True:
            stack = service.get_stack(name)
            self.guard(stack)
            if rfs.stack_status(stack) in rfs.IN_PROGRESS:
                stack = rfs_flow.settle(self, service, name, stack, self.empty_result(stack))
                self.guard(stack)
            try:
                return self.decide(service, stack)
            except HwCloudError as error:
                # RFS answers 403 to a change into a busy stack: one that turned busy after it was read is read, settled and decided again.
                if not rfs.is_refusal(error) or refusals >= MAX_BUSY_REFUSALS:
                    raise
                if rfs.stack_status(service.get_stack(name)) not in rfs.IN_PROGRESS:
                    raise
                refusals += 1
                self.module.log('%s; the stack is busy: reading it again' % error.message)

    def decide(self, service, stack):
        state = self.params['state']
        if state == 'absent':
            return rfs_flow.absent(self, service, self.params['stack_name'], stack, dict(self.empty_result(stack), changed=stack is not None))
        if stack is None:
            return self.create(service)
        if state == 'planned':
            return self.planned(service, stack)
        return self.update(service, stack)

    def closest_stacks(self, service):
        """`` Did you mean 'x'?`` for a stack name that matches none of the project's stacks, read only on this failure path."""
        hint = did_you_mean(self.params['stack_name'], [stack.get('stack_name') for stack in service.list_stacks()])
        return ' Did you mean %s' % hint.split('did you mean ', 1)[1] if hint else ''

    def create(self, service):
        name, params = self.params['stack_name'], self.params
        for option, why in (('stack_id', 'a new stack gets a new ID'), ('execution_plan_name', 'a plan needs an existing stack')):
            if params[option]:
                raise HwCloudError('RFS stack %s does not exist, and %s %s is given: %s, so nothing was done.%s'
                                   % (name, option, params[option], why, self.closest_stacks(service)), details=self.empty_result(None))
        if params['state'] == 'planned':
            raise HwCloudError('RFS stack %s does not exist: RFS makes plans only for an existing stack. Create it with state: present '
                               '(without a template for an empty stack), then plan.%s' % (name, self.closest_stacks(service)),
                               details=self.empty_result(None))
        result = dict(self.empty_result(None), changed=True)
        if params['estimate_price']:
            self.module.warn('estimate_price: RFS prices execution plans, and a plan needs an existing stack; '
                             'stack %s does not exist yet, so there is no price.' % name)
        fields = self.deployment_fields()
        if self.has_template():
            # RFS parses the template only once the stack exists: asked first, a template error leaves no stack behind.
            rfs_vars.check_declared(self.given_variables(), rfs_flow.check_template(service, fields))
        if self.module._diff:  # pylint: disable=protected-access
            result['diff'] = rfs_flow.status_diff(name, rfs.ABSENT, rfs.DEPLOYMENT_COMPLETE if self.has_template() else rfs.CREATION_COMPLETE)
        if self.check_mode:
            return result
        body = rfs_flow.creation_body(name, fields, self.settings())
        result['stack'], result['deployment_id'] = rfs_flow.create_stack(self, service, body, self.has_template(), self.params['wait'])
        return self.after_deployment(service, result)

    def check_template_uri_variables(self, service):
        if self.params['template_uri'] and self.given_variables():
            rfs_vars.check_declared(self.given_variables(), rfs_flow.check_template(service, {'template_uri': self.params['template_uri']}))

    def planned(self, service, stack):
        name = self.params['stack_name']
        result = dict(self.empty_result(stack), changed=False)
        self.check_template_uri_variables(service)
        with rfs_plan.PlanFlow(self, service, name, stack.get('stack_id'), self.deployment_fields(), name=self.params['execution_plan_name']) as flow:
            result['plan'] = flow.make(price=self.params['estimate_price'])
            result['changed'] = rfs_plan.plan_changes(result['plan']) or rfs.stack_status(stack) in rfs.BROKEN
            if self.module._diff:  # pylint: disable=protected-access
                result['diff'] = rfs_plan.plan_diff(name, result['plan'])
            if result['changed'] and not self.check_mode:
                flow.keep()
        result['plan']['kept'] = flow.kept
        return result

    def update(self, service, stack):
        name, before = self.params['stack_name'], stack
        result = dict(self.empty_result(stack), changed=False)
        result['settings'] = rfs_flow.settings_changes(stack, self.settings())
        result['changed'] = bool(result['settings'])
        rfs_flow.check_settings(name, stack, result['settings'])
        if result['settings'] and not self.check_mode:
            stack = result['stack'] = rfs_flow.update_settings(self, service, name, stack, result['settings'])
        if self.params['execution_plan_name']:
            deployed = rfs_plan.apply_by_name(self, service, name, stack, result)
            return self.after_deployment(service, result) if deployed else result
        if self.params['continue_failed'] and rfs.stack_status(stack) in rfs_flow.RECOVERIES:
            rfs_flow.continue_failed(self, service, name, stack, result)
            return result if self.check_mode else self.after_deployment(service, result)
        if not self.has_template():
            if rfs.stack_status(stack) in rfs.BROKEN:
                self.module.warn('RFS stack %s is %s (%s); give its template to deploy it again, or set continue_failed: true.'
                                 % (name, stack['status'], stack.get('status_message') or 'no status message'))
            self.with_diff(result, before)
            return self.with_outputs(service, result)
        self.check_template_uri_variables(service)
        with rfs_plan.PlanFlow(self, service, name, stack.get('stack_id'), self.deployment_fields()) as flow:
            result['plan'] = flow.make(price=self.params['estimate_price'])
            deploy = rfs_plan.plan_changes(result['plan']) or rfs.stack_status(stack) in rfs.BROKEN
            result['changed'] = result['changed'] or deploy
            self.with_diff(result, before)
            if deploy and not self.check_mode:
                result['deployment_id'] = flow.apply()
        if result['plan']['applied']:
            result['stack'] = flow.follow(stack, self.params['wait'])
            return self.after_deployment(service, result)
        return self.with_outputs(service, result)

    def with_diff(self, result, stack):
        if not self.module._diff:  # pylint: disable=protected-access
            return
        diff = rfs_plan.plan_diff(self.params['stack_name'], result['plan']) if result['plan'] else {'before': {}, 'after': {}}
        if result['settings']:
            before_after = rfs_flow.settings_diff(stack, result['settings'])
            diff['before']['settings'], diff['after']['settings'] = before_after['before'], before_after['after']
        result['diff'] = diff

    def after_deployment(self, service, result):
        stack = result['stack']
        if self.params['wait'] and stack is not None:
            result['events'] = service.deployment_events(self.params['stack_name'], stack.get('stack_id'), result['deployment_id'])
        return self.with_outputs(service, result)

    def with_outputs(self, service, result):
        result['outputs'] = rfs_flow.outputs_of(service, self.params['stack_name'], result['stack'])
        return result


def main():
    RfsStackModule()()


if __name__ == '__main__':
    main()
