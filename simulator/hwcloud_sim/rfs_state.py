"""RFS stacks, deployments and execution plans of the simulator (shared/api/rfs.md).

The model lives beside State (``state.rfs``) and shares its lock, clock and
transition settings. Like the rest of the simulator it has no threads: a stack
that is deploying carries a ``_run`` with an end time, and ``settle()`` finishes
whatever is due before any read or change.

A stack's resources are what its last successful deployment made of its template
and vars (hcl.desired_state). A plan or a deployment compares them with the
instances of the template and vars it is given: that difference is the plan's
items and the deployment's events.

This file holds the stacks (seed, reads, changes, control); rfs_runs.py how
deployments, rollbacks and deletions run; rfs_plans.py the execution plans;
rfs_diff.py the plan arithmetic; rfs_base.py the codes and helpers they share.
"""

import copy

from . import hcl
from .rfs_base import (DELETION_PROTECTED, DEPLOYMENT_MISSING, ID_MISMATCH, NAME_TAKEN, PLAN_MISSING, STACK_BUSY, STACK_MISSING, URI_NOT_FETCHABLE,
                       WRONG_STATUS, RfsError, check_seed_id, check_seed_keys, epoch_or, new_id, rfs_time)
from .rfs_diff import EVENTS_OF_ACTION, FAIL_ATTRIBUTE, given_vars, item_index, plan_target, public_config, sort_key
from .rfs_plans import PlansMixin
from .rfs_runs import RunsMixin

SEED_KEYS = ("rfs_stacks", "rfs_retained_resources", "rfs_uris")

