#!/usr/bin/env python3
"""A deliberately small OpenWorkflow runtime that speaks the conformance driver protocol.

It claims only the `minimal` profile: sequential action steps over `kind: http` connectors,
workflow inputs with defaults and `required`, workflow outputs, and `{{ }}` dotted-path
substitution of `inputs.*` and `steps.<id>.*`. Python 3.11, standard library only.

It exists to prove that the protocol (conformance/PROTOCOL.md) is an afternoon's work in another
language, and as the base of the suite's "zoo" of deliberately broken runtimes: each zoo driver
subclasses `Runtime` and overrides one method.

Run it through the suite:
    openworkflow-conformance --target "cmd:python3 conformance/drivers/python-minimal/driver.py"
"""

import json
import re
import sys
import threading
import urllib.error
import urllib.request
from datetime import datetime, timezone

PROTOCOL = "openworkflow-conformance/1"
HTTP_TIMEOUT_SECONDS = 30
TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
STATUS_CODES = {408: "TIMEOUT", 429: "RATE_LIMITED", 503: "UNAVAILABLE", 504: "TIMEOUT"}


class StepError(Exception):
    """A failure with a taxonomy code, as the error envelope describes it."""

    def __init__(self, code, message, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def envelope(self):
        return {"code": self.code, "message": self.message, "details": self.details}


class Run:
    """One execution: numbers its events from 0 and stamps them with the wall clock."""

    def __init__(self, run_id, emit):
        self.run_id = run_id
        self.emit = emit
        self.sequence = 0

    def event(self, kind, data=None, step_id=None, attempt=None):
        event = {"sequence": self.sequence, "type": kind, "runId": self.run_id,
                 "time": now(), "data": data or {}}
        if step_id is not None:
            event["stepId"] = step_id
        if attempt is not None:
            event["attempt"] = attempt
        self.emit(event)
        self.sequence += 1


class Runtime:
    name = "python-minimal"
    version = "0.1.0"

    def hello(self):
        return {"protocol": PROTOCOL, "name": self.name, "version": self.version,
                "profiles": ["minimal"],
                "capabilities": {"parsedDocuments": True, "maxConcurrentRuns": 8}}

    # -- documents ---------------------------------------------------------------------------

    def load(self, documents):
        """Collects connectors (by id) and workflows (by name) from the parsed documents."""
        connectors, workflows = {}, {}
        for document in documents:
            parsed = document.get("parsed")
            if not isinstance(parsed, dict):
                continue
            meta = parsed.get("connector")
            if isinstance(meta, dict):
                base = f"connector:{meta.get('namespace')}/{meta.get('name')}"
                actions = {a.get("name"): a for a in parsed.get("actions") or []}
                connectors[f"{base}@{meta.get('version')}"] = actions
                connectors.setdefault(base, actions)
            for workflow in parsed.get("workflows") or []:
                workflows[workflow.get("name")] = workflow
        return connectors, workflows

    # -- a run -------------------------------------------------------------------------------

    def run(self, request, emit):
        connectors, workflows = self.load(request["documents"])
        workflow = workflows.get(request["workflow"])
        result = {"runId": request["runId"], "status": "failed", "outputs": {}, "steps": {}}
        if workflow is None:
            result["error"] = StepError("VALIDATION", f"no workflow named {request['workflow']!r}").envelope()
            return result
        run = self.start(request["runId"], emit)
        run.event("run.started", {"workflow": workflow.get("name")})
        try:
            scope = {"inputs": self.resolve_inputs(workflow, request.get("inputs") or {}), "steps": {}}
            self.run_steps(run, workflow.get("steps") or [], scope, connectors, result["steps"])
            result["outputs"] = self.outputs(workflow, scope)
        except StepError as failure:
            result["error"] = failure.envelope()
            run.event("run.failed", {"error": result["error"]})
            return result
        result["status"] = "success"
        run.event("run.completed", {"outputs": result["outputs"]})
        return result

    def start(self, run_id, emit):
        return Run(run_id, emit)

    def resolve_inputs(self, workflow, given):
        """Declared defaults fill missing inputs; a required input with no value fails the run."""
        values = dict(given)
        for name, spec in (workflow.get("inputs") or {}).items():
            spec = spec or {}
            if name not in values and "default" in spec:
                values[name] = spec["default"]
            if name not in values and spec.get("required"):
                raise StepError("VALIDATION", f"input {name!r} is required",
                                {"field": name, "constraint": "required"})
        return values

    def run_steps(self, run, steps, scope, connectors, records):
        """Runs steps in list order; the first failure halts the workflow."""
        for step in steps:
            step_id = step.get("id")
            run.event("step.started", step_id=step_id, attempt=1)
            try:
                payload = self.render(step.get("input") or {}, scope)
                output = self.call_action(connectors, step, payload)
            except StepError as failure:
                records[step_id] = {"status": "failed", "attempts": 1, "error": failure.envelope()}
                scope["steps"][step_id] = {"status": "failed", "output": None, "error": failure.envelope()}
                run.event("step.failed", {"error": failure.envelope()}, step_id, 1)
                raise
            records[step_id] = {"status": "success", "output": output, "attempts": 1}
            scope["steps"][step_id] = {"status": "success", "output": output}
            run.event("step.completed", {"output": output}, step_id, 1)

    def outputs(self, workflow, scope):
        return {name: self.render(spec.get("value"), scope)
                for name, spec in (workflow.get("outputs") or {}).items()}

    # -- templates ---------------------------------------------------------------------------

    def render(self, value, scope):
        """Renders `{{ path }}` in every string of a document value, once: data is never re-read."""
        if isinstance(value, dict):
            return {key: self.render(item, scope) for key, item in value.items()}
        if isinstance(value, list):
            return [self.render(item, scope) for item in value]
        if not isinstance(value, str):
            return value
        whole = TEMPLATE.fullmatch(value.strip())
        if whole and value.strip().count("{{") == 1:
            return self.lookup(whole.group(1), scope)
        return TEMPLATE.sub(lambda m: text_of(self.lookup(m.group(1), scope)), value)

    def lookup(self, path, scope):
        """Follows a dotted path (`steps.a.output.items.0`); a missing segment gives None."""
        current = scope
        for part in path.split("."):
            if isinstance(current, dict) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            else:
                return None
        return current

    # -- the HTTP handler --------------------------------------------------------------------

    def call_action(self, connectors, step, payload):
        actions = connectors.get(step.get("connector"))
        action = (actions or {}).get(step.get("action"))
        if action is None:
            raise StepError("UNAVAILABLE", f"unknown action {step.get('connector')}.{step.get('action')}")
        http = (action.get("handler") or {}).get("http")
        if not isinstance(http, dict):
            raise StepError("UNAVAILABLE", "only http handlers are supported")
        return self.call_http(http, payload)

    def call_http(self, http, payload):
        """Sends the input as the JSON body with the handler's method (POST by default)."""
        request = urllib.request.Request(
            http["url"], data=json.dumps(payload).encode(), method=http.get("method", "POST"),
            headers={"content-type": "application/json", **(http.get("headers") or {})})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:
            raise StepError("UNAVAILABLE", f"request failed: {error}") from None
        return self.read_response(status, parse_json(body))

    def read_response(self, status, parsed):
        """A 2xx answer is the output (unwrapped from {status: success, data}); anything else fails."""
        envelope = parsed if isinstance(parsed, dict) else {}
        if 200 <= status < 300 and envelope.get("status") != "error":
            return parsed["data"] if envelope.get("status") == "success" and "data" in envelope else parsed
        details = {"status": status}
        if envelope.get("code"):
            details["connector_code"] = envelope["code"]
        message = envelope.get("message") or f"HTTP {status}"
        raise StepError(STATUS_CODES.get(status, "BACKEND_ERROR"), message, details)


# -- helpers ---------------------------------------------------------------------------------

def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_json(body):
    try:
        return json.loads(body) if body else None
    except ValueError:
        return body.decode("utf-8", "replace")


def text_of(value):
    """How a value reads inside a longer string: JSON for structures, '' for null."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


# -- the protocol loop -----------------------------------------------------------------------

def serve(runtime):
    """Reads requests from stdin, one JSON object a line; runs each run in its own thread."""
    lock = threading.Lock()

    def send(message):
        with lock:
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

    def execute(request):
        def emit(event):
            send({"id": request["id"], "type": "event", "event": event})
        try:
            result = runtime.run(request, emit)
        except Exception as error:  # a bug in this runtime must still answer the request
            print(f"run {request['runId']} crashed: {error!r}", file=sys.stderr)
            send({"id": request["id"], "type": "error", "code": "INTERNAL", "message": str(error)})
            return
        send({"id": request["id"], "type": "result", "result": result})

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        kind = request.get("type")
        if kind == "hello":
            send({"id": request["id"], "type": "hello", **runtime.hello()})
        elif kind == "run":
            threading.Thread(target=execute, args=(request,), daemon=True).start()
        elif kind == "shutdown":
            send({"id": request["id"], "type": "ack"})
            return
        else:
            send({"id": request["id"], "type": "error", "code": "UNSUPPORTED",
                  "message": f"{kind} is not supported by {runtime.name}"})


if __name__ == "__main__":
    serve(Runtime())
