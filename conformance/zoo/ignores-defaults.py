"""Broken on purpose: ignores declared input defaults."""

from _base import driver


class IgnoresDefaults(driver.Runtime):
    def resolve_inputs(self, workflow, given):
        stripped = {name: {k: v for k, v in (spec or {}).items() if k != "default"}
                    for name, spec in (workflow.get("inputs") or {}).items()}
        return super().resolve_inputs({**workflow, "inputs": stripped}, given)


driver.serve(IgnoresDefaults())
