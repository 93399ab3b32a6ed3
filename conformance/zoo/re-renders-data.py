"""Broken on purpose: renders values again while they still look like templates."""

from _base import driver


class ReRenders(driver.Runtime):
    def render(self, value, scope):
        for _ in range(5):
            rendered = super().render(value, scope)
            if rendered == value:
                break
            value = rendered
        return value


driver.serve(ReRenders())
