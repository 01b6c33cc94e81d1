"""What the engine needs to know about a family of scikit-learn models."""

import copy

import numpy as np

#: The rows of a mini-batch of ``batch_size='auto'`` at most: ``min(200, n)``, as
#: scikit-learn's MLP takes it (for sklr, also the rows per step stepping per batch).
AUTO_BATCH_SIZE = 200


class Adapter:
    """Drive one scikit-learn model one step at a time.

    An adapter owns a private copy of the wrapped model (the user's object is
    never touched). The engine calls ``set_lr`` before every step and one of
    ``train_epoch`` / ``train_batches`` to take steps; ``snapshot`` and
    ``restore`` save and bring back the whole learned state, optimizer state
    included.

    Parameters
    ----------
    model : estimator
        A fresh, unfitted scikit-learn model, already cloned.
    shuffle : bool
        Whether each epoch visits the rows in a new random order.
    """

    #: Fitted attributes of the wrapped model that the sklr estimator exposes.
    public_attributes: tuple = ()

    #: Fitted attributes of the wrapped model that training never changes:
    #: snapshots share them instead of copying them.
    shared_attributes: frozenset = frozenset()

    #: Attributes holding what was built for one engine call's data: dropped
    #: by ``release`` and never pickled.
    cache_names: tuple = ()

    #: Whether training steps return the model's own (running) training loss.
    reports_loss = False

    #: Validated ``(coef_init, intercept_init)`` the first step starts from,
    #: or None: the model's own starting weights (see ``check_start_weights``).
    start_weights = None

    def __init__(self, model, *, shuffle):
        self.model = model
        self.shuffle = shuffle
        self.configure()

    @staticmethod
    def check_model(model):
        """Raise for a combination of the model's parameters its own ``fit`` rejects.

        (Each parameter alone is checked by the estimator's constraints.)
        Here: none.
        """

    @staticmethod
    def check_start_weights(model, coef_init, intercept_init, n_features, classes, dtype):
        """Check ``fit``'s ``coef_init`` / ``intercept_init`` for ``model``.

        Returns what ``start_weights`` takes, or None when neither is given.
        Here: neither may be given, the model draws its own starting weights.
        """
        if coef_init is None and intercept_init is None:
            return None
        raise ValueError(
            f"coef_init and intercept_init are for the SGD models; {type(model).__name__} "
            "draws its own starting weights from random_state. Leave them out."
        )

    @staticmethod
    def updates_per_epoch(n_rows, batch_size):
        """How many updates an epoch of ``n_rows`` takes. Here: one per row."""
        return n_rows

    @staticmethod
    def stale_epochs_to_stop(n_iter_no_change):
        """Epochs in a row without improvement that end a fit with early stopping.

        Here ``n_iter_no_change``, as scikit-learn's SGD models count.
        """
        return n_iter_no_change

    @staticmethod
    def training_data(X, y, sample_weight, classes=None, *, shuffle=True, repeat=True):
        """The rows the model trains on, given the validated data (as given, here).

        ``repeat=False`` asks only for the order of the rows (before a
        validation split), not for the weights' own treatment.
        """
        return X, y, sample_weight

    def configure(self):
        """Put the model in the mode where sklr controls its learning rate."""

    def set_lr(self, lr):
        raise NotImplementedError

    def partial_fit(self, X, y, sample_weight, classes, seed):
        """One pass of the model's own ``partial_fit``; returns its loss or None."""
        raise NotImplementedError

    def train_epoch(self, X, y, sample_weight, classes, seed):
        """One epoch over all rows at the current LR, shuffled by the model."""
        return self.partial_fit(X, y, sample_weight, classes, seed)

    def train_batches(self, X, y, sample_weight, classes, batches, lrs, seed):
        """One step per mini-batch of row indices, at the given LRs.

        ``seed`` seeds the model's own randomness (its initialisation on the
        first step). Returns the mean training loss over the batches when the
        model reports one, else None.
        """
        losses, sizes = [], []
        for rows, lr in zip(batches, lrs, strict=True):
            self.set_lr(lr)
            sw = None if sample_weight is None else sample_weight[rows]
            loss = self.batch_step(X[rows], y[rows], sw, classes, seed)
            losses.append(loss)
            sizes.append(len(rows))
        if any(loss is None for loss in losses):
            return None
        return float(np.average(losses, weights=sizes))

    def batch_step(self, X, y, sample_weight, classes, seed):
        """One update on exactly the rows given."""
        return self.partial_fit(X, y, sample_weight, classes, seed)

    def release(self):
        """Drop whatever was built for the data of the last engine call."""
        for name in self.cache_names:
            self.__dict__.pop(name, None)

    def __getstate__(self):
        # What was built for one engine call's data is never pickled.
        state = self.__dict__.copy()
        for name in self.cache_names:
            state.pop(name, None)
        return state

    def finish(self, loss_curve):
        """Give the model the records of the epochs it was trained for, where it keeps any."""

    def objective(self, X, y, sample_weight):
        """The training objective (loss plus penalty) at the current weights."""
        raise NotImplementedError

    def prediction_objective(self, X, y, sample_weight):
        """The objective of the model as it predicts (here, at the current weights)."""
        return self.objective(X, y, sample_weight)

    def score(self, X, y, sample_weight):
        return self.model.score(X, y, sample_weight=sample_weight)

    def snapshot(self):
        """A deep copy of everything the model has learned, optimizer included.

        An attribute that is the very object of another (scikit-learn's
        averaged SGD makes ``intercept_`` its averaging buffer) stays so.
        """
        return _copy_state(self.model.__dict__, _freeze, self.shared_attributes)

    def restore(self, state):
        """Bring back a snapshot (which stays intact: it may be restored again)."""
        self.model.__dict__.clear()
        self.model.__dict__.update(_copy_state(state, _thaw, self.shared_attributes))
        self.release()

    def weights(self):
        """The model's learned arrays (empty before the first step)."""
        return []

    def weights_finite(self):
        return all(np.isfinite(w).all() for w in self.weights())

    def degenerate(self, lr):
        """Why a step at ``lr`` cannot learn anything, or None."""
        return None

    def initial_objective(self, X, y, sample_weight, classes, seed):
        """The training objective at the weights the first step starts from."""
        raise NotImplementedError

    def divergence_reference(self, X, y, sample_weight, at_start):
        """The objective divergence is judged against, and what it is, in words.

        ``at_start``: :meth:`initial_objective`. Here, that one.
        """
        return at_start, "at the start of training"


