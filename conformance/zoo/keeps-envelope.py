"""Broken on purpose: returns the whole {status, data} envelope as the step output."""

from _base import driver


class KeepsEnvelope(driver.Runtime):
    def read_response(self, status, parsed):
        if 200 <= status < 300:
            return parsed
        return super().read_response(status, parsed)


driver.serve(KeepsEnvelope())
