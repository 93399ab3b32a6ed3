"""Broken on purpose: numbers events from 1 instead of 0."""

from _base import driver


class OffByOne(driver.Runtime):
    def start(self, run_id, emit):
        run = driver.Run(run_id, emit)
        run.sequence = 1
        return run


driver.serve(OffByOne())