#: Values that a fit never changes in place: shared, not copied.
_IMMUTABLE = (str, bytes, int, float, complex, bool, type(None), np.generic)
#: The most common of them, found by exact type (faster than isinstance).
_SCALARS = frozenset({float, int, bool, str, type(None), np.float64})


class _RandomStateCopy:
    """A RandomState's state in a snapshot: reading it costs a fifth of building a twin."""

    def __init__(self, random_state):
        self.state = random_state.get_state()

    def thaw(self):
        twin = np.random.RandomState()
        twin.set_state(self.state)
        return twin


def _freeze(value):
    """A deep copy for a snapshot, with shortcuts for arrays, scalars, lists and plain objects."""
    kind = type(value)
    if kind is np.ndarray and value.dtype != object:
        return value.copy()
    if kind in _SCALARS or isinstance(value, _IMMUTABLE):
        return value
    if kind is list:
        # The wrapped model's own records (an MLP's loss_curve_ grows by one
        # value per pass) and its lists of weight arrays.
        return [_freeze(item) for item in value]
    if kind is tuple and all(type(item) in _SCALARS for item in value):
        return value
    if isinstance(value, np.random.RandomState):
        return _RandomStateCopy(value)
    plain = _plain_copy(value)
    return copy.deepcopy(value) if plain is None else plain


def _plain_copy(value):
    """A deep copy of an object that holds only values, arrays and lists of them, or None.

    Such an object (an MLP's optimizer: its rate, counters and moment
    arrays) is copied attribute by attribute, three times faster than
    ``deepcopy``. Anything else, or two attributes sharing an array (which
    ``deepcopy`` would keep shared), gets None.
    """
    kind = type(value)
    state = getattr(value, "__dict__", None)
    if (
        state is None
        or hasattr(kind, "__slots__")
        or hasattr(kind, "__deepcopy__")
        or kind.__reduce_ex__ is not object.__reduce_ex__
        or kind.__getstate__ is not object.__getstate__
    ):
        return None
    seen = set()
    for item in state.values():
        items = item if type(item) is list else (item,)
        for one in items:
            if type(one) is np.ndarray and one.dtype != object:
                if id(one) in seen:
                    return None
                seen.add(id(one))
            elif not (type(one) in _SCALARS or isinstance(one, _IMMUTABLE)):
                return None
    twin = kind.__new__(kind)
    twin.__dict__.update({name: _freeze(item) for name, item in state.items()})
    return twin


def _copy_state(state, copy_one, shared=()):
    """Copy each value of ``state`` once, however many names it has.

    The values of the names in ``shared`` are not copied: the adapter knows
    that training never changes them. Nor are scalars, which nothing changes.
    """
    copies = {}
    out = {}
    for name, value in state.items():
        if name in shared or type(value) in _SCALARS:
            out[name] = value
            continue
        key = id(value)
        if key not in copies:
            copies[key] = copy_one(value)
        out[name] = copies[key]
    return out


def _thaw(value):
    """A live copy of a value frozen by :func:`_freeze`."""
    if isinstance(value, _RandomStateCopy):
        return value.thaw()
    return _freeze(value)
