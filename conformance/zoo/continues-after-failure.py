"""Broken on purpose: carries on with the next steps after a step failed."""

from _base import driver


class ContinuesAfterFailure(driver.Runtime):
    def run_steps(self, run, steps, scope, connectors, records):
        failure = None
        for step in steps:
            try:
                super().run_steps(run, [step], scope, connectors, records)
            except driver.StepError as error:
                failure = failure or error
        if failure:
            raise failure


driver.serve(ContinuesAfterFailure())
