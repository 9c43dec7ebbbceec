"""Metric functions: pure, DataFrames in, tidy DataFrames out, no I/O.

One domain a module: ``orders``, ``traffic``, ``funnel``, ``channels``, ``products``,
``inventory``, ``customers``, ``reviews``, ``campaigns``, ``compare``, ``anomalies``,
``forecast``, ``clv``. Import the module you need; this package imports none of them.
"""
