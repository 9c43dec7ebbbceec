"""Inputs for the metric contract test (``tests/test_metric_contract.py``).

One module per metric module, ``tests/contract_cases/<module>.py``, defining:

- ``CASES: dict[str, Callable[[bool], tuple[tuple, dict]]]``: function name → a callable
  that, given ``empty``, returns the positional and keyword arguments of a call on
  one-row (``empty=False``) or empty (``empty=True``) inputs; build them with
  ``tests/frames.py`` (``orders_frame(empty)`` …).
- ``EXEMPT: dict[str, str]``: function name → why it is not a frame-in, frame-out metric
  (e.g. it returns a fitted model).

Every public function of ``ecanalysis/metrics/<module>.py`` must appear in one of the two.
"""