BUSY = ("DEPLOYMENT_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "DELETION_IN_PROGRESS")
SETTLED = ("CREATION_COMPLETE", "DEPLOYMENT_COMPLETE", "DEPLOYMENT_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETION_FAILED")
STATUSES = SETTLED + BUSY

# Keys that steer the simulator: accepted in seeds and upserts, never in API answers.
STEERING_KEYS = ("transition_seconds", "fail_next_deployment", "fail_next_rollback", "fail_next_deletion", "deployment_start_delay")
STACK_SEED_KEYS = ("project_id", "stack_id", "stack_name", "description", "status", "status_message", "agencies",
                   "enable_deletion_protection", "enable_auto_rollback", "template_body", "vars_structure", "vars_body",
                   "vars_uri_content", "create_time", "update_time", "execution_plans") + STEERING_KEYS


class RfsModel(RunsMixin, PlansMixin):
    """Every RFS stack of the simulator, keyed by (project_id, stack_name)."""

    def __init__(self, state):
        self.state = state
        self.stacks = {}
        self.retained = []
        self.uris = {}
        self._seq = 0

    def next_seq(self):
        """A number that orders stacks and plans made in the same instant by creation."""
        self._seq += 1
        return self._seq

    # ------------------------------------------------------------------ seed

    def load(self, seed, now):
        self.stacks = {}
        self._seq = 0
        retained = seed.get("rfs_retained_resources") or []
        uris = seed.get("rfs_uris") or {}
        if not isinstance(retained, list) or not isinstance(uris, dict):
            raise ValueError("rfs_retained_resources must be a list and rfs_uris an object")
        if not all(isinstance(v, str) for v in uris.values()):
            raise ValueError("rfs_uris maps a URI to its content (a string)")
        self.retained = copy.deepcopy(retained)
        self.uris = dict(uris)
        stacks = seed.get("rfs_stacks") or []
        if not isinstance(stacks, list):
            raise ValueError("rfs_stacks must be a list of objects")
        for index, spec in enumerate(stacks):
            self._seed_stack(copy.deepcopy(spec), now, "rfs_stacks[%d]" % index)
        page_cap = self.state.settings.get("rfs_page_cap")
        if page_cap is not None and (not isinstance(page_cap, int) or isinstance(page_cap, bool) or page_cap < 1):
            raise ValueError("settings.rfs_page_cap must be an integer >= 1")

    def _seed_stack(self, spec, now, where):
        check_seed_keys(spec, STACK_SEED_KEYS, where)
        check_seed_id(spec, "stack_id", where)
        for key in ("transition_seconds", "deployment_start_delay"):
            if spec.get(key) is not None:
                float(spec[key])
        name = spec.get("stack_name")
        if not isinstance(name, str) or not name:
            raise ValueError("%s needs a stack_name" % where)
        project = spec.get("project_id") or self.state.default_project_id()
        if (project, name) in self.stacks:
            raise ValueError("%s: stack %s is seeded twice" % (where, name))
        status = spec.get("status") or ("DEPLOYMENT_COMPLETE" if spec.get("template_body") else "CREATION_COMPLETE")
        if status not in STATUSES:
            raise ValueError("%s: status must be one of %s" % (where, ", ".join(STATUSES)))
        created = epoch_or(spec.get("create_time"), now)
        stack = self._new_stack(project, name, spec, created)
        stack["stack_id"] = spec.get("stack_id") or stack["stack_id"]
        stack["update_time"] = epoch_or(spec.get("update_time"), created)
        for key in STEERING_KEYS:
            if spec.get(key) is not None:
                stack[key] = spec[key]
        config = None
        if spec.get("template_body") is not None:
            config = self._config_of(spec)
            # A stack seeded as deploying gets its template from that deployment, not before it.
            if status != "DEPLOYMENT_IN_PROGRESS":
                self._apply_config(stack, config, where)
        self.stacks[(project, name)] = stack
        self._set_status(stack, status, spec.get("status_message"), config, now)
        for index, plan in enumerate(spec.get("execution_plans") or []):
            self._seed_plan(stack, copy.deepcopy(plan), now, "%s.execution_plans[%d]" % (where, index))
        return stack

    @staticmethod
    def _config_of(spec):
        return {key: spec.get(key) for key in ("template_body", "vars_structure", "vars_body", "vars_uri_content")}

    def _apply_config(self, stack, config, where):
        instances, problem = plan_target(config)
        if problem:
            raise ValueError("%s: %s" % (where, problem))
        stack["resources"] = self._resources_after(stack.get("resources") or {}, instances, "CREATION_COMPLETE")
        stack["shown"] = copy.deepcopy(config)
        stack["deployed"] = copy.deepcopy(config)

    def _set_status(self, stack, status, message, config, now):
        """Give a seeded or upserted stack ``status``, starting the transition a busy status implies."""
        stack["_run"] = None
        stack["status"] = status
        stack["status_message"] = message or ""
        if status.endswith("_FAILED"):
            stack["status_message"] = message or "seeded as %s" % status
            if status == "DEPLOYMENT_FAILED":
                # A continuation retries the failed deployment: the seeded template, else the one last shown.
                stack["_failed_config"] = copy.deepcopy(config or stack.get("shown") or self._config_of({}))
            deployment_id = new_id()
            stack["last_deployment_id"] = deployment_id
            self._event(stack, now, deployment_id, "ERROR", stack["status_message"])
        elif status == "DEPLOYMENT_IN_PROGRESS":
            target = config or stack.get("shown") or {"template_body": None}
            self._start_deployment(stack, target, now)
        elif status == "ROLLBACK_IN_PROGRESS":
            self._start_rollback(stack, now, now, stack.get("last_deployment_id") or new_id())
        elif status == "DELETION_IN_PROGRESS":
            self._start_deletion(stack, now, retain=False)

    def _new_stack(self, project, name, body, now):
        return {
            "_seq": self.next_seq(),
            "project_id": project,
            "stack_id": new_id(),
            "stack_name": name,
            "description": body.get("description") or "",
            "agencies": copy.deepcopy(body.get("agencies") or []),
            "enable_deletion_protection": body.get("enable_deletion_protection") is True,
            "enable_auto_rollback": body.get("enable_auto_rollback") is True,
            "status": "CREATION_COMPLETE",
            "status_message": "",
            "create_time": now,
            "update_time": now,
            "shown": None,
            "deployed": None,
            "resources": {},
            "events": [],
            "plans": {},
            "generation": 0,
            "last_deployment_id": None,
            "_failed_config": None,
            "_run": None,
        }

    def export(self):
        stacks = []
        for stack in sorted(self.stacks.values(), key=lambda s: s["_seq"]):
            item = {
                "project_id": stack["project_id"], "stack_id": stack["stack_id"], "stack_name": stack["stack_name"],
                "description": stack["description"], "status": stack["status"], "status_message": stack["status_message"],
                "agencies": copy.deepcopy(stack["agencies"]),
                "enable_deletion_protection": stack["enable_deletion_protection"],
                "enable_auto_rollback": stack["enable_auto_rollback"],
                "create_time": rfs_time(stack["create_time"]), "update_time": rfs_time(stack["update_time"]),
            }
            if stack["deployed"]:
                item.update({k: copy.deepcopy(v) for k, v in stack["deployed"].items() if v is not None})
            for key in STEERING_KEYS:
                if stack.get(key) is not None:
                    item[key] = stack[key]
            item["execution_plans"] = [self._export_plan(p) for p in stack["plans"].values()]
            stacks.append(item)
        return {"rfs_stacks": stacks, "rfs_retained_resources": copy.deepcopy(self.retained), "rfs_uris": dict(self.uris)}

    # ------------------------------------------------------------- lookups

    def _settled(self):
        now = self.state.clock()
        self.settle(now)
        return now

    def find(self, project, name, stack_id=None):
        stack = self.stacks.get((project, name))
        if stack is None:
            raise RfsError(404, STACK_MISSING, "stack %s does not exist" % name)
        if stack_id is not None and stack_id != stack["stack_id"]:
            raise RfsError(400, ID_MISMATCH, "stack_id %s does not match the id %s of stack %s" % (stack_id, stack["stack_id"], name))
        return stack

    @staticmethod
    def find_plan(stack, plan_name, plan_id=None):
        plan = stack["plans"].get(plan_name)
        if plan is None:
            raise RfsError(404, PLAN_MISSING, "execution plan %s of stack %s does not exist" % (plan_name, stack["stack_name"]))
        if plan_id is not None and plan_id != plan["execution_plan_id"]:
            raise RfsError(400, ID_MISMATCH, "execution_plan_id %s does not match the id %s of execution plan %s" % (
                plan_id, plan["execution_plan_id"], plan_name))
        return plan

    @staticmethod
    def _not_busy(stack, doing):
        if stack["status"] in BUSY:
            raise RfsError(403, STACK_BUSY, "stack %s is %s: cannot %s until it settles" % (stack["stack_name"], stack["status"], doing))

    def fetch_uri(self, uri, field):
        if uri not in self.uris:
            raise RfsError(400, URI_NOT_FETCHABLE, "%s %s cannot be fetched: the simulator serves only the URIs seeded in rfs_uris" % (field, uri))
        return self.uris[uri]

    # ---------------------------------------------------------------- stacks

    def list_stacks(self, project):
        with self.state.lock:
            self._settled()
            # Newest first, as the service lists them; the keys are what the list's markers point into.
            return sorted(([-s["create_time"], -s["_seq"]], self.stack_summary(s)) for s in self.stacks.values()
                          if s["project_id"] == project)

    @staticmethod
    def stack_summary(stack):
        return {"stack_name": stack["stack_name"], "stack_id": stack["stack_id"], "status": stack["status"],
                "status_message": stack["status_message"], "description": stack["description"],
                "create_time": rfs_time(stack["create_time"]), "update_time": rfs_time(stack["update_time"])}

    def metadata(self, project, name, stack_id):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            stale = stack.get("_stale")
            if stale is not None and now < stale["until"]:
                return copy.deepcopy(stale["answer"])
            return self._metadata_of(stack)

    def _metadata_of(self, stack):
        answer = self.stack_summary(stack)
        answer.update({"agencies": copy.deepcopy(stack["agencies"]),
                       "enable_deletion_protection": stack["enable_deletion_protection"],
                       "enable_auto_rollback": stack["enable_auto_rollback"]})
        answer.update(public_config(stack["shown"]))
        return answer

    def create_stack(self, project, body, config):
        with self.state.lock:
            now = self._settled()
            name = body["stack_name"]
            if (project, name) in self.stacks:
                raise RfsError(409, NAME_TAKEN, "stack %s already exists" % name)
            stack = self._new_stack(project, name, body, now)
            self.stacks[(project, name)] = stack
            deployment_id = self._start_deployment(stack, config, now) if config else None
            return stack["stack_id"], deployment_id

    def update_stack(self, project, name, body):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, body.get("stack_id"))
            self._not_busy(stack, "update it")
            if body.get("enable_auto_rollback") is True and not stack["enable_auto_rollback"] and stack["status"].endswith("_FAILED"):
                raise RfsError(403, WRONG_STATUS, "stack %s is %s: enable_auto_rollback cannot be turned on until the stack "
                               "is deployed again or its failure is recovered" % (name, stack["status"]))
            for key in ("description", "agencies", "enable_deletion_protection", "enable_auto_rollback"):
                if key in body:
                    stack[key] = copy.deepcopy(body[key])
            stack["update_time"] = self.state.clock()

    def deploy(self, project, name, stack_id, config):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            self._not_busy(stack, "deploy")
            return self._start_deployment(stack, config, now)

    def continue_deployment(self, project, name, stack_id):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            self._not_busy(stack, "continue its deployment")
            if stack["status"] != "DEPLOYMENT_FAILED" or stack["_failed_config"] is None:
                raise RfsError(403, WRONG_STATUS, "stack %s is %s: only a DEPLOYMENT_FAILED stack can continue its deployment" % (
                    name, stack["status"]))
            return self._start_deployment(stack, stack["_failed_config"], now)

    def continue_rollback(self, project, name, stack_id):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            self._not_busy(stack, "continue its rollback")
            if stack["status"] != "ROLLBACK_FAILED":
                raise RfsError(403, WRONG_STATUS, "stack %s is %s: only a ROLLBACK_FAILED stack can continue its rollback" % (
                    name, stack["status"]))
            deployment_id = new_id()
            stack["last_deployment_id"] = deployment_id
            self._start_rollback(stack, now, now, deployment_id)
            return deployment_id

    def delete(self, project, name, stack_id, retain):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            self._not_busy(stack, "delete it")
            if stack["enable_deletion_protection"]:
                raise RfsError(403, DELETION_PROTECTED, "stack %s has deletion protection enabled: turn off "
                               "enable_deletion_protection (UpdateStack) before deleting it" % name)
            stack["plans"] = {}
            self._start_deletion(stack, now, retain)

    def outputs(self, project, name, stack_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            # During a deployment the service answers no outputs.
            if not (stack["deployed"] or {}).get("template_body") or stack["status"] == "DEPLOYMENT_IN_PROGRESS":
                return []
            template = hcl.parse_template(stack["deployed"]["template_body"])
            _instances, variables = hcl.desired_state(template, given_vars(stack["deployed"]))
            outputs = []
            for output_name, spec in template.outputs.items():
                value = self._output_value(stack, spec["value"], variables)
                outputs.append({
                    "name": output_name,
                    "description": hcl.render(hcl.resolve(spec["description"], variables)) or "",
                    "type": "bool" if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else "string",
                    "value": "<sensitive>" if spec["sensitive"] else hcl.render(value),
                    "sensitive": spec["sensitive"],
                })
            return outputs

    @staticmethod
    def _output_value(stack, expression, variables):
        if expression[0] == "raw":
            parts = expression[1].split(".")
            if len(parts) == 3:
                for resource in stack["resources"].values():
                    if resource["type"] == parts[0] and resource["name"] == parts[1]:
                        if parts[2] == "id":
                            return resource["physical_resource_id"]
                        return resource["attributes"].get(parts[2], expression[1])
        return hcl.resolve(expression, variables)

    def resources(self, project, name, stack_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            if stack["status"] == "DEPLOYMENT_IN_PROGRESS":
                return self._resources_while_deploying(stack)
            answer = []
            for key in sorted(stack["resources"], key=sort_key):
                resource = stack["resources"][key]
                entry = {
                    "physical_resource_id": resource["physical_resource_id"],
                    "physical_resource_name": resource["attributes"].get("name") or "",
                    "logical_resource_name": resource["name"],
                    "logical_resource_type": resource["type"],
                    "resource_status": resource["resource_status"],
                    "status_message": "",
                    "resource_attributes": [{"key": k, "value": v} for k, v in sorted(resource["attributes"].items()) if k != FAIL_ATTRIBUTE],
                }
                if resource["index"] is not None:
                    entry["index_key"] = str(resource["index"])
                answer.append(entry)
            return answer

    def _resources_while_deploying(self, stack):
        """During a deployment the service answers brief resources: names, types and statuses, no ids or attributes."""
        statuses = {key: resource["resource_status"] for key, resource in stack["resources"].items()}
        for item in stack["_run"]["started"] if stack["_run"] else ():
            key = (item["resource_type"], item["resource_name"], item_index(item))
            statuses[key] = "%s_IN_PROGRESS" % EVENTS_OF_ACTION[item["action"]][-1]
        answer = []
        for rtype, rname, index in sorted(statuses, key=sort_key):
            entry = {"logical_resource_name": rname, "logical_resource_type": rtype,
                     "resource_status": statuses[(rtype, rname, index)]}
            if index is not None:
                entry["index_key"] = str(index)
            answer.append(entry)
        return answer

    def events(self, project, name, stack_id, deployment_id):
        """[(key, event)] newest first, keyed for the list's markers; only events that have happened by now."""
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            if deployment_id is not None and not any(e["_deployment_id"] == deployment_id for e in stack["events"]):
                raise RfsError(404, DEPLOYMENT_MISSING, "deployment %s of stack %s does not exist" % (deployment_id, name))
            return sorted(([-e["_time"], -position], {k: v for k, v in e.items() if not k.startswith("_")})
                          for position, e in enumerate(stack["events"])
                          if e["_time"] <= now and (deployment_id is None or e["_deployment_id"] == deployment_id))

    # ----------------------------------------------------------------- plans

    # --------------------------------------------------------------- control

    def upsert(self, patch):
        """Create or change a stack from the control API: seed fields, steering keys, a new status."""
        with self.state.lock:
            now = self._settled()
            check_seed_keys(patch, STACK_SEED_KEYS, "an rfs stack")
            project = patch.get("project_id") or self.state.default_project_id()
            stack = self.stacks.get((project, patch.get("stack_name")))
            if stack is None:
                return self._public_export(self._seed_stack(copy.deepcopy(patch), now, "the rfs stack"))
            for key in STEERING_KEYS + ("description", "agencies", "enable_deletion_protection", "enable_auto_rollback"):
                if key in patch:
                    stack[key] = copy.deepcopy(patch[key])
            config = None
            if patch.get("template_body") is not None:
                config = self._config_of(patch)
                if patch.get("status") != "DEPLOYMENT_IN_PROGRESS":
                    self._apply_config(stack, config, "the rfs stack")
            if "status" in patch:
                if patch["status"] not in STATUSES:
                    raise ValueError("status must be one of %s" % ", ".join(STATUSES))
                self._set_status(stack, patch["status"], patch.get("status_message"), config, now)
            elif "status_message" in patch:
                stack["status_message"] = patch["status_message"] or ""
            stack["update_time"] = now
            return self._public_export(stack)

    def _public_export(self, stack):
        return [s for s in self.export()["rfs_stacks"] if s["stack_id"] == stack["stack_id"]][0]

    def add_uris(self, uris):
        with self.state.lock:
            if not isinstance(uris, dict) or not all(isinstance(v, str) for v in uris.values()):
                raise ValueError("the body maps a URI to its content (a string)")
            self.uris.update(uris)
            return dict(self.uris)
