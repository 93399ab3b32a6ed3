"""Broken on purpose: never runs the last step of a workflow with more than one step."""

from _base import driver


class SkipsLastStep(driver.Runtime):
    def run_steps(self, run, steps, scope, connectors, records):
        super().run_steps(run, steps[:-1] if len(steps) > 1 else steps, scope, connectors, records)


driver.serve(SkipsLastStep())
