"""Warnings that point at the user's code, wherever in sklr they are raised."""

import os
import sys
import warnings

#: sklr's own source files, as their code objects name them.
_PACKAGE = os.path.dirname(__file__) + os.sep


def warn_user(message, category=UserWarning):
    """``warnings.warn`` pointing at the user's call (the first frame outside sklr)."""
    frame, level = sys._getframe(1), 2  # level 2: warn_user's caller
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
