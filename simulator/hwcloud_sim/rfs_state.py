"""RFS stacks, deployments and execution plans of the simulator (shared/api/rfs.md).

The model lives beside State (``state.rfs``) and shares its lock, clock and
transition settings. Like the rest of the simulator it has no threads: a stack
that is deploying carries a ``_run`` with an end time, and ``settle()`` finishes
whatever is due before any read or change.

A stack's resources are what its last successful deployment made of its template
and vars (hcl.desired_state). A plan or a deployment compares them with the
instances of the template and vars it is given: that difference is the plan's
items and the deployment's events.
"""

import copy
import hashlib
import re

from . import hcl
from .state import aos_time as rfs_time
from .state import new_id as _new_id
from .state import parse_time

SEED_KEYS = ("rfs_stacks", "rfs_retained_resources", "rfs_uris")

BUSY = ("DEPLOYMENT_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "DELETION_IN_PROGRESS")
SETTLED = ("CREATION_COMPLETE", "DEPLOYMENT_COMPLETE", "DEPLOYMENT_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETION_FAILED")
STATUSES = SETTLED + BUSY
PLAN_STATUSES = ("CREATION_IN_PROGRESS", "CREATION_FAILED", "AVAILABLE", "APPLY_IN_PROGRESS", "APPLIED")

# Keys that steer the simulator: accepted in seeds and upserts, never in API answers.
STEERING_KEYS = ("transition_seconds", "fail_next_deployment", "fail_next_rollback", "fail_next_deletion", "deployment_start_delay")
STACK_SEED_KEYS = ("project_id", "stack_id", "stack_name", "description", "status", "status_message", "agencies",
                   "enable_deletion_protection", "enable_auto_rollback", "template_body", "vars_structure", "vars_body",
                   "vars_uri_content", "create_time", "update_time", "execution_plans") + STEERING_KEYS
PLAN_SEED_KEYS = ("execution_plan_name", "execution_plan_id", "description", "status", "status_message", "template_body",
                  "vars_structure", "vars_body", "vars_uri_content", "create_time", "apply_time")

# The resource events an item's action makes, in order.
EVENTS_OF_ACTION = {"ADD": ("CREATION",), "UPDATE": ("UPDATE",), "DELETE": ("DELETION",), "DELETE_THEN_ADD": ("DELETION", "CREATION")}
ACTION_REASONS = {
    "ADD": "the resource is in the template but not in the stack",
    "UPDATE": "attributes of the resource differ from the template",
    "DELETE": "the resource is in the stack but no longer in the template",
    "DELETE_THEN_ADD": "a changed attribute cannot be updated in place: the resource is replaced",
}
# Resource types priced as free; any other huaweicloud_* type gets a made-up price.
FREE_TYPES = ("huaweicloud_vpc", "huaweicloud_vpc_subnet", "huaweicloud_networking_secgroup",
              "huaweicloud_networking_secgroup_rule")
PRICED_PROVIDERS = ("huaweicloud", "hwc")
# Attributes that, like a provider's ForceNew ones, replace the resource when they change.
FORCE_NEW_ATTRIBUTES = ("availability_zone", "image_id", "volume_type")
# The attribute that makes every deployment of its resource fail (the template-side failure switch).
FAIL_ATTRIBUTE = "sim_fail"

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# Error codes (11 characters, RF.<8 digits>, as the service's).
MISSING_PARAMETER = "RF.10011001"
BAD_PARAMETER = "RF.10011002"
ID_MISMATCH = "RF.10011003"
BAD_CLIENT_REQUEST_ID = "RF.10011004"
URI_NOT_FETCHABLE = "RF.10011005"
TEMPLATE_INVALID = "RF.10011007"
# The service answers 403 for every refusal that depends on a stack's or plan's status (busy, stale,
# failed), so a client tells "busy" from "not allowed" by reading the stack again, not by the code.
STACK_BUSY = "RF.10012519"
DELETION_PROTECTED = "RF.10031001"
PLAN_STALE = "RF.10031002"
PLAN_BUSY = "RF.10031003"
WRONG_STATUS = "RF.10031004"
STACK_MISSING = "RF.10041001"
PLAN_MISSING = "RF.10041002"
DEPLOYMENT_MISSING = "RF.10041003"
NAME_TAKEN = "RF.10091002"
INTERNAL = "RF.10051000"


class RfsError(Exception):
    """An API refusal: the handler answers ``status`` with ``{"error_code": code, "error_msg": message}``."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _epoch(value, default):
    return default if value is None else parse_time(value)


def resource_address(rtype, name, index):
    return "%s.%s%s" % (rtype, name, "" if index is None else "[%d]" % index)


def given_vars(config):
    """The variables a config sends: vars_structure strings, then the vars files' typed values."""
    values = {}
    for item in config.get("vars_structure") or []:
        values[item["var_key"]] = item["var_value"]
    for key in ("vars_body", "vars_uri_content"):
        values.update(hcl.parse_tfvars(config.get(key)))
    return values


def plan_target(config):
    """(instances, None) for a config, or (None, message) when Terraform would fail on it."""
    if config.get("template_body") is None:
        # Only a seeded stack that never had a template: there is nothing to make.
        return {}, None
    try:
        template = hcl.parse_template(config.get("template_body"))
        instances, _variables = hcl.desired_state(template, given_vars(config))
        return instances, None
    except hcl.TemplateError as exc:
        return None, "Error: %s" % exc


def diff(current, target):
    """Plan items turning ``current`` resources into ``target`` instances, in a stable order."""
    items = []
    for key in sorted(set(current) | set(target), key=_sort_key):
        before, after = current.get(key), target.get(key)
        if before is None:
            action = "ADD"
            attributes = [{"name": n, "previous_value": None, "target_value": v} for n, v in sorted(after["attributes"].items())]
        elif after is None:
            action = "DELETE"
            attributes = [{"name": n, "previous_value": v, "target_value": None} for n, v in sorted(before["attributes"].items())]
        else:
            names = sorted(set(before["attributes"]) | set(after["attributes"]))
            attributes = [{"name": n, "previous_value": before["attributes"].get(n), "target_value": after["attributes"].get(n)}
                          for n in names if before["attributes"].get(n) != after["attributes"].get(n)]
            if not attributes:
                continue
            action = "DELETE_THEN_ADD" if any(a["name"] in FORCE_NEW_ATTRIBUTES for a in attributes) else "UPDATE"
        items.append({
            "resource_type": key[0],
            "resource_name": key[1],
            "index": None if key[2] is None else str(key[2]),
            "action": action,
            "action_reason": ACTION_REASONS[action],
            "provider_name": key[0].split("_", 1)[0],
            "mode": "RESOURCE",
            "drifted": False,
            "imported": False,
            "resource_id": before["physical_resource_id"] if before else None,
            "attributes": attributes,
        })
    return items


def _sort_key(key):
    return (key[0], key[1], -1 if key[2] is None else key[2])


def summary_of(items):
    counts = {"resource_add": 0, "resource_update": 0, "resource_delete": 0, "resource_import": 0}
    for item in items:
        if item["action"] in ("ADD", "ADD_THEN_DELETE", "DELETE_THEN_ADD"):
            counts["resource_add"] += 1
        if item["action"] in ("DELETE", "ADD_THEN_DELETE", "DELETE_THEN_ADD"):
            counts["resource_delete"] += 1
        if item["action"] == "UPDATE":
            counts["resource_update"] += 1
        if item.get("imported"):
            counts["resource_import"] += 1
    return counts


def price_of(rtype, attributes):
    """A deterministic made-up price for one resource instance: (supported, unsupported_message, prices)."""
    if rtype.split("_", 1)[0] not in PRICED_PROVIDERS:
        return False, "resource type %s is not supported by the price inquiry" % rtype, []
    if rtype in FREE_TYPES:
        return True, None, [{"charge_mode": "FREE", "sale_price": 0.0, "discount": 0.0, "original_price": 0.0}]
    hourly = 0.05 + int(hashlib.sha256(rtype.encode("utf-8")).hexdigest()[:8], 16) % 2000 / 100.0
    if (attributes.get("charging_mode") or "").lower() == "prepaid":
        unit = (attributes.get("period_unit") or "month").upper()
        unit = unit if unit in ("MONTH", "YEAR") else "MONTH"
        try:
            period = max(1, int(attributes.get("period") or 1))
        except ValueError:
            period = 1
        original = round(hourly * (720 if unit == "MONTH" else 8760) * period, 2)
        discount = round(original * 0.1, 2)
        return True, None, [{"charge_mode": "PRE_PAID", "sale_price": round(original - discount, 2), "discount": discount,
                             "original_price": original, "period_type": unit, "period_count": period}]
    original = round(hourly, 2)
    return True, None, [{"charge_mode": "POST_PAID", "sale_price": original, "discount": 0.0, "original_price": original,
                         "period_type": "HOUR", "period_count": 1}]


def _check_id(spec, key, where):
    """Seeded ids must look like the service's, or the API's UUID guards could never match them."""
    value = spec.get(key)
    if value is not None and not (isinstance(value, str) and UUID.match(value)):
        raise ValueError("%s: %s must be a UUID, got %r" % (where, key, value))


def _check_keys(obj, known, what):
    if not isinstance(obj, dict):
        raise ValueError("%s must be an object" % what)
    for key in obj:
        if key not in known:
            raise ValueError("%s: unknown key %s (known: %s)" % (what, key, ", ".join(known)))


class RfsModel:
    """Every RFS stack of the simulator, keyed by (project_id, stack_name)."""

    def __init__(self, state):
        self.state = state
        self.stacks = {}
        self.retained = []
        self.uris = {}
        self._seq = 0

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
        _check_keys(spec, STACK_SEED_KEYS, where)
        _check_id(spec, "stack_id", where)
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
        created = _epoch(spec.get("create_time"), now)
        stack = self._new_stack(project, name, spec, created)
        stack["stack_id"] = spec.get("stack_id") or stack["stack_id"]
        stack["update_time"] = _epoch(spec.get("update_time"), created)
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
            deployment_id = _new_id()
            stack["last_deployment_id"] = deployment_id
            self._event(stack, now, deployment_id, "ERROR", stack["status_message"])
        elif status == "DEPLOYMENT_IN_PROGRESS":
            target = config or stack.get("shown") or {"template_body": None}
            self._start_deployment(stack, target, now)
        elif status == "ROLLBACK_IN_PROGRESS":
            self._start_rollback(stack, now, now, stack.get("last_deployment_id") or _new_id())
        elif status == "DELETION_IN_PROGRESS":
            self._start_deletion(stack, now, retain=False)

    def _seed_plan(self, stack, spec, now, where):
        _check_keys(spec, PLAN_SEED_KEYS, where)
        _check_id(spec, "execution_plan_id", where)
        name = spec.get("execution_plan_name")
        if not isinstance(name, str) or not name:
            raise ValueError("%s needs an execution_plan_name" % where)
        status = spec.get("status", "AVAILABLE")
        if status not in PLAN_STATUSES:
            raise ValueError("%s: status must be one of %s" % (where, ", ".join(PLAN_STATUSES)))
        # A seed cannot carry the deployment of a plan being applied: it reads as applied.
        status = "APPLIED" if status == "APPLY_IN_PROGRESS" else status
        plan = self._new_plan(stack, name, spec.get("description"), self._config_of(spec), now)
        plan["execution_plan_id"] = spec.get("execution_plan_id") or plan["execution_plan_id"]
        plan["create_time"] = _epoch(spec.get("create_time"), now)
        if status != "CREATION_IN_PROGRESS":
            plan["_ready"] = now
            if status == "CREATION_FAILED" or plan["_problem"]:
                plan["_problem"] = plan["_problem"] or spec.get("status_message") or "seeded as CREATION_FAILED"
            elif status == "APPLIED":
                plan["_applied"] = True
                plan["apply_time"] = _epoch(spec.get("apply_time"), now)
        stack["plans"][name] = plan

    def _new_stack(self, project, name, body, now):
        self._seq += 1
        return {
            "_seq": self._seq,
            "project_id": project,
            "stack_id": _new_id(),
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

    def _export_plan(self, plan):
        status = self._plan_status(plan)
        item = {"execution_plan_name": plan["execution_plan_name"], "execution_plan_id": plan["execution_plan_id"],
                "description": plan["description"], "status": status,
                "create_time": rfs_time(plan["create_time"])}
        item.update({k: copy.deepcopy(v) for k, v in plan["config"].items() if v is not None})
        if status == "CREATION_FAILED":
            item["status_message"] = plan["_problem"]
        return item

    # ------------------------------------------------------------ settling

    def settle(self, now):
        for key in list(self.stacks):
            stack = self.stacks.get(key)
            while stack is not None and stack["_run"] is not None and stack["_run"]["end"] <= now:
                run = stack["_run"]
                stack["_run"] = None
                finish = {"deploy": self._finish_deployment, "rollback": self._finish_rollback, "delete": self._finish_deletion}
                finish[run["kind"]](stack, run)
                stack = self.stacks.get(key)

    def _span(self, stack):
        return self.state.transition_for(stack)

    def _event(self, stack, when, deployment_id, event_type, message, item=None, elapsed=None):
        event = {"_time": when, "_deployment_id": deployment_id, "time": rfs_time(when), "event_type": event_type,
                 "event_message": message}
        if item is not None:
            event["resource_type"] = item["resource_type"]
            event["resource_name"] = item["resource_name"]
            if item.get("index") is not None:
                event["resource_key"] = item["index"]
            if item.get("resource_id"):
                event["resource_id_key"] = "id"
                event["resource_id_value"] = item["resource_id"]
        if elapsed is not None:
            event["elapsed_seconds"] = int(round(elapsed))
        stack["events"].append(event)

    @staticmethod
    def _resources_after(current, instances, status, replaced=()):
        resources = {}
        for key, instance in instances.items():
            before = None if key in replaced else current.get(key)
            changed = before is not None and before["attributes"] != instance["attributes"]
            resources[key] = {
                "type": instance["type"], "name": instance["name"], "index": instance["index"],
                "attributes": dict(instance["attributes"]),
                "physical_resource_id": before["physical_resource_id"] if before else _new_id(),
                "resource_status": ("UPDATE_COMPLETE" if changed else before["resource_status"]) if before else status,
            }
        return resources

    def _start_deployment(self, stack, config, now, plan=None):
        deployment_id = _new_id()
        delay = float(stack.get("deployment_start_delay") or 0)
        # With a start delay, the stack's metadata shows the stack as it was (status, update_time, vars)
        # for that long, as a service that starts the deployment after answering would; it then ends that much later.
        stack["_stale"] = {"until": now + delay, "answer": self._metadata_of(stack)} if delay > 0 else None
        instances, problem = plan_target(config)
        items = diff(stack["resources"], instances) if instances is not None else []
        fail = problem
        failed_item = None
        if fail is None and stack.get("fail_next_deployment"):
            fail = str(stack.pop("fail_next_deployment"))
            failed_item = items[0] if items else None
        if fail is None:
            for item in items:
                target = instances.get((item["resource_type"], item["resource_name"], _index(item)))
                if target is not None and target["attributes"].get(FAIL_ATTRIBUTE):
                    fail, failed_item = target["attributes"][FAIL_ATTRIBUTE], item
                    break
        stack["generation"] += 1
        stack["status"] = "DEPLOYMENT_IN_PROGRESS"
        stack["status_message"] = ""
        stack["shown"] = copy.deepcopy(config)
        stack["update_time"] = now
        stack["last_deployment_id"] = deployment_id
        self._event(stack, now, deployment_id, "LOG", "deployment %s started: %d resource change(s) planned" % (deployment_id, len(items)))
        # With a failing resource, the changes planned after it never start.
        started = items[:items.index(failed_item) + 1] if failed_item is not None else items
        for item in started:
            self._item_events(stack, now, deployment_id, item, "IN_PROGRESS")
        stack["_run"] = {"kind": "deploy", "deployment_id": deployment_id, "start": now, "end": now + delay + self._span(stack),
                         "config": copy.deepcopy(config), "instances": instances, "items": items, "fail": fail,
                         "failed_item": failed_item, "error_resource": failed_item or _first_instance(instances), "plan": plan}
        if plan is not None:
            stack["plans"][plan]["deployment_id"] = deployment_id
        return deployment_id

    def _finish_deployment(self, stack, run):
        end = run["end"]
        stack["update_time"] = end
        plan = stack["plans"].get(run["plan"]) if run["plan"] else None
        if plan is not None:
            plan["_applied"] = True
            plan["apply_time"] = end
        elapsed = end - run["start"]
        if run["fail"] is None:
            for item in run["items"]:
                self._item_events(stack, end, run["deployment_id"], item, "COMPLETE", elapsed)
            replaced = {(i["resource_type"], i["resource_name"], _index(i)) for i in run["items"] if i["action"] == "DELETE_THEN_ADD"}
            stack["resources"] = self._resources_after(stack["resources"], run["instances"], "CREATION_COMPLETE", replaced)
            stack["deployed"] = copy.deepcopy(run["config"])
            stack["_failed_config"] = None
            summary = summary_of(run["items"])
            self._event(stack, end, run["deployment_id"], "SUMMARY", "Apply complete! Resources: %d added, %d changed, %d destroyed." % (
                summary["resource_add"], summary["resource_update"], summary["resource_delete"]))
            stack["status"] = "DEPLOYMENT_COMPLETE"
            return
        item = run["failed_item"]
        if item is not None:
            self._item_events(stack, end, run["deployment_id"], item, "FAILED", elapsed)
        self._event(stack, end, run["deployment_id"], "ERROR", run["fail"], run["error_resource"])
        stack["status"] = "DEPLOYMENT_FAILED"
        stack["status_message"] = run["fail"]
        stack["_failed_config"] = copy.deepcopy(run["config"])
        if stack["enable_auto_rollback"]:
            self._start_rollback(stack, end, end, run["deployment_id"])

    def _item_events(self, stack, when, deployment_id, item, phase, elapsed=None):
        address = resource_address(item["resource_type"], item["resource_name"], _index(item))
        for prefix in EVENTS_OF_ACTION[item["action"]]:
            self._event(stack, when, deployment_id, "%s_%s" % (prefix, phase),
                        "%s: %s %s" % (address, prefix.lower(), phase.lower().replace("_", " ")), item, elapsed)

    def _start_rollback(self, stack, now, start, deployment_id):
        stack["status"] = "ROLLBACK_IN_PROGRESS"
        stack["update_time"] = now
        self._event(stack, start, deployment_id, "LOG", "rollback to the last successful deployment started")
        stack["_run"] = {"kind": "rollback", "deployment_id": deployment_id, "start": start, "end": start + self._span(stack)}

    def _finish_rollback(self, stack, run):
        stack["update_time"] = run["end"]
        if stack.get("fail_next_rollback"):
            message = str(stack.pop("fail_next_rollback"))
            self._event(stack, run["end"], run["deployment_id"], "ERROR", message)
            stack["status"] = "ROLLBACK_FAILED"
            stack["status_message"] = message
            return
        # The resources were never changed by the failed deployment: the rollback restores the shown config only.
        stack["shown"] = copy.deepcopy(stack["deployed"])
        self._event(stack, run["end"], run["deployment_id"], "SUMMARY", "rollback complete", elapsed=run["end"] - run["start"])
        stack["status"] = "ROLLBACK_COMPLETE"

    def _start_deletion(self, stack, now, retain):
        deployment_id = _new_id()
        stack["status"] = "DELETION_IN_PROGRESS"
        stack["status_message"] = ""
        stack["update_time"] = now
        stack["last_deployment_id"] = deployment_id
        if not retain:
            for resource in stack["resources"].values():
                resource["resource_status"] = "DELETION_IN_PROGRESS"
        stack["_run"] = {"kind": "delete", "deployment_id": deployment_id, "start": now, "end": now + self._span(stack),
                         "retain": retain}

    def _finish_deletion(self, stack, run):
        if stack.get("fail_next_deletion"):
            message = str(stack.pop("fail_next_deletion"))
            for resource in stack["resources"].values():
                resource["resource_status"] = "DELETION_FAILED"
            self._event(stack, run["end"], run["deployment_id"], "ERROR", message)
            stack["status"] = "DELETION_FAILED"
            stack["status_message"] = message
            stack["update_time"] = run["end"]
            return
        if run["retain"]:
            for key in sorted(stack["resources"], key=_sort_key):
                resource = stack["resources"][key]
                self.retained.append({"stack_name": stack["stack_name"], "stack_id": stack["stack_id"],
                                      "project_id": stack["project_id"], "resource_type": resource["type"],
                                      "resource_name": resource["name"], "index": resource["index"],
                                      "physical_resource_id": resource["physical_resource_id"]})
        del self.stacks[(stack["project_id"], stack["stack_name"])]

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
            # Keyed by creation order, which is what the list's markers point into.
            return [(s["_seq"], self.stack_summary(s)) for s in sorted(self.stacks.values(), key=lambda s: s["_seq"])
                    if s["project_id"] == project]

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
        for key, value in (stack["shown"] or {}).items():
            if key != "template_body" and value is not None:
                answer[key] = copy.deepcopy(value)
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
            deployment_id = _new_id()
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
            if not (stack["deployed"] or {}).get("template_body"):
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
            answer = []
            for key in sorted(stack["resources"], key=_sort_key):
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

    def events(self, project, name, stack_id, deployment_id):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            return [{k: v for k, v in e.items() if not k.startswith("_")} for e in stack["events"]
                    if e["_time"] <= now and (deployment_id is None or e["_deployment_id"] == deployment_id)]

    # ----------------------------------------------------------------- plans

    def _new_plan(self, stack, name, description, config, now):
        instances, problem = plan_target(config)
        items = diff(stack["resources"], instances) if instances is not None else []
        return {
            "execution_plan_id": _new_id(), "execution_plan_name": name, "description": description or "",
            "config": copy.deepcopy(config), "create_time": now, "apply_time": None,
            "items": items, "instances": instances, "generation": stack["generation"],
            "deployment_id": None, "_ready": now + self._span(stack), "_problem": problem, "_applied": False,
        }

    def _plan_status(self, plan, now=None):
        if now is None:
            now = self.state.clock()
        if now < plan["_ready"]:
            return "CREATION_IN_PROGRESS"
        if plan["_problem"]:
            return "CREATION_FAILED"
        if plan["_applied"]:
            return "APPLIED"
        if plan["deployment_id"]:
            return "APPLY_IN_PROGRESS"
        return "AVAILABLE"

    def create_plan(self, project, name, body, config):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, body.get("stack_id"))
            self._not_busy(stack, "make an execution plan")
            plan_name = body["execution_plan_name"]
            if plan_name in stack["plans"]:
                raise RfsError(409, NAME_TAKEN, "execution plan %s already exists in stack %s" % (plan_name, name))
            plan = self._new_plan(stack, plan_name, body.get("description"), config, now)
            stack["plans"][plan_name] = plan
            return plan["execution_plan_id"]

    def plan_summary(self, stack, plan):
        answer = {"stack_id": stack["stack_id"], "stack_name": stack["stack_name"],
                  "execution_plan_id": plan["execution_plan_id"], "execution_plan_name": plan["execution_plan_name"],
                  "description": plan["description"], "status": self._plan_status(plan), "status_message": "",
                  "create_time": rfs_time(plan["create_time"])}
        if answer["status"] == "CREATION_FAILED":
            answer["status_message"] = plan["_problem"]
        if plan["apply_time"] is not None:
            answer["apply_time"] = rfs_time(plan["apply_time"])
        return answer

    def list_plans(self, project, name, stack_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            plans = sorted(stack["plans"].values(), key=lambda p: p["create_time"], reverse=True)
            return [self.plan_summary(stack, p) for p in plans]

    def plan_metadata(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            plan = self.find_plan(stack, plan_name, plan_id)
            answer = self.plan_summary(stack, plan)
            for key, value in plan["config"].items():
                if key != "template_body" and value is not None:
                    answer[key] = copy.deepcopy(value)
            if answer["status"] in ("AVAILABLE", "APPLY_IN_PROGRESS", "APPLIED"):
                answer["summary"] = summary_of(plan["items"])
            return answer

    def _ready_plan(self, project, name, plan_name, stack_id, plan_id):
        self._settled()
        stack = self.find(project, name, stack_id)
        plan = self.find_plan(stack, plan_name, plan_id)
        status = self._plan_status(plan)
        if status in ("CREATION_IN_PROGRESS", "CREATION_FAILED"):
            raise RfsError(403, WRONG_STATUS, "execution plan %s is %s: its price can be estimated once it is AVAILABLE" % (plan_name, status))
        return stack, plan

    def plan_items(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            self._settled()
            plan = self.find_plan(self.find(project, name, stack_id), plan_name, plan_id)
            # As the service: a plan that is not made yet answers no items, not an error.
            if self._plan_status(plan) in ("CREATION_IN_PROGRESS", "CREATION_FAILED"):
                return []
            return copy.deepcopy(plan["items"])

    def plan_prices(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            _stack, plan = self._ready_plan(project, name, plan_name, stack_id, plan_id)
            items = []
            for item in plan["items"]:
                if item["action"] == "DELETE":
                    continue
                target = plan["instances"][(item["resource_type"], item["resource_name"], _index(item))]
                supported, message, prices = price_of(item["resource_type"], target["attributes"])
                entry = {"resource_type": item["resource_type"], "resource_name": item["resource_name"],
                         "supported": supported, "resource_price": prices}
                if item["index"] is not None:
                    entry["index"] = item["index"]
                if message:
                    entry["unsupported_message"] = message
                items.append(entry)
            return {"currency": "CNY", "items": items}

    def apply_plan(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            now = self._settled()
            stack = self.find(project, name, stack_id)
            plan = self.find_plan(stack, plan_name, plan_id)
            status = self._plan_status(plan, now)
            if status != "AVAILABLE":
                raise RfsError(403, WRONG_STATUS, "execution plan %s is %s: only an AVAILABLE plan can be applied" % (plan_name, status))
            self._not_busy(stack, "apply an execution plan")
            if plan["generation"] != stack["generation"]:
                raise RfsError(403, PLAN_STALE, "execution plan %s is stale: stack %s was deployed after the plan was made; "
                               "make a new plan" % (plan_name, name))
            return self._start_deployment(stack, plan["config"], now, plan=plan_name)

    def delete_plan(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            plan = self.find_plan(stack, plan_name, plan_id)
            status = self._plan_status(plan)
            if status in ("CREATION_IN_PROGRESS", "APPLY_IN_PROGRESS"):
                raise RfsError(403, PLAN_BUSY, "execution plan %s is %s: it can be deleted once that ends" % (plan_name, status))
            del stack["plans"][plan_name]

    # --------------------------------------------------------------- control

    def upsert(self, patch):
        """Create or change a stack from the control API: seed fields, steering keys, a new status."""
        with self.state.lock:
            now = self._settled()
            _check_keys(patch, STACK_SEED_KEYS, "an rfs stack")
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


def _first_instance(instances):
    """The resource an ERROR event names when the failing deployment changes nothing."""
    if not instances:
        return None
    rtype, name, index = sorted(instances, key=_sort_key)[0]
    return {"resource_type": rtype, "resource_name": name, "index": None if index is None else str(index)}


def _index(item):
    return None if item.get("index") is None else int(item["index"])
