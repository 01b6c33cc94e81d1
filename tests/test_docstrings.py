"""Every public docstring follows numpydoc (validated as numpydoc validates)."""

import inspect

import pytest
from numpydoc.validate import validate
from sklearn.utils._available_if import _AvailableIfDescriptor

import sklr
import sklr.finder
import sklr.policies
import sklr.schedules

#: Checks left out: a "See Also" section and an extended summary are optional
#: here, the docstring may start on the line of the quotes or the next, and a
#: single return value may be named (``self : object``, as scikit-learn's).
IGNORED = {"SA01", "ES01", "GL01", "GL02", "RT02"}
#: Methods need no example of their own: their class's example shows them.
IGNORED_FOR_METHODS = IGNORED | {"EX01"}


def _public_names():
    names = {}
    for module in (sklr, sklr.schedules, sklr.policies, sklr.finder):
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            qualified = f"{obj.__module__}.{obj.__qualname__}"
            names[qualified] = IGNORED
            if inspect.isclass(obj):
                for klass in obj.__mro__:
                    if not klass.__module__.startswith("sklr"):
                        continue
                    for attr, value in vars(klass).items():
                        # Methods, those shown only where the model has them
                        # (available_if), and properties.
                        documented = inspect.isfunction(value) or isinstance(
                            value, _AvailableIfDescriptor | property
                        )
                        public = not attr.startswith("_") and documented
                        if public and f"{qualified}.{attr}" not in names:
                            names[f"{qualified}.{attr}"] = IGNORED_FOR_METHODS
    return names


PUBLIC = _public_names()


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_docstring_follows_numpydoc(name):
    errors = [
        f"{code}: {message}"
        for code, message in validate(name)["errors"]
        if code not in PUBLIC[name]
    ]
    assert not errors, "\n".join(errors)
