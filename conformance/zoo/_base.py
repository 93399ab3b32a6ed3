"""Shared by the zoo drivers: makes the minimal runtime importable as `driver`."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "drivers", "python-minimal"))

import driver  # noqa: E402  (the path is set up above)

__all__ = ["driver"]
