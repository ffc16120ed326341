"""Execution plans of RFS stacks (a mixin of RfsModel): make, read, price, apply, delete."""

import copy

from .rfs_base import (NAME_TAKEN, PLAN_BUSY, PLAN_STALE, WRONG_STATUS, RfsError, check_seed_id, check_seed_keys, epoch_or, new_id,
                       rfs_time)
from .rfs_diff import diff, item_index, plan_target, price_of, public_config, summary_of

PLAN_STATUSES = ("CREATION_IN_PROGRESS", "CREATION_FAILED", "AVAILABLE", "APPLY_IN_PROGRESS", "APPLIED")
PLAN_SEED_KEYS = ("execution_plan_name", "execution_plan_id", "description", "status", "status_message", "template_body",
                  "vars_structure", "vars_body", "vars_uri_content", "create_time", "apply_time")


class PlansMixin:
    """A stack's execution plans, kept in ``stack["plans"]`` by name."""

    def _seed_plan(self, stack, spec, now, where):
        check_seed_keys(spec, PLAN_SEED_KEYS, where)
        check_seed_id(spec, "execution_plan_id", where)
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
        plan["create_time"] = epoch_or(spec.get("create_time"), now)
        if status != "CREATION_IN_PROGRESS":
            plan["_ready"] = now
            if status == "CREATION_FAILED" or plan["_problem"]:
                plan["_problem"] = plan["_problem"] or spec.get("status_message") or "seeded as CREATION_FAILED"
            elif status == "APPLIED":
                plan["_applied"] = True
                plan["apply_time"] = epoch_or(spec.get("apply_time"), now)
        stack["plans"][name] = plan


    def _export_plan(self, plan):
        status = self._plan_status(plan)
        item = {"execution_plan_name": plan["execution_plan_name"], "execution_plan_id": plan["execution_plan_id"],
                "description": plan["description"], "status": status,
                "create_time": rfs_time(plan["create_time"])}
        item.update({k: copy.deepcopy(v) for k, v in plan["config"].items() if v is not None})
        if status == "CREATION_FAILED":
            item["status_message"] = plan["_problem"]
        return item


    def _new_plan(self, stack, name, description, config, now):
        instances, problem = plan_target(config, stack["agencies"])
        items = diff(stack["resources"], instances) if instances is not None else []
        return {
            "execution_plan_id": new_id(), "execution_plan_name": name, "description": description or "",
            "config": copy.deepcopy(config), "create_time": now, "apply_time": None,
            "items": items, "instances": instances, "generation": stack["generation"],
            "deployment_id": None, "_ready": now + self._span(stack), "_problem": problem, "_applied": False,
            "_seq": self.next_seq(),
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
            # Newest first, as the service lists them; the keys are what the list's markers point into.
            return sorted(([-p["create_time"], -p["_seq"]], self.plan_summary(stack, p)) for p in stack["plans"].values())

    def plan_metadata(self, project, name, plan_name, stack_id, plan_id):
        with self.state.lock:
            self._settled()
            stack = self.find(project, name, stack_id)
            plan = self.find_plan(stack, plan_name, plan_id)
            answer = self.plan_summary(stack, plan)
            answer.update(public_config(plan["config"]))
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
                target = plan["instances"][(item["resource_type"], item["resource_name"], item_index(item))]
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
