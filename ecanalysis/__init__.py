"""ecanalysis: e-commerce operations analysis (电商运营数据分析).

A small library of metric functions (``ecanalysis.metrics``) behind parameterized
notebooks that papermill runs per store and per period. Importing the package is
cheap: pandas, DuckDB, pandera and matplotlib load only when the module that needs
them is imported.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
