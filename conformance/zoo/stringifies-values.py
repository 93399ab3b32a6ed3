"""Broken on purpose: a single {{ path }} always renders to text, losing the native type."""

from _base import driver


class Stringifies(driver.Runtime):
    def render(self, value, scope):
        if isinstance(value, str) and "{{" in value:
            return driver.TEMPLATE.sub(lambda m: driver.text_of(self.lookup(m.group(1), scope)), value)
        return super().render(value, scope)


driver.serve(Stringifies())
